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
import { homedir } from "node:os";
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

export async function analyseRegexes(
  regexes: { source: string; flags: string }[],
  options: { timeoutMs?: number; checker?: "auto" | "automaton" } = {},
): Promise<RedosResult[]> {
  // require(), not import(): the CLI bundle is CommonJS run through vm.Script, which has no
  // loader for dynamic import() on every Node 20 release. recheck is a CommonJS package.
  const { check } = createRequire(import.meta.url)("recheck") as typeof import("recheck");
  const results: RedosResult[] = [];
  for (const { source, flags } of regexes) {
    try {
      const d = await check(source, flags, {
        timeout: options.timeoutMs ?? 5000,
        ...(options.checker ? { checker: options.checker } : {}),
      });
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

type Verdicts = Record<string, { status: "safe" | "vulnerable"; message: string }>;

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
  const file = cacheFile(env);
  const verdicts = readVerdicts(file);
  const keyOf = (r: { source: string; flags: string }) => sha256(`${r.flags}/${r.source}`);
  const todo = regexes.filter((r) => !verdicts[keyOf(r)]);
  const results = new Map<string, RedosResult>();
  if (todo.length > 0) {
    const analysed = await analyseRegexes(todo, { timeoutMs: options.timeoutMs ?? 1000, checker: "automaton" });
    let changed = false;
    analysed.forEach((result, i) => {
      const key = keyOf(todo[i] as { source: string; flags: string });
      results.set(key, result);
      if (result.status !== "unknown") {
        verdicts[key] = { status: result.status, message: result.message };
        changed = true;
      }
    });
    if (changed) writeVerdicts(file, verdicts);
  }
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
  for (const r of regexes) {
    const key = keyOf(r);
    const result = results.get(key) ?? verdicts[key];
    if (!result || result.status === "safe") continue;
    const line = await locate(["rules", r.index, ...r.field]);
    const problem = { file: pack.file, line, ruleId: r.rule.id, field: r.field.join("."), message: result.message };
    if (result.status === "vulnerable") problems.push(problem);
    else warnings.push({ ...problem, message: `${problem.message} (the rule runs under the scan time budget)` });
  }
  if (problems.length > 0) {
    throw new GitwardError(`unsafe pack:\n  ${problems.map(formatProblem).join("\n  ")}`, "pack");
  }
  return warnings;
}
