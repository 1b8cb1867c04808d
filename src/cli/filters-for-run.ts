/**
 * Filters a scanning command adds after the defaults (config allowlist, inline
 * allows): the baseline. Kept in one place so every command (scan, staged,
 * pre-push, history) suppresses the same way.
 *
 * Which baseline: `--no-baseline` → none; `--baseline FILE` → that file (must
 * exist); else the config's `baseline:` or `.gitward-baseline.json` at the
 * repository root, if it exists.
 *
 * Also applies the run-scoped inline-allow option `--report-unused-allows`
 * to the config the pipeline's default filters are built from.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { GitwardError } from "../errors.js";
import { BaselineFilter, DEFAULT_BASELINE_FILE, readBaseline } from "../filters/baseline.js";
import type { FilterInput, FindingFilter } from "../filters/filter.js";
import type { ScanSetup } from "../setup.js";
import { displayPath } from "../util/display-path.js";
import type { ScanArgs } from "./scan-options.js";

/** The baseline file a run uses, or undefined for none. */
export function baselineFileFor(
  setup: Pick<ScanSetup, "config" | "repoRoot">,
  args: Pick<ScanArgs, "baseline">,
  cwd: string,
): string | undefined {
  if (args.baseline === false) return undefined;
  if (typeof args.baseline === "string" && args.baseline !== "") {
    const file = resolve(cwd, args.baseline);
    if (!existsSync(file)) throw new GitwardError(`--baseline: ${args.baseline} not found (${displayPath(file)})`, "usage");
    return file;
  }
  const file = setup.config.baseline ?? join(setup.repoRoot ?? cwd, DEFAULT_BASELINE_FILE);
  return existsSync(file) ? file : undefined;
}

/** The directory baseline paths are relative to: the repository root, else the baseline's directory. */
export function baselineRoot(repoRoot: string | undefined, baselineFile: string): string {
  return repoRoot ?? dirname(baselineFile);
}

/** How a baseline file is named in justifications and messages: relative to the root when inside it. */
export function baselineOrigin(root: string, file: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith("..") ? toPosix(rel) : displayPath(file);
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/**
 * A finding's path as baseline entries store it: relative to `root`. File and
 * stdin sources report paths relative to the working directory; git sources
 * (staged, pre-push, history) report them relative to the repository root.
 */
export function baselinePathOf(root: string, cwd: string): (input: FilterInput) => string {
  if (resolve(root) === resolve(cwd)) return ({ finding }) => finding.path;
  return ({ finding, fragment }) =>
    fragment.source === "file" || fragment.source === "stdin"
      ? toPosix(relative(root, resolve(cwd, finding.path)))
      : finding.path;
}

export async function extraFiltersFor(setup: ScanSetup, args: ScanArgs, cwd: string): Promise<FindingFilter[]> {
  if (args.reportUnusedAllows) setup.config.reportUnusedAllows = true;
  const file = baselineFileFor(setup, args, cwd);
  if (!file) return [];
  const root = baselineRoot(setup.repoRoot, file);
  return [
    // Read on the first finding (see BaselineFilter): a clean run never needs it.
    new BaselineFilter(() => readBaseline(file), { origin: baselineOrigin(root, file), pathOf: baselinePathOf(root, cwd) }),
  ];
}
