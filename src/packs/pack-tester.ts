/**
 * Runs every rule's embedded examples through the real detectors (the same
 * PatternEngine / config linter the scanner uses):
 *
 * - each positive must be found (at its `line` when given); single-line
 *   positives of secret rules are also wrapped in .env, JSON, YAML, shell,
 *   Python and TypeScript syntax and must be found there, on the right line;
 * - each negative must not be found.
 *
 * `{{fake:...}}` generators are expanded first (deterministic per rule and
 * example), so packs never store a real-looking token.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isContextJudged, isProviderContext, WITHOUT_CONTEXT_STAGE } from "../detectors/pattern-engine.js";
import { createDetectors } from "../pipeline.js";
import type { Fragment } from "../types.js";
import { expandFakes } from "./fake-secrets.js";
import type { LoadedPack, RuleExample, RuleSpec, SecretRuleSpec } from "./pack-types.js";
import { buildRuleSet } from "./rule-set.js";

export interface ExampleFailure {
  file: string;
  ruleId: string;
  example: string;
  message: string;
}

export interface PackTestReport {
  rules: number;
  examples: number;
  failures: ExampleFailure[];
}

/** The syntaxes a single-line positive is wrapped in. The finding must land on line 2. */
export const WRAPPERS: { name: string; path: string; wrap: (s: string) => string }[] = [
  { name: "dotenv", path: "config/.env", wrap: (s) => `# settings\nAPP_VALUE=${s}\n` },
  { name: "json", path: "config/settings.json", wrap: (s) => `{\n  "value": ${JSON.stringify(s)}\n}\n` },
  {
    name: "yaml",
    path: "config/app.yaml",
    wrap: (s) => `app:\n  value: ${s.includes(": ") || s.startsWith("'") ? JSON.stringify(s) : s}\n`,
  },
  { name: "shell", path: "scripts/deploy.sh", wrap: (s) => `#!/bin/sh\nexport APP_VALUE="${s.replace(/(["$`\\])/g, "\\$1")}"\n` },
  { name: "python", path: "app/settings.py", wrap: (s) => `import os\nVALUE = '${s.replace(/(['\\])/g, "\\$1")}'\n` },
  { name: "typescript", path: "src/client.ts", wrap: (s) => `// client\nconst value = "${s.replace(/(["\\])/g, "\\$1")}";\n` },
];

const DEFAULT_EXAMPLE_PATH = "src/example.txt";

function asFile(example: RuleExample): { path: string; text: string; line?: number } {
  return typeof example === "string" ? { path: DEFAULT_EXAMPLE_PATH, text: example } : example;
}

