/**
 * The pack format, as TypeScript. `patterns/schemas/pack.schema.json` is the
 * authoritative description (editors autocomplete from it and the loader
 * validates with it); keep the two in step.
 */
import type { ScanScope } from "../detectors/scan-scope.js";
import type { RuleMode, Severity } from "../types.js";
import type { PackProblem } from "../util/display-path.js";

export interface RuleDocs {
  /** What it is and why a leak or this setting is dangerous. Markdown. */
  why: string;
  /** How to fix: rotate, move to a secret store, change the setting. Markdown. */
  fix: string;
  references?: string[];
  /** Hardening guidance or equivalent checks elsewhere (CIS, Checkov, KICS ids). */
  benchmarks?: string[];
}

/**
 * A text to scan, or a file (path + content) for rules that depend on the file
 * name (config rules, path-scoped secret rules). `line`: where a positive must be found.
 */
export type RuleExample = string | { path: string; text: string; line?: number };

export interface RuleExamples {
  /** Texts the rule must flag. May contain `{{fake:...}}` generators (see fake-secrets.ts). */
  positive: RuleExample[];
  /** Texts the rule must not flag: look-alikes, placeholders, wrong lengths. */
  negative: RuleExample[];
  /** Wrap single-line positives in .env/JSON/YAML/shell/code syntaxes in the generic test (default true). */
  wrap?: boolean;
}

export interface RuleAllowlist {
  /** Regexes; a candidate matching any of them is dropped. */
  regexes?: string[];
  /** What the regexes are tested against (default "secret"). */
  regexTarget?: "secret" | "match" | "line";
  /** Case-insensitive substrings of the secret that mark it as a placeholder. */
  stopwords?: string[];
  /** Globs of paths where the rule does not apply. */
  paths?: string[];
}

/** A second pattern that must occur near the match (multi-part secrets). */
export interface RuleRequires {
  regex: string;
  /** Lines before/after the match to look in (default 5). */
  withinLines?: number;
  description?: string;
}

export interface SecretRuleSpec {
  id: string;
  description: string;
  severity: Severity;
  kind?: "secret";
  mode?: RuleMode;
  keywords?: string[];
  regex: string;
  /** Only "i" is accepted: case-insensitive. */
  flags?: string;
  /** Capture group holding the secret (default: 1 if the regex has groups, else the whole match). */
  secretGroup?: number;
  /** Minimum Shannon entropy of the secret, in bits per character for a base64-size alphabet. */
  entropy?: number;
  /** Globs: the rule applies only to matching paths; `!glob` excludes. */
  paths?: string[];
  allowlist?: RuleAllowlist;
  /** A named checksum/structure check the secret must pass (see detectors/validators.ts). */
  validate?: string;
  requires?: RuleRequires;
  /** Fallback rules (generic detection) report only where no specific rule matched the same span. */
  fallback?: boolean;
  /**
   * For a regex the ReDoS analysis cannot decide: the argument, by hand, that
   * it runs in linear time. Lint reports the rule as reviewed, not inconclusive.
   */
  redos?: { reviewed: string };
  /** Decode base64/hex/url candidates and rescan them (generic decoding rules). */
  tags?: string[];
  docs: RuleDocs;
  examples: RuleExamples;
}

/**
 * Config rules (the config linter) are declared in packs too; their matcher
 * fields are described by config-rule.schema.json and interpreted by
 * detectors/config. The core only needs their identity and docs.
 */
export interface ConfigRuleSpec {
  id: string;
  description: string;
  severity: Severity;
  kind: "config";
  mode?: RuleMode;
  docs: RuleDocs;
  examples: RuleExamples;
  tags?: string[];
  [matcher: string]: unknown;
}

export type RuleSpec = SecretRuleSpec | ConfigRuleSpec;

export interface PackSpec {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  /** Files with extra test inputs: `{file, expect: [{rule, line}]}`. */
  tests?: PackTestFile[];
  rules: RuleSpec[];
  /** Scan scope of each secret rule, by rule id, computed when the pack loads. */
  scopes?: Record<string, ScanScope>;
}

export interface PackTestFile {
  file: string;
  expect: { rule: string; line: number }[];
}

/** A rule after loading: its spec plus where it came from and its effective mode. */
export interface LoadedRule<S extends RuleSpec = RuleSpec> {
  spec: S;
  pack: string;
  packVersion: string;
  file: string;
  mode: RuleMode;
  severity: Severity;
  /** Layers that changed this rule ("org.yaml: severity high"), for `gitward rules`. */
  overrides: string[];
  /** Where in a fragment a secret rule's regex must run (see detectors/scan-scope.ts); absent: everywhere. */
  scope?: ScanScope;
}

export interface LoadedPack {
  name: string;
  version: string;
  file: string;
  description?: string;
  tests?: PackTestFile[];
  rules: RuleSpec[];
  /** Scan scope of each secret rule, by rule id, computed when the pack loads. */
  scopes?: Record<string, ScanScope>;
  /** Problems that do not stop the pack from scanning (a rule without docs or examples), shown as warnings. */
  loadWarnings?: PackProblem[];
}
