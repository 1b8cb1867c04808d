/**
 * `gitward history [range]`: scans the added lines of every commit (all refs by
 * default) for secrets, for CI. Each leaked secret is reported once per
 * location, tied to the commit that introduced it, with whether it is still
 * present at HEAD and how many commits repeat it. Config rules are not run on
 * history (they judge the current tree: use gitward scan).
 *
 * `runHistoryScan` is shared with `gitward pre-push`.
 */
import { appendFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { DEFAULT_MAX_FILE_SIZE } from "../../config/config-types.js";
import type { Detector } from "../../detectors/detector.js";
import { GitwardError } from "../../errors.js";
import { BaselineFilter, readBaseline } from "../../filters/baseline.js";
import type { FindingFilter } from "../../filters/filter.js";
import { InlineAllowFilter } from "../../filters/inline-allow.js";
import { historyPathspec } from "../../git/pathspec.js";
import { findRepoRoot, runGit } from "../../git/run-git.js";
import { createDetectors, defaultFilters, runPipeline, sortFindings } from "../../pipeline.js";
import type { ScanSetup } from "../../setup.js";
import { prepareScan } from "../../setup.js";
import { type EarlyWalk, HistorySource, startHistoryWalk, stopEarlyWalk } from "../../sources/history.js";
import { type CachedFinding, type HistoryCache, loadCache, saveCache, scanKey, toCached } from "../../sources/history-cache.js";
import {
  consolidate,
  headCommit,
  markPresentAtHead,
  markPresentOnBranches,
  readAtHead,
  rehydrate,
} from "../../sources/history-findings.js";
import type { Finding, ScanResult } from "../../types.js";
import { nowMs } from "../../util/clock.js";
import { sha256 } from "../../util/hash.js";
import { remoteToUri } from "../../util/remote-uri.js";
import { toolVersion } from "../../version.js";
import { createDebugTracer } from "../debug-trace.js";
import { baselineFileFor, baselinePathOf, extraFiltersFor } from "../filters-for-run.js";
import type { CliIO } from "../io.js";
import { emitReport } from "../report-output.js";
import { type ScanArgs, setupOptionsFrom } from "../scan-options.js";
import {
  addedConfigSuppressions,
  addedInlineAllows,
  loadTrustedConfig,
  rangeTip,
  readRevisionFiles,
  type TrustedConfig,
} from "../trusted-config.js";
import { type VerifyArgs, verifyIfAsked } from "../verify-run.js";

export interface HistoryArgs extends ScanArgs, VerifyArgs {
  range?: string;
  all: boolean;
  since?: string;
  maxCount?: number;
  path?: string[];
  cache?: string;
  jobs?: number;
  progress?: boolean;
  trustedConfigFrom?: string;
  stepSummary?: string;
}

export interface HistoryScanOptions {
  revs: string[];
  limits?: string[];
  paths?: string[];
  kind: "history" | "pre-push";
  cacheFile?: string;
  jobs?: number;
  progress: boolean;
  /** Replaces the baseline filter extraFiltersFor would choose (a trusted revision's baseline). */
  extraFilters?: FindingFilter[];
  /** The walk started before set-up (startHistoryWalk); the scan uses it or stops it. */
  early?: EarlyWalk;
}

/**
 * `git log` processes by default. The scanner's thread is one core's work and
 * git log another's: on two cores a second git log only takes time from the
 * scanner (express, all refs: 1.1 s with one, 1.3 s with two). With more
 * cores, the others go to git (at most 4).
 */
export function defaultJobs(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(4, cores - 1);
}

export interface HistoryScanOutcome {
  result: ScanResult;
  /** The inline allows seen on the scanned (added) lines. */
  inlineAllows: InlineAllowFilter | undefined;
  head: string | undefined;
  listed: number;
  skippedCached: number;
}

/** Fails with a clear message outside a repository; works in bare repositories too. */
export async function requireRepository(cwd: string, command: string): Promise<void> {
  const r = await runGit(["rev-parse", "--git-dir"], cwd, { allowFail: true });
  if (r.code !== 0) throw new GitwardError(`${command}: not a git repository (run it inside a clone)`, "usage");
}

export async function runHistoryScan(
  setup: ScanSetup,
  args: ScanArgs,
  io: CliIO,
  options: HistoryScanOptions,
): Promise<HistoryScanOutcome> {
  const cwd = io.cwd;
  // Asked now, awaited after the scan (only the findings' checks need it): the walk does not wait for it.
  const headLookup = headCommit(cwd);
  headLookup.catch(() => {}); // observed below; an early failure must not be an unhandled rejection
  let cache: HistoryCache | undefined;
  let hash = "";
  if (options.cacheFile) {
    hash = scanKey({
      ruleSet: setup.ruleSet,
      config: setup.config,
      paths: options.paths ?? [],
      baselineFile: baselineFileFor(setup, args, cwd),
      strict: args.strict,
      showSuppressed: args.showSuppressed,
      toolVersion: toolVersion(),
    });
    const loaded = loadCache(resolve(cwd, options.cacheFile), hash);
    cache = loaded.cache;
    if (loaded.stale === "scan-changed")
      io.stderr(
        `gitward: --cache ${options.cacheFile}: the rules, config, paths, baseline or gitward version changed since it was written; rescanning every commit\n`,
      );
  }
  const cached = cache ? new Set(cache.commits) : undefined;
  const progress = options.progress ? new ProgressBar(io) : undefined;
  const source = new HistorySource({
    cwd,
    revs: options.revs,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.paths?.length ? { paths: options.paths } : {}),
    maxFileSize: setup.config.maxFileSize,
    jobs: options.jobs ?? defaultJobs(),
    kind: options.kind,
    ...(options.early ? { early: options.early } : {}),
    ...(cached ? { skipCommit: (sha: string) => cached.has(sha) } : {}),
    ...(progress ? { onTotal: (n: number) => progress.total(n), onCommit: (b: number) => progress.tick(b) } : {}),
  });
  source.recordCommits = cache !== undefined;
  const debug = args.debug ? createDebugTracer(io) : undefined;
  // Built here rather than by the pipeline so the inline allows can be listed afterwards.
  const extra = options.extraFilters ?? (await extraFiltersFor(setup, args, cwd));
  if (args.reportUnusedAllows) setup.config.reportUnusedAllows = true;
  const filters = [...defaultFilters(setup.config, args.strict, setup.ruleSet), ...extra];
  let result: ScanResult;
  try {
    result = await runPipeline({
      source,
      ruleSet: setup.ruleSet,
      config: setup.config,
      filters,
      strict: args.strict,
      ...(debug ? { trace: debug.tracer } : {}),
    });
  } finally {
    progress?.done();
    debug?.finish();
  }
  const time = (c: Finding["commit"]) => (c ? (source.commitTime.get(c) ?? 0) : 0);
  let findings = consolidate(result.findings, time, (c) => c !== undefined && source.mergeCommits.has(c));
  const head = await headLookup;
  await markPresentAtHead(cwd, findings, head);

  if (cache) {
    const fresh = new Map(findings.map((f) => [f.fingerprint, f]));
    const carried: Finding[] = [];
    for (const c of cache.findings) {
      const now = fresh.get(c.fingerprint);
      if (now) {
        // Same secret at the same place seen again: keep the older introduction, add up the commits.
        now.occurrences = (now.occurrences ?? 1) + c.occurrences;
        if (c.commit && c.commit.time < time(now.commit)) {
          const { time: _t, ...commit } = c.commit;
          now.commit = commit;
          Object.assign(now, { startLine: c.startLine, startColumn: c.startColumn, endLine: c.endLine, endColumn: c.endColumn });
        }
      } else if (!c.suppressed) carried.push(restore(c, setup));
    }
    const detectors = carried.length > 0 ? await createDetectors(setup.ruleSet) : [];
    await rehydrate(cwd, carried, detectors);
    await markPresentAtHead(
      cwd,
      carried.filter((f) => f.secret.length > 0),
      head,
    );
    await markCarriedAtHead(
      cwd,
      carried.filter((f) => f.secret.length === 0),
      detectors,
      head,
    );
    findings = [...findings, ...carried];

    const times = new Map(cache.findings.map((c) => [c.fingerprint, c.commit?.time ?? 0]));
    saveCache(resolve(cwd, options.cacheFile as string), {
      version: 1,
      scanKey: hash,
      commits: [...cache.commits, ...source.stats.commits],
      findings: findings.map((f) =>
        toCached(f, f.commit ? (source.commitTime.get(f.commit) ?? times.get(f.fingerprint)) : undefined),
      ),
    });
  }
  await markPresentOnBranches(cwd, findings, head);
  result.findings = sortFindings(findings);
  const inlineAllows = filters.find((f): f is InlineAllowFilter => f instanceof InlineAllowFilter);
  return { result, head, inlineAllows, listed: source.stats.listed, skippedCached: source.stats.skippedCached };
}

