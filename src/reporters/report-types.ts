import type { RuleSet } from "../packs/rule-set.js";
import type { ScanResult } from "../types.js";

export interface ReportOptions {
  /** Show secrets in full (`--no-redact`). */
  noRedact: boolean;
  color: boolean;
  /** Include suppressed findings in text/JSON (SARIF always carries them, as suppressed results). */
  showSuppressed: boolean;
  verbose: boolean;
  /** What was scanned, for the summary line ("files", "staged files", "commits"). */
  sourceDescription: string;
  /** Repository root or scan root, for SARIF's %SRCROOT% and versionControlProvenance. */
  root?: string;
  repository?: { uri?: string; revisionId?: string; branch?: string };
  /** Text output: more spans to mask on printed lines (secrets of rules that did not run), see line-masks.ts. */
  lineMasks?: Map<string, [number, number][]>;
}

export type Reporter = (result: ScanResult, ruleSet: RuleSet, options: ReportOptions) => string;
