/**
 * Catastrophic-backtracking (ReDoS) analysis of pack regexes with `recheck`,
 * a real analyser (automaton-based with a fuzzing fallback), not a heuristic.
 * A vulnerable regex in a pack could hang every commit of every repository
 * that uses the pack, so `packs lint` fails on it and user packs are checked
 * when they load.
 *
 * recheck is loaded lazily: it is only needed when packs are linted or a
 * user pack is loaded, never on the built-in-only hook path.
 */

export interface RedosResult {
  status: "safe" | "vulnerable" | "unknown";
  message: string;
}

export async function analyseRegexes(
  regexes: { source: string; flags: string }[],
  options: { timeoutMs?: number } = {},
): Promise<RedosResult[]> {
  const { check } = await import("recheck");
  const results: RedosResult[] = [];
  for (const { source, flags } of regexes) {
    try {
      const d = await check(source, flags, { timeout: options.timeoutMs ?? 5000 });
      if (d.status === "safe") results.push({ status: "safe", message: "safe" });
      else if (d.status === "vulnerable") {
        results.push({
          status: "vulnerable",
          message: `catastrophic backtracking (${d.complexity.summary}); attack string ${d.attack.pattern}; rewrite the ambiguous repetition`,
        });
      } else results.push({ status: "unknown", message: `ReDoS analysis inconclusive: ${d.error.kind}` });
    } catch (e) {
      results.push({ status: "unknown", message: `ReDoS analysis failed: ${(e as Error).message}` });
    }
  }
  return results;
}