/** A finding from the cache: positions and hashes only (no secret, no line text). */
function restore(c: CachedFinding, setup: ScanSetup): Finding {
  const rule = setup.ruleSet.byId.get(c.ruleId);
  const { time: _t, ...commit } = c.commit ?? { time: 0, sha: "", author: "", email: "", date: "" };
  return {
    ruleId: c.ruleId,
    kind: c.kind,
    severity: c.severity,
    mode: c.mode,
    message: c.message,
    path: c.path,
    startLine: c.startLine,
    startColumn: c.startColumn,
    endLine: c.endLine,
    endColumn: c.endColumn,
    secret: "",
    sensitive: true,
    secretHash: c.secretHash,
    fingerprint: c.fingerprint,
    lineText: "",
    provenance: rule ? { pack: rule.pack, version: rule.packVersion, file: rule.file } : { pack: "", version: "", file: "" },
    ...(c.commit ? { commit } : {}),
    occurrences: c.occurrences,
    notes: ["from the history cache (commit scanned in an earlier run)"],
  };
}

/** Carried findings have no secret: rescan the HEAD version of their files and compare secret hashes. */
async function markCarriedAtHead(
  cwd: string,
  carried: Finding[],
  detectors: Detector[],
  head: string | undefined,
): Promise<void> {
  if (carried.length === 0) return;
  const texts = await readAtHead(
    cwd,
    carried.map((f) => f.path),
    head,
  );
  // The same detectors as the scan (encoded secrets included), or a decoded finding would never be "at HEAD".
  const hashesByPath = new Map<string, Set<string>>();
  for (const [path, text] of texts) {
    const hashes = new Set<string>();
    for (const detector of detectors) {
      const out = await detector.detect({ path, text, startLine: 1, source: "history" });
      for (const r of out.findings) hashes.add(`${r.ruleId}\0${sha256(r.secret)}`);
    }
    hashesByPath.set(path, hashes);
  }
  for (const f of carried) f.presentAtHead = hashesByPath.get(f.path)?.has(`${f.ruleId}\0${f.secretHash}`) ?? false;
}

