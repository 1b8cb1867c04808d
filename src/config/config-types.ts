/**
 * The resolved configuration a scan runs with: `.gitward.yaml` merged over the
 * defaults. `load-config.ts` reads and validates the file; everything
 * downstream only sees `ResolvedConfig`.
 */
import type { RuleMode, Severity } from "../types.js";

export interface RuleOverride {
  severity?: Severity;
  mode?: RuleMode;
}

export interface AllowlistConfig {
  /** gitignore-style globs of paths never scanned. */
  paths: string[];
  /** Regexes over the secret (or the line, per `regexTarget`). */
  regexes: string[];
  regexTarget: "secret" | "match" | "line";
  /** Case-insensitive substrings of secrets that mark placeholders. */
  stopwords: string[];
  /**
   * Which config file each entry came from (same order as the lists above), so
   * that a suppression names the file that holds the entry, inherited or not.
   */
  origins?: { paths: string[]; regexes: string[]; stopwords: string[] };
}

/** `verify:` in the config: live verification of findings (off by default; see docs/verification.md). */
export interface VerifySettings {
  /** Verify in `scan` and `history` without --verify. */
  enabled: boolean;
  /** Also verify in `staged` and `pre-push` (only together with enabled: a hook then calls the network). */
  hooks: boolean;
  /** API base per verifier id (GitHub Enterprise, a Datadog site, a loopback test server). */
  endpoints: Record<string, string>;
  /** Extra rule → verifier mappings ("my-rule": "github"), e.g. for rules of a user pack. */
  rules: Record<string, string>;
  timeoutMs: number;
  retries: number;
  /** Calls in flight per host. */
  concurrency: number;
  /** Call starts per second per host. */
  ratePerSecond: number;
  /** Verification cache file (absolute; written relative to the config file). */
  cacheFile?: string;
  cacheTtlHours: number;
}

export function defaultVerifySettings(): VerifySettings {
  return {
    enabled: false,
    hooks: false,
    endpoints: {},
    rules: {},
    timeoutMs: 10_000,
    retries: 2,
    concurrency: 2,
    ratePerSecond: 5,
    cacheTtlHours: 24,
  };
}

export interface ResolvedConfig {
  /** The config file used, if any. */
  file?: string;
  /** Pack references in layer order: "gitward:builtin", a path, or an npm package name. */
  extends: string[];
  /** Extra packs for this run (--pack). */
  packs: string[];
  rules: Record<string, RuleOverride>;
  allowlist: AllowlistConfig;
  /** Findings at this severity or worse block (exit 1); less severe ones warn. */
  failOn: Severity;
  /** Files larger than this (bytes) are skipped with a notice. */
  maxFileSize: number;
  /** Baseline file (absolute; written relative to the config file). */
  baseline?: string;
  /** Report inline allows that matched nothing (`--report-unused-allows`, or `reportUnusedAllows: true`). */
  reportUnusedAllows?: boolean;
  /** Live verification settings (`verify:`), when the config has any. */
  verify?: VerifySettings;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export function defaultConfig(): ResolvedConfig {
  return {
    extends: ["gitward:builtin"],
    packs: [],
    rules: {},
    allowlist: { paths: [], regexes: [], regexTarget: "secret", stopwords: [] },
    failOn: "low",
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
  };
}
