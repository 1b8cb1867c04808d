/**
 * Scores the real library `scan()` (built-in packs, no config) on the
 * service-context evaluation set (service-samples.ts): a positive is found when
 * any secret finding that is not suppressed starts on its labeled line(s), a
 * look-alike is flagged when any does. Reports recall per service family and
 * per context, the share of look-alikes flagged per kind, and precision over
 * the set (found positives / all flagged samples).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "../../src/index.js";
import type { Finding } from "../../src/types.js";
import { buildServiceSamples, type Sample } from "./service-samples.js";

export interface Tally {
  name: string;
  total: number;
  hit: number;
  rate: number;
}

export interface ServiceReport {
  samples: number;
  positives: number;
  negatives: number;
  found: number;
  flagged: number;
  recall: number;
  /** Share of look-alikes flagged. */
  flaggedRate: number;
  /** Found positives over all flagged samples (positives found + look-alikes flagged). */
  precision: number;
  byFamily: Tally[];
  byContext: Tally[];
  byLookalike: Tally[];
  misses: Sample[];
  falseAlarms: { sample: Sample; rules: string[] }[];
  durationMs: number;
}

/** `every`: keep every n-th sample (a slice for the unit test). */
export async function runServiceAccuracy(options: { every?: number; seed?: string } = {}): Promise<ServiceReport> {
  const every = options.every ?? 1;
  const samples = buildServiceSamples(options.seed).filter((_, i) => i % every === 0);
  const cwd = mkdtempSync(join(tmpdir(), "gitward-service-accuracy-"));
  try {
    const started = performance.now();
    const result = await scan({
      cwd,
      configFile: false,
      kinds: { config: false },
      texts: samples.map((s) => ({ path: s.path, text: s.text })),
    });
    return scoreSamples(samples, result.findings, performance.now() - started);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function scoreSamples(samples: Sample[], findings: Finding[], durationMs = 0): ServiceReport {
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.kind !== "secret" || f.suppressions?.length) continue;
    byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
  }
  const tallies = new Map<string, Map<string, { total: number; hit: number }>>();
  const tally = (group: string, name: string, hit: boolean) => {
    const g = tallies.get(group) ?? new Map<string, { total: number; hit: number }>();
    tallies.set(group, g);
    const t = g.get(name) ?? { total: 0, hit: 0 };
    g.set(name, t);
    t.total++;
    if (hit) t.hit++;
  };
  const misses: Sample[] = [];
  const falseAlarms: { sample: Sample; rules: string[] }[] = [];
  let found = 0;
  let flagged = 0;
  let positives = 0;
  for (const s of samples) {
    const hits = (byPath.get(s.path) ?? []).filter((f) => f.startLine >= s.line && f.startLine <= s.endLine);
    const hit = hits.length > 0;
    if (s.positive) {
      positives++;
      if (hit) found++;
      else misses.push(s);
      tally("family", s.family, hit);
      tally("context", s.context, hit);
    } else {
      if (hit) {
        flagged++;
        falseAlarms.push({ sample: s, rules: hits.map((f) => f.ruleId) });
      }
      tally("lookalike", s.family, hit);
    }
  }
  const list = (group: string): Tally[] =>
    [...(tallies.get(group) ?? new Map()).entries()]
      .map(([name, t]) => ({ name, ...t, rate: t.total ? t.hit / t.total : 0 }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  const negatives = samples.length - positives;
  return {
    samples: samples.length,
    positives,
    negatives,
    found,
    flagged,
    recall: positives ? found / positives : 1,
    flaggedRate: negatives ? flagged / negatives : 0,
    precision: found + flagged ? found / (found + flagged) : 1,
    byFamily: list("family"),
    byContext: list("context"),
    byLookalike: list("lookalike"),
    misses,
    falseAlarms,
    durationMs,
  };
}

export function formatServiceReport(r: ServiceReport, verbose = false): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const table = (title: string, rows: Tally[], what: string) => [
    `${title.padEnd(26)}${"samples".padStart(8)}${what.padStart(9)}`,
    ...rows.map((t) => `${t.name.padEnd(26)}${String(t.total).padStart(8)}${String(t.hit).padStart(9)}${pct(t.rate)}`),
    "",
  ];
  const out = [
    `service-context set: ${r.samples} samples (${r.positives} secrets, ${r.negatives} look-alikes); scan ${r.durationMs.toFixed(0)} ms`,
    "",
    ...table("service family", r.byFamily, "found"),
    ...table("context", r.byContext, "found"),
    ...table("look-alike kind", r.byLookalike, "flagged"),
    `recall:               ${pct(r.recall)} (${r.found}/${r.positives})`,
    `look-alikes flagged:  ${pct(r.flaggedRate)} (${r.flagged}/${r.negatives})`,
    `precision:            ${pct(r.precision)} (${r.found}/${r.found + r.flagged} flagged samples are secrets)`,
  ];
  if (verbose || r.misses.length + r.falseAlarms.length <= 40) {
    for (const m of r.misses)
      out.push(`MISS ${m.family} ${m.context} ${m.path}:${m.line}  ${m.text.split("\n")[m.line - 1]?.slice(0, 120)}`);
    for (const f of r.falseAlarms)
      out.push(
        `FP   ${f.sample.family} ${f.sample.path}:${f.sample.line} [${f.rules.join(",")}]  ${f.sample.text.split("\n")[f.sample.line - 1]?.slice(0, 120)}`,
      );
  }
  return out.join("\n");
}
