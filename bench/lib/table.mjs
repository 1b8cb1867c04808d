// Plain-text tables for the terminal and Markdown tables for bench/README.md.

function widths(header, rows) {
  return header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i] ?? "").length)));
}

/** A fixed-width text table. */
export function textTable(header, rows) {
  const w = widths(header, rows);
  const line = (r) =>
    r
      .map((c, i) => String(c ?? "").padEnd(w[i]))
      .join("  ")
      .trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

/** A Markdown table (pipes in cells escaped). */
export function markdownTable(header, rows) {
  const cell = (c) => String(c ?? "").replace(/\|/g, "\\|");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export const fmt = {
  ms: (v) => (Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v < 100 ? 1 : 0)} ms`) : "–"),
  ratio: (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–"),
  mbps: (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} MB/s` : "–"),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : "–"),
  num: (v) => (Number.isFinite(v) ? String(Math.round(v)) : "–"),
};
