/**
 * Filters decide, finding by finding, whether a finding is suppressed and why.
 * They never drop findings: a suppressed finding keeps its suppressions so that
 * `--show-suppressed` and SARIF (`suppressions`) can still show it.
 */
import type { Finding, Fragment, ScanWarning, Suppression } from "../types.js";

export interface FilterInput {
  finding: Finding;
  fragment: Fragment;
  /** Text of the file line before the finding, when it can be known (for allow-next-line). */
  previousLine(): Promise<string | undefined>;
}

export interface FindingFilter {
  readonly name: string;
  /** Sees every scanned fragment, with or without findings (e.g. to collect inline allows). */
  observe?(fragment: Fragment): void;
  check(input: FilterInput): Suppression | undefined | Promise<Suppression | undefined>;
  /** After the scan: warnings such as unused allows or expired baseline entries. */
  finish?(): ScanWarning[];
}
