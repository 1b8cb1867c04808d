/**
 * The contract between the pipeline and every detector (the pattern engine,
 * the config linter). A detector sees a fragment and returns raw findings with
 * file positions; the pipeline turns them into `Finding`s (hashes, fingerprint,
 * severity and mode from the loaded rule) so that detectors stay small.
 */
import type { Fragment, ScanWarning, SkipNotice, Tracer } from "../types.js";

export interface RawFinding {
  ruleId: string;
  /** File positions, 1-based; endColumn exclusive. */
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /**
   * The secret, or for config rules the evidence (the offending setting as
   * written). Hashed for the fingerprint, so pick text that identifies the
   * problem but does not change when unrelated lines move.
   */
  secret: string;
  /** Config findings: does the evidence hold a credential that must be masked? Secret findings always are. */
  sensitive?: boolean;
  /** Overrides the rule description as the finding's message (config rules say what to change). */
  message?: string;
  /** Text of the start line (for inline allows and line allowlists). */
  lineText: string;
  entropy?: number;
}

export interface DetectorOutput {
  findings: RawFinding[];
  warnings: ScanWarning[];
  /** What a detector could not scan (a rule that blew its time budget): fails the run closed. */
  skipped?: SkipNotice[];
}

export interface Detector {
  readonly name: string;
  /** Scan one fragment. May be async (config rules load the whole staged file). */
  detect(fragment: Fragment, trace?: Tracer): DetectorOutput | Promise<DetectorOutput>;
}
