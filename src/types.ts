/**
 * The shared vocabulary of gitward's one data flow:
 *
 *   text sources → fragments → detectors → findings → filters → reporters
 *
 * Everything that crosses a stage boundary is one of the types below. Keep them
 * plain data (no classes) so that they serialise, cross worker threads and are
 * easy to build in tests.
 */

import type { Verification, VerificationSummary } from "./verify/types.js";

export type { Verification, VerificationSummary };

export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** Ordered from most to least severe; index = rank (lower is worse). */
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** block: fails the run; warn: reported but never fails; off: not run at all. */
export type RuleMode = "block" | "warn" | "off";

/** Where a fragment of text came from. */
export type SourceKind = "file" | "stdin" | "staged" | "history" | "pre-push";

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  /** ISO-8601 author date. */
  date: string;
  message?: string;
}

/**
 * A piece of text to scan. Sources produce fragments; detectors consume them.
 *
 * `text` is either a whole file (`lineNumbers` absent: line i of text is line
 * `startLine + i` of the file) or a selection of lines such as the added lines
 * of a diff (`lineNumbers[i]` is the file line of text line i). Lines are
 * separated by "\n"; a trailing "\r" is kept so that columns stay exact.
 */
export interface Fragment {
  path: string;
  /**
   * The path relative to the repository root, when `path` is relative to
   * somewhere else (a directory scan run from a subdirectory): config
   * allowlist paths are written relative to the root.
   */
  rootPath?: string;
  text: string;
  startLine: number;
  lineNumbers?: readonly number[];
  source: SourceKind;
  commit?: CommitInfo;
  /**
   * For diff-based sources: loads the whole new version of the file, for
   * detectors that need a parsed document (config rules). Absent when `text`
   * already is the whole file.
   */
  loadDocument?: () => Promise<string | undefined>;
  /** True when the file did not exist before this change (diff sources). */
  isNewFile?: boolean;
  /**
   * Lines of `text` that may not be its commit's own (a merge's file that a
   * parent has under another name), worked out only when asked: the pipeline
   * asks for a fragment with findings, and drops a finding whose lines are all
   * among them.
   */
  inheritedLines?: () => Promise<ReadonlySet<string>>;
}

/** The pack a rule came from, carried into findings and SARIF tool extensions. */
export interface Provenance {
  pack: string;
  version: string;
  /** File the pack was loaded from (absolute or package-relative). */
  file: string;
}

export type FindingKind = "secret" | "config";

export interface Location {
  path: string;
  /** 1-based. */
  startLine: number;
  /** 1-based. */
  startColumn: number;
  endLine: number;
  /** 1-based, exclusive (SARIF convention). */
  endColumn: number;
}

export type SuppressionKind = "inline" | "baseline" | "config" | "rule-allowlist";

export interface Suppression {
  kind: SuppressionKind;
  /** Why: the reason text of an inline allow or baseline entry, or which allowlist matched. */
  justification: string;
  /** For baselines whose waiver expired: the finding is reported again. */
  expired?: boolean;
}

export interface Finding extends Location {
  ruleId: string;
  kind: FindingKind;
  severity: Severity;
  /** The effective mode after config overrides ("off" rules never produce findings). */
  mode: "block" | "warn";
  message: string;
  /**
   * The secret itself (the rule's secret group, or the whole match). Lives in
   * memory only: reporters print it solely through the redactor, and caches and
   * baselines store `secretHash`.
   */
  secret: string;
  /**
   * Whether `secret` is sensitive and must be masked in output: always for
   * secret findings; for config findings only when the evidence holds a
   * credential (a literal password in a compose file), not for `protected-mode no`.
   */
  sensitive: boolean;
  /** SHA-256 (hex) of `secret`. */
  secretHash: string;
  /** Content-based: sha256(ruleId + NUL + path + NUL + secretHash). Survives line moves. */
  fingerprint: string;
  /** Text of the line the finding starts on, for line allowlists and inline allows; never serialised. */
  lineText: string;
  provenance: Provenance;
  entropy?: number;
  commit?: CommitInfo;
  /** History scans: is the secret still in the file at HEAD? */
  presentAtHead?: boolean;
  /**
   * History scans, for a secret not at HEAD: the branches (local and remote-tracking) whose tip
   * still holds it. Empty: removed everywhere (still leaked). Absent: not checked.
   */
  presentIn?: string[];
  /** History scans: how many commits add the same secret at the same path. */
  occurrences?: number;
  /** Set by filters; a finding with suppressions is not reported (unless --show-suppressed). */
  suppressions?: Suppression[];
  /** Free-form notes added by filters (e.g. "baseline waiver expired 2026-01-01"). */
  notes?: string[];
  /** Set by the verification stage (--verify): does the provider still accept the secret? */
  verification?: Verification;
}

/** Something a source could not or chose not to scan. */
export interface SkipNotice {
  path: string;
  reason:
    | "binary"
    | "too-large"
    | "minified"
    | "lockfile"
    | "symlink"
    | "submodule"
    | "lfs-pointer"
    | "unreadable"
    | "unparsable"
    | "templated"
    | "ignored"
    | "other";
  detail: string;
  /**
   * Fail-closed: an unintended skip (unreadable file, a config file that does
   * not parse, a rule that could not finish) makes the run exit 2 unless the
   * user allowed it (--allow-skip); intended skips (binary, lockfile, templated
   * config) do not.
   */
  fatal: boolean;
}

/** A problem that did not stop the scan but must be reported (malformed config file, regex time budget). */
export interface ScanWarning {
  path?: string;
  ruleId?: string;
  message: string;
}

export interface ScanStats {
  files: number;
  bytes: number;
  lines: number;
  fragments: number;
  commits?: number;
  durationMs: number;
  /** Peak resident memory of the scanning process (not of the git processes it ran), in MB. */
  peakRssMB?: number;
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
  skipped: SkipNotice[];
  warnings: ScanWarning[];
  /** Ranged scans with a trusted config: where config and baseline came from, and what the range adds. */
  trusted?: TrustedReport;
  /** Present when the run verified its findings (--verify). */
  verification?: VerificationSummary;
}

/** A suppression a scanned range adds: it is listed, never silently applied. */
export interface AddedSuppression {
  kind: "inline-allow" | "baseline" | "config";
  /** Repository-relative path of the allow, the baseline or the config. */
  path: string;
  line: number;
  /** The commit that added an inline allow. */
  commit?: string;
  /** Rules concerned (what an inline allow suppressed; a baseline entry's rule). */
  ruleIds?: string[];
  message: string;
}

export interface TrustedReport {
  /** The trusted revision as given, and its commit. */
  rev: string;
  sha: string;
  /** The config and baseline read from it (repository-relative), if it had them. */
  config?: string;
  baseline?: string;
  addedSuppressions: AddedSuppression[];
}

/** A candidate dropped by a detector stage, for `--debug` tracing. */
export interface TraceEvent {
  ruleId: string;
  path: string;
  line?: number;
  stage:
    | "path"
    | "keyword"
    | "regex"
    | "secret-group"
    | "entropy"
    | "allowlist"
    | "validator"
    | "context"
    | "requires"
    | "overlap"
    | "budget";
  reason: string;
}

export type Tracer = (event: TraceEvent) => void;