function preview(text: string): string {
  const flat = text.replace(/\n/g, "⏎");
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** The lines on which `rule` alone (in block mode, even when its pack sets it "off") reports in a file. */
async function ruleFinder(pack: LoadedPack, rule: RuleSpec): Promise<(path: string, text: string) => Promise<number[]>> {
  const ruleSet = buildRuleSet([{ ...pack, rules: [{ ...rule, mode: "block" } as RuleSpec] }]);
  const detectors = await createDetectors(ruleSet);
  return async (path, text) => {
    const fragment: Fragment = { path, text, startLine: 1, source: "file" };
    const lines: number[] = [];
    for (const d of detectors) {
      const out = await d.detect(fragment);
      for (const f of out.findings) if (f.ruleId === rule.id) lines.push(f.startLine);
    }
    return lines;
  };
}

export async function testPacks(packs: LoadedPack[]): Promise<PackTestReport> {
  const report: PackTestReport = { rules: 0, examples: 0, failures: [] };
  for (const pack of packs) {
    for (const rule of pack.rules) {
      report.rules++;
      const find = await ruleFinder(pack, rule);
      const fail = (example: string, message: string) =>
        report.failures.push({ file: pack.file, ruleId: rule.id, example: preview(example), message });

      // A rule without examples loads with none (and a warning), so that it can scan: untested is a failure here.
      if (rule.examples.positive.length === 0 && rule.examples.negative.length === 0)
        fail("(none)", "examples: missing; add positive and negative examples");
      for (const [i, example] of rule.examples.positive.entries()) {
        const file = asFile(example);
        const text = expandFakes(file.text, `${rule.id}#p${i}`);
        report.examples++;
        const lines = await find(file.path, text);
        if (lines.length === 0) fail(file.text, `positive #${i + 1} not found`);
        else if (file.line !== undefined && !lines.includes(file.line)) {
          fail(file.text, `positive #${i + 1} found on line ${lines.join(", ")}, expected line ${file.line}`);
        }
        if (rule.kind === "config" || typeof example !== "string" || text.includes("\n") || rule.examples.wrap === false)
          continue;
        for (const w of WRAPPERS) {
          report.examples++;
          const wrappedLines = await find(w.path, w.wrap(text));
          if (!wrappedLines.includes(2)) {
            fail(
              file.text,
              `positive #${i + 1} wrapped as ${w.name} ${wrappedLines.length ? `found on line ${wrappedLines.join(", ")}, expected 2` : "not found"} (set examples.wrap: false if the rule is syntax-specific)`,
            );
          }
        }
      }
      for (const [i, example] of rule.examples.negative.entries()) {
        const file = asFile(example);
        const text = expandFakes(file.text, `${rule.id}#n${i}`);
        report.examples++;
        const lines = await find(file.path, text);
        if (lines.length > 0) fail(file.text, `negative #${i + 1} was flagged on line ${lines.join(", ")}`);
      }
    }
    for (const t of pack.tests ?? []) {
      const path = resolve(dirname(pack.file), t.file);
      const ruleSet = buildRuleSet([pack]);
      const detectors = await createDetectors(ruleSet);
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        report.failures.push({ file: pack.file, ruleId: "(tests)", example: t.file, message: "test file not found" });
        continue;
      }
      const fragment: Fragment = { path: t.file, text: expandFakes(text, t.file), startLine: 1, source: "file" };
      const found: { rule: string; line: number }[] = [];
      for (const d of detectors)
        for (const f of (await d.detect(fragment)).findings) found.push({ rule: f.ruleId, line: f.startLine });
      report.examples++;
      const key = (x: { rule: string; line: number }) => `${x.rule}@${x.line}`;
      const want = new Set(t.expect.map(key));
      const got = new Set(found.map(key));
      const missing = [...want].filter((k) => !got.has(k));
      const extra = [...got].filter((k) => !want.has(k));
      if (missing.length || extra.length) {
        report.failures.push({
          file: pack.file,
          ruleId: "(tests)",
          example: t.file,
          message: `${missing.length ? `missing ${missing.join(", ")}` : ""}${missing.length && extra.length ? "; " : ""}${extra.length ? `unexpected ${extra.join(", ")}` : ""}`,
        });
      }
    }
  }
  return report;
}

/** Lint-level problems with a rule's examples and keywords (used by `packs lint` and the meta-test). */
export function exampleProblems(rule: RuleSpec): string[] {
  const problems: string[] = [];
  if (rule.examples.positive.length === 0) problems.push("examples.positive: at least one positive example is required");
  if (rule.examples.negative.length === 0) problems.push("examples.negative: at least one negative example is required");
  if (!rule.docs?.why?.trim() || !rule.docs?.fix?.trim()) problems.push("docs: why and fix are required");
  if (rule.kind !== "config" && "keywords" in rule && rule.keywords) {
    for (const [i, example] of rule.examples.positive.entries()) {
      const text = expandFakes(asFile(example).text, `${rule.id}#p${i}`).toLowerCase();
      if (!rule.keywords.some((k) => text.includes(k.toLowerCase()))) {
        problems.push(
          `keywords: none of [${rule.keywords.join(", ")}] occurs in positive #${i + 1}; the prefilter would skip it`,
        );
      }
    }
  }
  return problems;
}

