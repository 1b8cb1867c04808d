/**
 * `gitward history --cache FILE`: incremental rescans. The cache records which
 * commits were scanned with which rule set (a hash of every active secret
 * rule's id, regex, secret group, entropy and pack version) and the findings
 * they produced, as hashes and positions only: never a secret or a line of
 * text. A different rule set, or a cache from a gitward that scanned commits
 * differently (VERSION), invalidates the whole cache (everything is
 * rescanned). Findings from skipped commits are carried over, so a rescan
 * reports (and fails on) the same leaks as a full scan.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GitwardError } from "../errors.js";
import type { RuleSet } from "../packs/rule-set.js";
import type { Finding, FindingKind, Severity } from "../types.js";
import { sha256 } from "../util/hash.js";

/** 2: merge commits are scanned (remerge diffs); caches written before that had skipped them. */
const VERSION = 2;

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
  ruleSetHash: string;
  commits: string[];
  findings: CachedFinding[];
}

export function ruleSetHash(ruleSet: RuleSet): string {
  const parts = ruleSet.secretRules
    .map((r) => {
      const s = r.spec as unknown as Record<string, unknown>;
      return JSON.stringify([
        s.id,
        r.pack,
        r.packVersion,
        s.regex,
        s.flags,
        s.secretGroup,
        s.entropy,
        s.keywords,
        s.allowlist,
        r.mode,
        r.severity,
      ]);
    })
    .sort();
  return sha256(`gitward-history-cache-v${VERSION}\n${parts.join("\n")}`);
}

/** Loads the cache; a missing file or another rule set gives an empty one (`stale` says why). */
export function loadCache(file: string, hash: string): { cache: HistoryCache; stale?: "missing" | "rules-changed" } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { cache: { version: VERSION, ruleSetHash: hash, commits: [], findings: [] }, stale: "missing" };
  }
  let data: HistoryCache;
  try {
    data = JSON.parse(text) as HistoryCache;
  } catch (e) {
    throw new GitwardError(`--cache ${file}: not a gitward history cache (${(e as Error).message}); delete it to rescan`, "io");
  }
  if (data.version !== VERSION || data.ruleSetHash !== hash || !Array.isArray(data.commits) || !Array.isArray(data.findings)) {
    return { cache: { version: VERSION, ruleSetHash: hash, commits: [], findings: [] }, stale: "rules-changed" };
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
    ruleSetHash: cache.ruleSetHash,
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
