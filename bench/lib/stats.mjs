// Small statistics helpers: medians and ratios of repeated, interleaved runs.

/** Median of a list of numbers (mean of the two middle values for an even count); NaN when empty. */
export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** Minimum and maximum (spread shown next to medians). */
export function range(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  return [Math.min(...xs), Math.max(...xs)];
}

/**
 * Median of per-round ratios a[i]/b[i]. Interleaved rounds see the same
 * machine load, so the ratio within a round is steadier than the ratio of
 * medians on a shared machine.
 */
export function medianRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < n; i++) if (b[i] > 0 && Number.isFinite(a[i])) ratios.push(a[i] / b[i]);
  return median(ratios);
}