/** The filters a secret rule applies after its regex, each of which must be proven by a negative example. */
export type RuleFilter = "entropy" | "validate" | "context" | "allowlist.stopwords" | "allowlist.regexes" | "requires";

export function filtersOf(rule: RuleSpec): RuleFilter[] {
  if (rule.kind === "config") return [];
  const s = rule as SecretRuleSpec;
  const out: RuleFilter[] = [];
  if (s.entropy !== undefined) out.push("entropy");
  if (s.validate) out.push("validate");
  // The context stage of key-named and keyword-anchored rules (the value judged with its key).
  if (isContextJudged(s) || isProviderContext(s)) out.push("context");
  if (s.allowlist?.stopwords?.length) out.push("allowlist.stopwords");
  if (s.allowlist?.regexes?.length) out.push("allowlist.regexes");
  if (s.requires) out.push("requires");
  return out;
}

/** `rule` with one filter switched off. */
export function withoutFilter(rule: SecretRuleSpec, filter: RuleFilter): SecretRuleSpec {
  const copy: SecretRuleSpec = { ...rule };
  switch (filter) {
    case "entropy":
      delete copy.entropy;
      break;
    case "validate":
      delete copy.validate;
      break;
    case "context":
      (copy as { [WITHOUT_CONTEXT_STAGE]?: boolean })[WITHOUT_CONTEXT_STAGE] = true;
      break;
    case "requires":
      delete copy.requires;
      break;
    case "allowlist.stopwords":
      copy.allowlist = { ...rule.allowlist, stopwords: [] };
      break;
    case "allowlist.regexes":
      copy.allowlist = { ...rule.allowlist, regexes: [] };
      break;
  }
  return copy;
}

const FILTER_HINT: Record<RuleFilter, string> = {
  entropy: "one that matches the regex but whose secret has too little entropy (a mask, a repeated pattern)",
  validate: "one that matches the regex but fails the validator (a wrong checksum, a placeholder)",
  context:
    "one that matches the regex but that the context stage rejects with its key (a word or slug under a key-like name, a typed pattern, a UUID id)",
  "allowlist.stopwords": "one that matches the regex but contains a stopword",
  "allowlist.regexes": "one that matches the regex but is dropped by an allowlist regex",
  requires: "one that matches the regex without the required companion nearby",
};

/**
 * Does each filter of the rule earn its place? For every filter (entropy threshold, validator,
 * allowlist, required companion) at least one negative example must be rejected by that filter
 * alone: found when the filter is switched off, not found with it. A filter no example proves can
 * be deleted without a test failing, so nothing shows that it works (or that it is needed).
 */
export async function filterProofProblems(pack: LoadedPack, rule: RuleSpec): Promise<{ filter: RuleFilter; message: string }[]> {
  const filters = filtersOf(rule);
  if (filters.length === 0) return [];
  const negatives = rule.examples.negative.map((example, i) => {
    const file = asFile(example);
    return { path: file.path, text: expandFakes(file.text, `${rule.id}#n${i}`) };
  });
  const full = await ruleFinder(pack, rule);
  const rejected: typeof negatives = [];
  for (const n of negatives) if ((await full(n.path, n.text)).length === 0) rejected.push(n);
  const problems: { filter: RuleFilter; message: string }[] = [];
  for (const filter of filters) {
    const without = await ruleFinder(pack, withoutFilter(rule as SecretRuleSpec, filter));
    let proven = false;
    for (const n of rejected) {
      if ((await without(n.path, n.text)).length > 0) {
        proven = true;
        break;
      }
    }
    if (!proven) {
      problems.push({
        filter,
        message: `${filter}: no negative example is rejected by this filter alone; add ${FILTER_HINT[filter]}`,
      });
    }
  }
  return problems;
}