/**
 * The repository's identity for a report in `format` (SARIF's
 * versionControlProvenance: remote URL, branch, HEAD). The two lookups start
 * at once and run while the history is scanned; the returned function adds
 * HEAD and waits for them.
 */
export function repositoryInfo(
  cwd: string,
  format?: string,
): (head: string | undefined) => Promise<{ uri?: string; revisionId?: string; branch?: string }> {
  // Only SARIF reports the remote and branch: the other formats spare the two lookups (two git
  // processes, each a fork of this one, before a hook's scan).
  if (format !== "sarif") return async (head) => (head ? { revisionId: head } : {});
  const lookups = Promise.all([
    runGit(["remote", "get-url", "origin"], cwd, { allowFail: true }),
    runGit(["symbolic-ref", "-q", "--short", "HEAD"], cwd, { allowFail: true }),
  ]);
  lookups.catch(() => {}); // observed below; a failure before then must not be an unhandled rejection
  return async (head) => {
    const [origin, branch] = await lookups;
    // Every remote form git accepts, as a valid absolute URI without credentials, or left out.
    const uri = origin.code === 0 ? (remoteToUri(origin.stdout.toString("utf8").trim(), cwd) ?? "") : "";
    const name = branch.code === 0 ? branch.stdout.toString("utf8").trim() : "";
    return { ...(uri ? { uri } : {}), ...(head ? { revisionId: head } : {}), ...(name ? { branch: name } : {}) };
  };
}

