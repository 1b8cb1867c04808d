/**
 * Catastrophic-backtracking (ReDoS) analysis of pack regexes with `recheck`,
 * a real analyser (automaton-based with a fuzzing fallback), not a heuristic.
 * A vulnerable regex in a pack could hang every commit of every repository
 * that uses the pack, so `packs lint` fails on it and user packs are checked
 * when they load (`checkPackRegexes`).
 *
 * recheck is loaded lazily: it is only needed when packs are linted or a
 * user pack is loaded, never on the built-in-only hook path.
 *
 * At load time only recheck's automaton checker runs (measured on the 309
 * built-in secret regexes: ~27 ms each with the native binary, deterministic).
 * Its fuzz checker is slower (often >1 s per regex) and reported false
 * positives that V8 runs in linear time (bounded `{60,4000}` repetitions), so a
 * user's pack is never refused on its word. What the analysis cannot decide
 * (back-references, lookbehind, timeouts) is a warning; the engine's run-time
 * budget (detectors/regex-budget.ts) is the backstop. Verdicts are cached by
 * regex hash (no pack content) so a hook pays for the analysis once per regex.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import { GitwardError } from "../errors.js";
import type { ScanWarning } from "../types.js";
import { formatProblem, type PackProblem } from "../util/display-path.js";
import { sha256 } from "../util/hash.js";
import type { LoadedPack, SecretRuleSpec } from "./pack-types.js";

export interface RedosResult {
  status: "safe" | "vulnerable" | "unknown";
  message: string;
}

/** Per-regex budget of `packs lint` and of a user pack's check at load time. */
export const DEFAULT_REDOS_TIMEOUT_MS = 1000;

/**
 * Analyses regexes, several at a time (recheck's native agent answers
 * concurrent requests on several threads: measured 7.6 s → 3.4 s for eight
 * slow regexes on two cores), with verdicts from and into `cache` when given.
 * Results come back in the order of `regexes`.
 */
export async function analyseRegexes(
  regexes: { source: string; flags: string }[],
  options: { timeoutMs?: number; checker?: "auto" | "automaton"; concurrency?: number; cache?: VerdictCache } = {},
): Promise<RedosResult[]> {
  // require(), not import(): the CLI bundle is CommonJS run through vm.Script, which has no
  // loader for dynamic import() on every Node 20 release. recheck is a CommonJS package.
  const { check } = createRequire(import.meta.url)("recheck") as typeof import("recheck");
  const timeout = options.timeoutMs ?? DEFAULT_REDOS_TIMEOUT_MS;
  const checker = options.checker ?? "auto";
  const cache = options.cache;
  const results: RedosResult[] = new Array(regexes.length);
  const analyse = async ({ source, flags }: { source: string; flags: string }): Promise<RedosResult> => {
    try {
      const d = await check(source, flags, { timeout, ...(options.checker ? { checker: options.checker } : {}) });
      if (d.status === "safe") return { status: "safe", message: "safe" };
      if (d.status === "vulnerable") {
        return {
          status: "vulnerable",
          message: `catastrophic backtracking (${d.complexity.summary}); attack string ${d.attack.pattern}; rewrite the ambiguous repetition`,
        };
      }
      return { status: "unknown", message: `ReDoS analysis inconclusive: ${d.error.kind} (within ${timeout} ms)` };
    } catch (e) {
      return { status: "unknown", message: `ReDoS analysis failed: ${(e as Error).message}` };
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < regexes.length) {
      const i = next++;
      const regex = regexes[i] as { source: string; flags: string };
      const cached = cache?.get(regex, checker, timeout);
      const result = cached ?? (await analyse(regex));
      if (!cached) cache?.set(regex, checker, timeout, result);
      results[i] = result;
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 2 * availableParallelism(), 16, regexes.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  cache?.save();
  return results;
}

/**
 * Verdicts by regex (a hash of recheck's version, the checker, flags and
 * source; never pack content), so that a lint or a pack load pays for each
 * regex once. An inconclusive verdict is kept per time budget: the same budget
 * would time out again, a larger one may decide.
 */
export interface VerdictCache {
  get(regex: { source: string; flags: string }, checker: string, timeoutMs: number): RedosResult | undefined;
  set(regex: { source: string; flags: string }, checker: string, timeoutMs: number, result: RedosResult): void;
  save(): void;
}

export function openVerdictCache(env: NodeJS.ProcessEnv = process.env): VerdictCache {
  const file = cacheFile(env);
  const verdicts = readVerdicts(file) as Record<string, RedosResult>;
  let version = "";
  try {
    version = (createRequire(import.meta.url)("recheck/package.json") as { version: string }).version;
  } catch {
    // an unknown version still keys the verdicts
  }
  const key = (r: { source: string; flags: string }, checker: string, timeoutMs: number, unknown: boolean) =>
    sha256(`recheck ${version}\0${checker}\0${unknown ? `unknown within ${timeoutMs}\0` : ""}${r.flags}/${r.source}`);
  let changed = false;
  return {
    get: (r, checker, timeoutMs) => verdicts[key(r, checker, timeoutMs, false)] ?? verdicts[key(r, checker, timeoutMs, true)],
    set: (r, checker, timeoutMs, result) => {
      if (result.message.startsWith("ReDoS analysis failed")) return; // an error, not a verdict
      verdicts[key(r, checker, timeoutMs, result.status === "unknown")] = result;
      changed = true;
    },
    save: () => {
      if (changed) writeVerdicts(file, verdicts as Verdicts);
      changed = false;
    },
  };
}

/** Every regex of a pack's secret rules with the field it came from (regex, allowlist.regexes.N, requires.regex). */
export function packRegexes(
  pack: LoadedPack,
): { index: number; rule: SecretRuleSpec; field: (string | number)[]; source: string; flags: string }[] {
  const out: { index: number; rule: SecretRuleSpec; field: (string | number)[]; source: string; flags: string }[] = [];
  pack.rules.forEach((r, index) => {
    if (r.kind === "config") return;
    const rule = r as SecretRuleSpec;
    out.push({ index, rule, field: ["regex"], source: rule.regex, flags: rule.flags ?? "" });
    for (const [i, source] of (rule.allowlist?.regexes ?? []).entries()) {
      out.push({ index, rule, field: ["allowlist", "regexes", i], source, flags: "" });
    }
    if (rule.requires) out.push({ index, rule, field: ["requires", "regex"], source: rule.requires.regex, flags: "" });
  });
  return out;
}

/** Where verdicts are cached: GITWARD_CACHE_DIR, else $XDG_CACHE_HOME/gitward, else ~/.cache/gitward. */
function cacheFile(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITWARD_CACHE_DIR === "") return undefined;
  const dir = env.GITWARD_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "gitward");
  return join(dir, "redos-verdicts.json");
}

