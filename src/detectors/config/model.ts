/**
 * The parsed-document model the config rules see. Every parser (YAML, XML,
 * HCL, line-oriented formats, Dockerfile) produces one of two shapes so that
 * declarative matchers and check modules work across formats:
 *
 * - a tree of maps, lists and scalars (YAML, JSON, XML, HCL), or
 * - a flat list of directives (`key value...` lines, with their section or
 *   enclosing block), or Dockerfile instructions.
 *
 * All positions are 1-based file positions; `endCol` is exclusive.
 */

export type Format =
  | "yaml"
  /** mongod.conf: YAML, the legacy `key = value` format, or a mix of both. */
  | "mongod"
  | "xml"
  | "hcl"
  | "directives"
  | "sshd"
  | "ini"
  | "nginx"
  | "dockerfile"
  | "lines";

export interface Pos {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export type TreeNode = MapNode | ListNode | ScalarNode;

export interface MapEntry {
  key: string;
  keyPos: Pos;
  value: TreeNode;
}

export interface MapNode {
  type: "map";
  entries: MapEntry[];
  pos: Pos;
  /** HCL blocks: the block type and labels (`resource "aws_s3_bucket" "b"`). */
  block?: { type: string; labels: string[] };
}

export interface ListNode {
  type: "list";
  items: TreeNode[];
  pos: Pos;
}

export interface ScalarNode {
  type: "scalar";
  /** The value as text (numbers and booleans stringified; null is ""). */
  value: string;
  /** HCL: the value is an expression (reference, function call), not a literal. */
  expression?: boolean;
  pos: Pos;
}

/** One `key value...` line of a line-oriented config. */
export interface Directive {
  /** The key as written. */
  key: string;
  /** Everything after the key (and the `=` if any), comments and surrounding quotes removed. */
  value: string;
  /** `value` split on whitespace (quotes respected). */
  args: string[];
  line: number;
  col: number;
  endCol: number;
  /** INI section (`[main]`, `[http "https://x"]`), nginx block path (`http>server`). */
  section?: string;
  /** sshd: the `Match` criteria the setting is scoped to (absent: global). */
  match?: string;
}

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** Upper-cased keyword: RUN, ENV, USER... */
  keyword: string;
  /** Arguments with continuations joined by a space (heredoc bodies appended after "\n"). */
  args: string;
  line: number;
  endLine: number;
  /** Start of each physical line's contribution in `args`, to map a match back to its line. */
  segments: { offset: number; line: number; col: number }[];
  /** 0-based build stage index (each FROM starts a stage). */
  stage: number;
}

export interface ParseProblem {
  message: string;
  line?: number;
  col?: number;
}

export interface ParsedDocument {
  format: Format;
  /** The raw lines of the file ("\r" removed). */
  lines: string[];
  /** Tree formats: one root per YAML document (multi-doc), one for XML/HCL. */
  trees?: TreeNode[];
  /** Line formats. */
  directives?: Directive[];
  /** Dockerfile. */
  instructions?: Instruction[];
  problems: ParseProblem[];
}

export function pos(line: number, col: number, endLine: number, endCol: number): Pos {
  return { line, col, endLine, endCol };
}