async function revsFor(args: HistoryArgs, cwd: string): Promise<{ revs: string[]; limits: string[] }> {
  const revs = args.range ? [args.range] : ["--all"];
  if (args.range && args.all) revs.push("--all");
  const limits: string[] = [];
  if (args.range?.startsWith("-")) throw new GitwardError(`history: "${args.range}" is not a revision range`, "usage");
  if (args.since) {
    const r = await runGit(["rev-parse", "--verify", "-q", "--end-of-options", `${args.since}^{commit}`], cwd, {
      allowFail: true,
    });
    if (r.code === 0) revs.push(`^${r.stdout.toString("utf8").trim()}`);
    else if (looksLikeDate(args.since)) limits.push(`--since=${args.since}`);
    // git reads any text as a date ("no-such-branch" is "now"): a mistyped ref would scan nothing.
    else
      throw new GitwardError(
        `--since: "${args.since}" is neither a commit nor a date (give a branch, tag or sha, or a date such as 2024-01-31 or "2 weeks ago")`,
        "usage",
      );
  }
  if (args.maxCount !== undefined) {
    if (!Number.isInteger(args.maxCount) || args.maxCount < 0)
      throw new GitwardError("--max-count: give a whole number", "usage");
    limits.push(`--max-count=${args.maxCount}`);
  }
  return { revs, limits };
}

/** Dates git's --since understands and a user means: ISO-like dates, "N units ago", a few words, @epoch. */
function looksLikeDate(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (/^@\d+$/.test(t) || /^(now|today|yesterday|noon|midnight|last (week|month|year))$/.test(t)) return true;
  if (/^(\d+|an?|one)[ .]*(second|minute|hour|day|week|month|year)s?([ .]+ago)?$/.test(t)) return true;
  return /^\d{4}-\d{2}-\d{2}/.test(t) ? !Number.isNaN(Date.parse(t.slice(0, 10))) : !Number.isNaN(Date.parse(text));
}

/**
 * What was asked for must exist: the range's revisions, and for each --path at
 * least one commit in the selection that touches it (--full-history: a path
 * only a side branch touched counts). Otherwise the scan would pass having
 * scanned nothing; a usage error says what matched nothing instead.
 */
async function checkSelection(cwd: string, revs: string[], limits: string[], paths: string[]): Promise<void> {
  // Without --path only the revisions need checking, which rev-parse does without walking: `rev-list
  // -n1 A..B` walks until A's side is marked (git/git v2.44.0..v2.46.0: 0.16 s of CPU beside git log).
  const range = await runGit(
    paths.length > 0 ? ["rev-list", "-n1", ...limits, ...revs, "--"] : ["rev-parse", "--revs-only", ...revs, "--"],
    cwd,
    { allowFail: true },
  );
  if (range.code !== 0) {
    const why = range.stderr.trim().split("\n")[0] ?? "";
    throw new GitwardError(`history: "${revs[0]}": unknown revision or range (${why.replace(/^fatal: /, "")})`, "usage");
  }
  if (range.stdout.length === 0) return; // nothing selected at all: reported as "no commits in the selected range"
  const misses = await Promise.all(
    paths.map(async (p) => {
      const r = await runGit(["rev-list", "-n1", "--full-history", ...limits, ...revs, "--", historyPathspec(p)], cwd, {
        allowFail: true,
      });
      return r.code === 0 && r.stdout.length === 0 ? p : undefined;
    }),
  );
  const missing = misses.filter((p): p is string => p !== undefined);
  if (missing.length > 0) {
    throw new GitwardError(
      missing.map((p) => `--path ${p}: matches no file in the selected commits`).join("\n") +
        "\n(a plain path names a file or directory from the repository root; '*.md' matches at any depth, 'docs/*.md' under docs/)",
      "usage",
    );
  }
}

export async function historyCommand(args: HistoryArgs, io: CliIO): Promise<number> {
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) {
    throw new GitwardError(`--jobs: give a whole number of processes, at least 1 (got ${String(args.jobs)})`, "usage");
  }
  const early = earlyWalk(args, io.cwd);
  try {
    return await historyChecked(args, io, early);
  } finally {
    stopEarlyWalk(early); // a no-op once the scan has read it to the end
  }
}