type Verdicts = Record<string, { status: "safe" | "vulnerable" | "unknown"; message: string }>;

function readVerdicts(file: string | undefined): Verdicts {
  if (!file) return {};
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Verdicts) : {};
  } catch {
    return {};
  }
}

/** Best effort: a read-only home or cache directory only costs the next run the analysis again. */
function writeVerdicts(file: string | undefined, verdicts: Verdicts): void {
  if (!file) return;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(verdicts));
    renameSync(tmp, file);
  } catch {
    // ignored on purpose
  }
}

/**
 * Checks a user pack's regexes when it loads. Throws a GitwardError naming
 * `file:line: rule-id: regex: catastrophic backtracking ...` for a vulnerable
 * regex; returns warnings for regexes the analysis could not decide.
 */
export async function checkPackRegexes(
  pack: LoadedPack,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ScanWarning[]> {
  return (await undecidedPackRegexes(pack, options)).map((p) => ({
    ...(p.ruleId ? { ruleId: p.ruleId } : {}),
    message: formatProblem(p),
  }));
}

/** `checkPackRegexes`, with the warnings as problems (file, line, rule, field), formatted by the caller. */
export async function undecidedPackRegexes(
  pack: LoadedPack,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<PackProblem[]> {
  const env = options.env ?? process.env;
  const regexes = packRegexes(pack);
  if (regexes.length === 0) return [];
  const results = await analyseRegexes(regexes, {
    timeoutMs: options.timeoutMs ?? DEFAULT_REDOS_TIMEOUT_MS,
    checker: "automaton",
    cache: openVerdictCache(env),
  });
  const problems: PackProblem[] = [];
  const warnings: PackProblem[] = [];
  let lineOf: ((path: (string | number)[]) => number) | undefined;
  const locate = async (path: (string | number)[]) => {
    if (!lineOf) {
      const { parseYamlSource } = await import("../util/yaml-source.js");
      const { displayPath } = await import("../util/display-path.js");
      const text = (() => {
        try {
          return readFileSync(pack.file, "utf8");
        } catch {
          return "";
        }
      })();
      const source = parseYamlSource(displayPath(pack.file), text, "pack");
      lineOf = (p) => source.lineOf(p);
    }
    return lineOf(path);
  };
  for (const [i, r] of regexes.entries()) {
    const result = results[i];
    if (!result || result.status === "safe") continue;
    const line = await locate(["rules", r.index, ...r.field]);
    const problem = { file: pack.file, line, ruleId: r.rule.id, field: r.field.join("."), message: result.message };
    if (result.status === "vulnerable") problems.push(problem);
    else if (r.field.length === 1 && r.rule.redos?.reviewed)
      continue; // argued linear in the pack
    else warnings.push({ ...problem, message: `${problem.message} (the rule runs under the scan time budget)` });
  }
  if (problems.length > 0) {
    throw new GitwardError(`unsafe pack:\n  ${problems.map(formatProblem).join("\n  ")}`, "pack");
  }
  return warnings;
}
