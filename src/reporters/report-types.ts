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
  /** Something asked for could not be scanned and --allow-skip was not given: the run fails (exit 2). */
  failedClosed?: boolean;
  /** Text output: more spans to mask on printed lines (secrets of rules that did not run), see line-masks.ts. */
  lineMasks?: Map<string, [number, number][]>;
}

export type Reporter = (result: ScanResult, ruleSet: RuleSet, options: ReportOptions) => string;
