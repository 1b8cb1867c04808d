/**
 * Loads and validates pack files. Every problem names the file, line, rule id
 * and field, e.g.
 *   patterns/slack.yaml:42: slack-bot-token: secretGroup: 2 but the regex has 1 group
 */

import { readFileSync } from "node:fs";
import { analyseScanScope, type ScanScope } from "../detectors/scan-scope.js";
import { GitwardError } from "../errors.js";
import { displayPath, formatProblem, type PackProblem } from "../util/display-path.js";
import { validateAgainstSchema } from "../util/schema-validator.js";
import { parseYamlSource, type YamlSource } from "../util/yaml-source.js";
import type { LoadedPack, PackSpec, RuleSpec, SecretRuleSpec } from "./pack-types.js";

export { displayPath, formatProblem, type PackProblem };

/** Number of capturing groups in a regex source (counted by the engine itself, so it is exact). */
export function countGroups(regex: RegExp): number {
  // An empty alternative always matches; the match array length is groups + 1.
  return (new RegExp(`${regex.source}|`, regex.flags.replace("g", "").replace("y", "")).exec("")?.length ?? 1) - 1;
}

/** Semantic checks that JSON Schema cannot express. Returns problems (empty when the rule is sound). */
export function checkSecretRule(rule: SecretRuleSpec): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(rule.regex, `g${rule.flags ?? ""}`);
  } catch (e) {
    problems.push({ field: "regex", message: `does not compile: ${(e as Error).message}` });
  }
  if (regex) {
    const groups = countGroups(regex);
    if (rule.secretGroup !== undefined && rule.secretGroup > groups) {
      problems.push({
        field: "secretGroup",
        message: `${rule.secretGroup} but the regex has ${groups} group${groups === 1 ? "" : "s"}`,
      });
    }
    if (regex.test("")) problems.push({ field: "regex", message: "matches the empty string" });
  }
  for (const [i, source] of (rule.allowlist?.regexes ?? []).entries()) {
    try {
      new RegExp(source);
    } catch (e) {
      problems.push({ field: `allowlist.regexes[${i}]`, message: `does not compile: ${(e as Error).message}` });
    }
  }
  if (rule.requires) {
    try {
      new RegExp(rule.requires.regex);
    } catch (e) {
      problems.push({ field: "requires.regex", message: `does not compile: ${(e as Error).message}` });
    }
  }
  for (const [i, k] of (rule.keywords ?? []).entries()) {
    if (k.trim() !== k || k.length < 2) {
      problems.push({ field: `keywords[${i}]`, message: `"${k}" must be at least 2 characters, no surrounding spaces` });
    }
  }
  return problems;
}

/** Parses, schema-validates and checks one pack. Throws a GitwardError listing every problem. */
export async function loadPackFromText(file: string, text: string): Promise<LoadedPack> {
  const source = parseYamlSource(displayPath(file), text, "pack");
  const problems = await validatePackSource(file, source);
  if (problems.length > 0) {
    throw new GitwardError(`invalid pack:\n  ${problems.map(formatProblem).join("\n  ")}`, "pack");
  }
  const spec = source.value as PackSpec;
  const loadWarnings = fillMissingDocs(file, spec.name, source, spec.rules);
  return {
    name: spec.name,
    version: spec.version,
    file,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.tests ? { tests: spec.tests } : {}),
    rules: spec.rules,
    scopes: scanScopes(spec.rules),
    ...(loadWarnings.length ? { loadWarnings } : {}),
  };
}

/**
 * A rule without `docs` or `examples` still scans: a security team's quick rule must not stop
 * every commit. It gets stand-in docs (what a blocked developer reads) and no examples, and a
 * warning per missing field; `gitward packs lint` and `packs test` report the same as errors
 * (see missingDocsProblems). A rule that cannot run (bad regex, unknown field) is still refused.
 */
function fillMissingDocs(file: string, packName: string, source: YamlSource, rules: RuleSpec[]): PackProblem[] {
  const warnings: PackProblem[] = [];
  rules.forEach((rule, i) => {
    for (const field of missingDocFields(rule)) {
      warnings.push({
        file,
        line: source.lineOf(["rules", i]),
        ruleId: rule.id,
        field,
        message: "missing; the rule scans, but gitward packs lint and packs test fail until it has one",
      });
    }
    rule.docs ??= {
      why: rule.description,
      fix: `No fix is documented: the pack ${packName} gives this rule no docs.`,
    };
    rule.examples ??= { positive: [], negative: [] };
  });
  return warnings;
}

/** The documentation fields a rule lacks (`docs`, `examples`), as written in its pack. */
export function missingDocFields(rule: Partial<RuleSpec>): ("docs" | "examples")[] {
  const missing: ("docs" | "examples")[] = [];
  if (rule.docs === undefined) missing.push("docs");
  if (rule.examples === undefined) missing.push("examples");
  return missing;
}

/** Where each secret rule must run in a fragment (stored in the built-in pack cache). */
function scanScopes(rules: RuleSpec[]): Record<string, ScanScope> {
  const scopes: Record<string, ScanScope> = {};
  for (const rule of rules) if (rule.kind !== "config") scopes[rule.id] = analyseScanScope(rule as SecretRuleSpec);
  return scopes;
}

export async function loadPackFile(file: string): Promise<LoadedPack> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GitwardError(`cannot read pack ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "pack");
  }
  return loadPackFromText(file, text);
}

/** All problems of a pack source: schema first (structure), then rule semantics and duplicate ids. */
export async function validatePackSource(file: string, source: YamlSource): Promise<PackProblem[]> {
  const problems: PackProblem[] = [];
  const spec = source.value as Partial<PackSpec> | null;
  const rules = Array.isArray(spec?.rules) ? (spec.rules as unknown[]) : [];
  const ruleIdAt = (path: (string | number)[]): string | undefined => {
    if (path[0] !== "rules" || typeof path[1] !== "number") return undefined;
    const r = rules[path[1]] as { id?: unknown } | undefined;
    return typeof r?.id === "string" ? r.id : `rules[${path[1]}]`;
  };
  for (const p of await validateAgainstSchema(source, "pack.schema.json")) {
    const ruleId = ruleIdAt(p.path);
    const field = p.path.slice(ruleId ? 2 : 0).join(".");
    problems.push({
      file,
      line: p.line,
      ...(ruleId ? { ruleId } : {}),
      ...(field ? { field } : {}),
      message: p.message,
    });
  }
  if (problems.length > 0) return problems;

  const seen = new Map<string, number>();
  (spec as PackSpec).rules.forEach((rule: RuleSpec, i: number) => {
    const line = source.lineOf(["rules", i]);
    const previous = seen.get(rule.id);
    if (previous !== undefined) {
      problems.push({ file, line, ruleId: rule.id, field: "id", message: `duplicate id (first defined at line ${previous})` });
    }
    seen.set(rule.id, line);
    if (rule.kind === "config") return;
    for (const p of checkSecretRule(rule as SecretRuleSpec)) {
      const fieldPath = p.field.split(/[.[\]]+/).filter(Boolean);
      const fieldLine = source.lineOf(["rules", i, ...fieldPath.map((s) => (/^\d+$/.test(s) ? Number(s) : s))]);
      problems.push({ file, line: fieldLine, ruleId: rule.id, field: p.field, message: p.message });
    }
  });
  return problems;
}