/**
 * The scan's `git log` walk, started before anything else when the arguments
 * already say what it will be (one process, no cache, no --since to resolve):
 * git then works on the other core while the packs load and the selection is
 * checked. A config file that changes the size limit makes the scan start
 * its own walk instead (HistorySource compares the commands).
 */
function earlyWalk(args: HistoryArgs, cwd: string): EarlyWalk | undefined {
  if (args.cache || args.since !== undefined || args.trustedConfigFrom !== undefined) return undefined;
  if ((args.jobs ?? defaultJobs()) !== 1 || args.range?.startsWith("-")) return undefined;
  if (args.maxCount !== undefined && (!Number.isInteger(args.maxCount) || args.maxCount < 0)) return undefined;
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  try {
    maxFileSize = setupOptionsFrom(args, cwd).maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  } catch {
    return undefined; // a bad --max-file-size: reported by the set-up
  }
  const revs = args.range ? [args.range] : ["--all"];
  if (args.range && args.all) revs.push("--all");
  return startHistoryWalk(cwd, {
    revs,
    limits: args.maxCount !== undefined ? [`--max-count=${args.maxCount}`] : [],
    ...(args.path?.length ? { paths: args.path } : {}),
    maxFileSize,
  });
}

async function historyChecked(args: HistoryArgs, io: CliIO, early: EarlyWalk | undefined): Promise<number> {
  // One question both checks for a repository and asks whether it is shallow (each git process
  // costs the scanner's thread a fork: 5-7 ms).
  const shallowLookup = await runGit(["rev-parse", "--is-shallow-repository"], io.cwd, { allowFail: true });
  if (shallowLookup.code !== 0) throw new GitwardError("history: not a git repository (run it inside a clone)", "usage");
  // (SARIF's lookups run while the packs load.)
  const repositoryFor = repositoryInfo(io.cwd, args.format);
  let trusted: TrustedConfig | undefined;
  if (args.trustedConfigFrom !== undefined) {
    const root = await findRepoRoot(io.cwd);
    if (!root) throw new GitwardError("--trusted-config-from: needs a work tree (a clone, not a bare repository)", "usage");
    trusted = await loadTrustedConfig(io.cwd, root, args.trustedConfigFrom, { config: args.config, baseline: args.baseline });
  }
  try {
    return await historyWithSetup(args, io, repositoryFor, shallowLookup, trusted, early);
  } finally {
    trusted?.cleanup();
  }
}

