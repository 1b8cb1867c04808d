/**
 * A pack named by a config's `extends` or by `--pack`: loaded, validated and
 * checked for catastrophic backtracking, or taken from the validated-file
 * cache when its exact text was loaded before (util/validated-file-cache.ts).
 * Either way the run gets the same pack and the same warnings; a pack that
 * fails to load is never cached, so it is refused on every run.
 */
import { readFileSync } from "node:fs";
import { GitwardError } from "../errors.js";
import type { ScanWarning } from "../types.js";
import { displayPath, formatProblem, type PackProblem } from "../util/display-path.js";
import { readValidated, writeValidated } from "../util/validated-file-cache.js";
import type { LoadedPack } from "./pack-types.js";

interface CachedPack {
  pack: LoadedPack;
  /** Problems that do not stop the pack (missing docs, undecided ReDoS analysis). */
  warnings: PackProblem[];
}

export async function loadUserPack(file: string): Promise<{ pack: LoadedPack; warnings: ScanWarning[] }> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GitwardError(`cannot read pack ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "pack");
  }
  let loaded = readValidated<CachedPack>("pack", file, text);
  if (!loaded) {
    const { loadPackFromText } = await import("./load-pack.js");
    const { undecidedPackRegexes } = await import("./redos-check.js");
    const pack = await loadPackFromText(file, text);
    const warnings = [...(pack.loadWarnings ?? []), ...(await undecidedPackRegexes(pack))];
    loaded = { pack, warnings };
    // Examples only serve `gitward packs test`, which reads the YAML; a cache holds no example tokens.
    const rules = pack.rules.map((r) => ({ ...r, examples: { positive: [], negative: [] } }));
    writeValidated("pack", file, text, { pack: { ...pack, rules }, warnings });
  }
  // Formatted now, not when cached: paths are shown relative to this run's working directory.
  const warnings = loaded.warnings.map((p) => ({ ...(p.ruleId ? { ruleId: p.ruleId } : {}), message: formatProblem(p) }));
  return { pack: loaded.pack, warnings };
}
