/**
 * What rules (declarative or TS checks) report, before the detector turns it
 * into a RawFinding and drops findings outside a diff's changed lines.
 */
import type { ParsedDocument } from "./model.js";
import type { ConfigRule } from "./rule-spec.js";

export interface ReportInput {
  line: number;
  /** 1-based; defaults to the first non-blank column of the line. */
  col?: number;
  endLine?: number;
  /** Exclusive; defaults to the end of the line. */
  endCol?: number;
  /** The offending setting as written (hashed into the fingerprint). */
  evidence: string;
  message?: string;
  sensitive?: boolean;
  /** Other lines that contribute to the problem: a diff touching any of them reports it. */
  related?: number[];
  /** A missing-setting finding at line 1: reported in diffs for new files, or when a changed line mentions `touch`. */
  fileLevel?: boolean;
  touch?: string[];
}

export interface ConfigFinding extends Required<Pick<ReportInput, "line" | "col" | "endLine" | "endCol" | "evidence">> {
  ruleId: string;
  message: string;
  sensitive: boolean;
  related: number[];
  fileLevel: boolean;
  touch: string[];
}

export interface RuleContext {
  rule: ConfigRule;
  doc: ParsedDocument;
  fileType: string;
  path: string;
  report(input: ReportInput): void;
}

export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

export function makeFinding(rule: ConfigRule, doc: ParsedDocument, input: ReportInput): ConfigFinding {
  const text = doc.lines[input.line - 1] ?? "";
  const firstCol = text.length - text.trimStart().length + 1;
  return {
    ruleId: rule.id,
    line: input.line,
    col: input.col ?? firstCol,
    endLine: input.endLine ?? input.line,
    endCol: input.endCol ?? Math.max(text.trimEnd().length + 1, (input.col ?? firstCol) + 1),
    evidence: input.evidence,
    message: input.message ?? rule.description,
    sensitive: input.sensitive ?? rule.sensitive ?? false,
    related: input.related ?? [],
    fileLevel: input.fileLevel ?? false,
    touch: input.touch ?? [],
  };
}