async function historyWithSetup(
  args: HistoryArgs,
  io: CliIO,
  repositoryFor: ReturnType<typeof repositoryInfo>,
  shallow: Awaited<ReturnType<typeof runGit>>,
  trusted: TrustedConfig | undefined,
  early: EarlyWalk | undefined,
): Promise<number> {
  const setupArgs = trusted ? { ...args, config: trusted.configFile } : args;
  const setup = await prepareScan({ ...setupOptionsFrom(setupArgs, io.cwd), kinds: { secret: true, config: false } });
  // Name the trusted config by revision and path in notes, not by its temporary copy.
  if (trusted?.configRel) setup.config.file = `${trusted.rev}:${trusted.configRel}`;
  for (const w of setup.warnings) io.stderr(`warning: ${w.message}\n`);
  const quiet = args.quiet;
  if (shallow.stdout.toString("utf8").trim() === "true") {
    io.stderr(
      "gitward: warning: shallow clone: older commits are missing, and secrets from them are attributed to the oldest commit present. Fetch the full history (actions/checkout fetch-depth: 0, GIT_DEPTH: 0) for a complete scan.\n",
    );
  }
  const { revs, limits } = await revsFor(args, io.cwd);
  await checkSelection(io.cwd, revs, limits, args.path ?? []);
  const showProgress = args.progress ?? (io.stderrIsTTY && !isCI(io.env));
  const outcome = await runHistoryScan(setup, args, io, {
    revs,
    limits,
    ...(args.path?.length ? { paths: args.path } : {}),
    kind: "history",
    ...(args.cache ? { cacheFile: args.cache } : {}),
    ...(args.jobs ? { jobs: args.jobs } : {}),
    progress: showProgress,
    ...(early ? { early } : {}),
    ...(trusted ? { extraFilters: await trustedBaseline(trusted, setup, io.cwd) } : {}),
  });
  if (trusted) {
    const tip = await readRevisionFiles(io.cwd, setup.repoRoot ?? io.cwd, rangeTip(args.range), {
      config: args.config,
      baseline: args.baseline,
      flag: "history",
    });
    outcome.result.trusted = {
      rev: trusted.rev,
      sha: trusted.sha,
      ...(trusted.configRel ? { config: trusted.configRel } : {}),
      ...(trusted.baselineRel ? { baseline: trusted.baselineRel } : {}),
      addedSuppressions: [
        ...(await addedConfigSuppressions(trusted, tip)),
        ...(outcome.inlineAllows ? addedInlineAllows(outcome.inlineAllows) : []),
      ],
    };
  }
  if (outcome.listed === 0 && !quiet) {
    io.stderr(
      outcome.head
        ? "gitward: no commits in the selected range\n"
        : "gitward: the repository has no commits yet; nothing to scan\n",
    );
  }
  if (args.cache && !quiet) {
    io.stderr(
      `gitward: skipped ${outcome.skippedCached} of ${outcome.listed} commits already scanned with this rule set (cache ${args.cache})\n`,
    );
  }
  await verifyIfAsked(outcome.result, setup, args, io, {
    hook: false,
    root: setup.repoRoot ?? io.cwd,
    ...(args.cache ? { historyCacheFile: args.cache } : {}),
  });
  const repository = await repositoryFor(outcome.head);
  const code = await emitReport(outcome.result, setup.ruleSet, args, io, {
    sourceDescription: "commits",
    ...(setup.repoRoot ? { root: setup.repoRoot } : {}),
    repository,
    hint: "gitward: secrets in history are leaked even when removed later: rotate them, then allow them or record them with: gitward baseline update --history",
  });
  if (args.stepSummary) {
    const { renderStepSummary } = await import("../../reporters/step-summary.js");
    try {
      appendFileSync(
        resolve(io.cwd, args.stepSummary),
        renderStepSummary(outcome.result, { noRedact: !args.redact, exitCode: code }),
      );
    } catch (e) {
      throw new GitwardError(`--step-summary: cannot write ${args.stepSummary}: ${(e as NodeJS.ErrnoException).code ?? e}`, "io");
    }
  }
  return code;
}

/** The trusted revision's baseline, named by revision and path in justifications. */
async function trustedBaseline(trusted: TrustedConfig, setup: ScanSetup, cwd: string): Promise<FindingFilter[]> {
  if (!trusted.baselineFile || !trusted.baselineRel) return [];
  const root = setup.repoRoot ?? cwd;
  return [
    new BaselineFilter(await readBaseline(trusted.baselineFile), {
      origin: `${trusted.rev}:${trusted.baselineRel}`,
      pathOf: baselinePathOf(root, cwd),
    }),
  ];
}

export function isCI(env: Record<string, string | undefined>): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/** A one-line progress bar on stderr: commits, MB of diff read, rate, ETA. */
class ProgressBar {
  private commits = 0;
  private bytes = 0;
  private all = 0;
  private readonly started = nowMs();
  private last = 0;

  constructor(private readonly io: CliIO) {}

  total(n: number): void {
    this.all = n;
    this.render(true);
  }

  tick(bytes: number): void {
    this.commits++;
    this.bytes += bytes;
    this.render(false);
  }

  private render(force: boolean): void {
    const now = nowMs();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? this.commits / secs : 0;
    const left = this.all > this.commits && rate > 0 ? (this.all - this.commits) / rate : 0;
    const width = 24;
    const filled = this.all > 0 ? Math.round((width * this.commits) / this.all) : 0;
    const bar = `${"#".repeat(filled)}${"-".repeat(Math.max(0, width - filled))}`;
    this.io.stderr(
      `\r[${bar}] ${this.commits}/${this.all || "?"} commits  ${(this.bytes / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} commits/s  ETA ${Math.ceil(left)}s  `,
    );
  }

  done(): void {
    this.io.stderr("\r\u001b[2K");
  }
}
