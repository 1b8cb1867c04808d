/**
 * The matcher vocabulary of `kind: config` rules, as TypeScript.
 * `patterns/schemas/config-rule.schema.json` is the authoritative description
 * (the pack loader validates with it); keep the two in step.
 */
import type { ConfigRuleSpec } from "../../packs/pack-types.js";
import type { Format } from "./model.js";

/** A test on a value. All given conditions must hold. */
export interface ValueMatch {
  /** Case-insensitive equality with any of these. */
  equals?: string[];
  /** Regex searched in the value (case-insensitive unless `caseSensitive`). */
  regex?: string;
  /** The value must not match this regex. */
  notRegex?: string;
  /** true: yes/true/on/1/enable(d); false: no/false/off/0/disable(d). */
  bool?: boolean;
  caseSensitive?: boolean;
}

/** Finds settings in a parsed document. Exactly one of directive, path, instruction, line. */
export interface Matcher {
  /** Restricts this matcher to some of the rule's file types. */
  fileTypes?: string[];
  /** Line formats: the setting name (case-insensitive). `a|b` for alternatives. */
  directive?: string;
  /** INI sections / nginx block paths the directive must be in (regex, case-insensitive). */
  section?: string;
  /** Tree formats (YAML, JSON, XML, HCL): a key path, see tree.ts. */
  path?: string;
  /** Dockerfile: instruction keyword(s), `RUN|ENV`. */
  instruction?: string;
  /** Any format: regex over each non-comment line. */
  line?: string;
  /** Test on the whole value (directive value, scalar, instruction arguments: regex is searched). */
  value?: ValueMatch;
  /** Test on any single item (list items; values split on whitespace and commas). */
  item?: ValueMatch;
  /** sshd: `global` ignores settings inside `Match` blocks. */
  scope?: "global" | "any";
  /** Which occurrence takes effect when a setting repeats (sshd: first). Default all. */
  occurrence?: "first" | "last" | "all";
  /** Path keys compare case-insensitively. */
  ignoreCase?: boolean;
}

/** A YAML document filter (Kubernetes `kind`). All must hold for a document to be linted. */
export interface DocumentFilter {
  path: string;
  value?: ValueMatch;
}

export interface ConfigMatcherFields {
  /** Built-in file types (see file-types.ts). */
  fileTypes?: string[];
  /** Or: globs of the files, with their `format`. */
  files?: string[];
  format?: Format;
  /** Regex the file content must match (content sniffing, multiline). */
  content?: string;
  documents?: DocumentFilter[];
  /** Reports each setting any of these matchers finds. */
  match?: Matcher | Matcher[];
  /** Reports once at line 1 when none of these matchers finds anything. */
  missing?: Matcher | Matcher[];
  /** The rule applies only when every one of these finds something. */
  when?: Matcher[];
  /** The rule does not apply when any of these finds something. */
  unless?: Matcher[];
  /** A TypeScript check module (checks/index.ts) for semantics beyond matching. */
  check?: string;
  /** Options passed to the check. */
  options?: Record<string, unknown>;
  /** The finding message; `{evidence}`, `{key}`, `{value}` are replaced. */
  message?: string;
  /** Evidence holds a credential and must be masked. */
  sensitive?: boolean;
}

export type ConfigRule = ConfigRuleSpec & ConfigMatcherFields;

export function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
