/**
 * `gitward history --cache FILE`: incremental rescans. The cache records which
 * commits were scanned and the findings they produced, as hashes and positions
 * only: never a secret or a line of text. Findings from skipped commits are
 * carried over, so a rescan reports (and fails on) the same leaks as a full
 * scan.
 *
 * The cache is keyed by everything that changes what a scan reports (see
 * `scanKey`): the active rules (every spec field, pack, mode, severity), the
 * resolved config (allowlists, rule overrides, failOn, maxFileSize, with every
 * file it extends already merged in), the --path selection, the baseline's
 * content, --strict / --show-suppressed, gitward's version and this format's
 * VERSION. Any change invalidates the whole cache (everything is rescanned).
 *
 * Why a key and not "store raw findings, filter afresh": most filters need
 * what the cache must never hold. A path allowlist or --path decides which
 * files were read at all (a narrower first run has no raw findings for the
 * rest), and allowlist regexes, stopwords, entropy and placeholder checks look
 * at the secret or its line, which are not stored so that a cache file (often
 * a CI artifact) never leaks. A key is the only sound choice without secrets.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ResolvedConfig } from "../config/config-types.js";
import { GitwardError } from "../errors.js";
import { type RuleSet, ruleScope } from "../packs/rule-set.js";
import type { Finding, FindingKind, Severity } from "../types.js";
import { sha256 } from "../util/hash.js";

/**
 * 2: merge commits are scanned (remerge diffs); caches written before that had skipped them.
 * 3: keyed by the whole scan (scanKey), UTF-16 text in history decoded.
 */
const VERSION = 3;

export interface CachedFinding {
  ruleId: string;
  kind: FindingKind;
  severity: Severity;
  mode: "block" | "warn";
  message: string;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  secretHash: string;
  fingerprint: string;
  commit?: { sha: string; author: string; email: string; date: string; time: number };
  occurrences: number;
  suppressed: boolean;
}

export interface HistoryCache {
  version: number;
  /** scanKey(): what the cached results depend on. */
  scanKey: string;
  commits: string[];
  findings: CachedFinding[];
}

export function ruleSetHash(ruleSet: RuleSet): string {
  // The whole spec (regex, keywords, paths, allowlist, entropy...), not a list of fields that goes stale.
  const parts = ruleSet.secretRules
    .map((r) => JSON.stringify([r.spec, r.pack, r.packVersion, ruleScope(r) ?? null, r.mode, r.severity]))
    .sort();
  return sha256(`gitward-history-cache-v${VERSION}\n${parts.join("\n")}`);
}

export interface ScanKeyInputs {
  ruleSet: RuleSet;
  config: ResolvedConfig;
  /** --path selection ([] for the whole tree). */
  paths: string[];
  /** The baseline file in use, if any (its content is hashed). */
  baselineFile: string | undefined;
  strict: boolean;
  showSuppressed: boolean;
  toolVersion: string;
}

/** The cache key: a hash of everything that changes which findings a history scan reports. */
export function scanKey(inputs: ScanKeyInputs): string {
  const { file: _file, baseline: _baseline, ...config } = inputs.config;
  let baseline = "";
  if (inputs.baselineFile) {
    try {
      baseline = sha256(readFileSync(inputs.baselineFile, "utf8"));
    } catch {
      baseline = "unreadable";
    }
  }
  return sha256(
    JSON.stringify({
      rules: ruleSetHash(inputs.ruleSet),
      config,
      paths: [...inputs.paths].sort(),
      baseline,
      strict: inputs.strict,
      showSuppressed: inputs.showSuppressed,
      tool: inputs.toolVersion,
    }),
  );
}

/** Loads the cache; a missing file or another scan key gives an empty one (`stale` says why). */
export function loadCache(file: string, hash: string): { cache: HistoryCache; stale?: "missing" | "scan-changed" } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { cache: { version: VERSION, scanKey: hash, commits: [], findings: [] }, stale: "missing" };
  }
  let data: HistoryCache;
  try {
    data = JSON.parse(text) as HistoryCache;
  } catch (e) {
    throw new GitwardError(`--cache ${file}: not a gitward history cache (${(e as Error).message}); delete it to rescan`, "io");
  }
  if (data.version !== VERSION || data.scanKey !== hash || !Array.isArray(data.commits) || !Array.isArray(data.findings)) {
    return { cache: { version: VERSION, scanKey: hash, commits: [], findings: [] }, stale: "scan-changed" };
  }
  return { cache: data };
}

export function toCached(f: Finding, time: number | undefined): CachedFinding {
  return {
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    mode: f.mode,
    message: f.message,
    path: f.path,
    startLine: f.startLine,
    startColumn: f.startColumn,
    endLine: f.endLine,
    endColumn: f.endColumn,
    secretHash: f.secretHash,
    fingerprint: f.fingerprint,
    ...(f.commit
      ? { commit: { sha: f.commit.sha, author: f.commit.author, email: f.commit.email, date: f.commit.date, time: time ?? 0 } }
      : {}),
    occurrences: f.occurrences ?? 1,
    suppressed: (f.suppressions?.length ?? 0) > 0 && (f.suppressions ?? []).every((s) => !s.expired),
  };
}

export function saveCache(file: string, cache: HistoryCache): void {
  const sorted: HistoryCache = {
    version: VERSION,
    scanKey: cache.scanKey,
    commits: [...new Set(cache.commits)].sort(),
    findings: [...cache.findings].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)),
  };
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(sorted)}\n`);
    renameSync(tmp, file);
  } catch (e) {
    throw new GitwardError(`--cache ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? e})`, "io");
  }
}
