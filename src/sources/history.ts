/**
 * Git history (`gitward history`, and the commit range of `gitward pre-push`).
 *
 * 1. `git rev-list <revs>` streams the commits to scan; commits already in the
 *    cache are dropped here.
 * 2. The rest are dealt in blocks to `jobs` `git log --stdin --no-walk=unsorted
 *    -p -U0` processes, so git computes diffs on several cores while this
 *    process scans. Each process's output is parsed as a stream (one line at a
 *    time, one file's added lines at a time), so memory stays bounded whatever
 *    the size of the history. With one process and no cache there is nothing to
 *    deal: a single `git log -p -U0 <revs>` walks the history itself instead.
 * 3. Each file version's added lines become a fragment tied to its commit.
 *
 * Merge commits get no diff from git log (as with plain `git log -p`): each
 * merge is handed to merge-diff.ts, whose `git diff-tree --stdin -c` finds the
 * lines of the merge that no parent has (a conflict resolution, an "evil
 * merge" line or file). Those are scanned as the merge commit's, at their line
 * numbers in the merged file; a clean merge adds nothing. That git process runs
 * beside git log, on the other core. A plain `gitward history` (one walk, no
 * --path, --max-count or cache) takes the merges from a `git log --merges`
 * started with the walk, so the merge pass runs from the start instead of
 * following the walk; otherwise they come from the walk itself.
 *
 * Files over maxFileSize are reported by git as binary (core.bigFileThreshold)
 * and skipped with one notice per path. Other binary diffs are read and decoded
 * like files given to `gitward scan` (UTF-16 text, key stores), except blobs
 * named like media, archives or compiled code.
 */
import { BlobReader, BlobSizer } from "../git/blob-reader.js";
import { type RelayedGit, spawnGitInline, spawnGitRelayed } from "../git/git-relay.js";
import { checkGit, type GitStream, spawnGit } from "../git/git-stream.js";
import { historyPathspec } from "../git/pathspec.js";
import { runGit } from "../git/run-git.js";
import type { CommitInfo, Fragment } from "../types.js";
import { type DiffFile, DiffParser, LineSplitter, readLineBatches } from "./diff-parser.js";
import { MergeDiffs } from "./merge-diff.js";
import type { SourceContext, TextSource } from "./source.js";
import { bigFileConfig, DIFF_FLAGS, diffFragment } from "./staged.js";

/**
 * The `git log` walk started before the scan is set up (startHistoryWalk):
 * git computes diffs on the other core while gitward loads its packs, and
 * its output waits in the relay thread.
 */
export interface EarlyWalk {
  /** The arguments it was started with: used only when the scan would start the very same walk. */
  key: string;
  git: RelayedGit;
  /** The selection's merges (mergeListFor), when the walk has such a list. */
  list?: GitStream;
}

/** Stops an early walk and its merge list (a no-op for what has already ended). */
export function stopEarlyWalk(early: EarlyWalk | undefined): void {
  early?.git.kill();
  early?.list?.child.kill();
}

export interface HistorySourceOptions {
  cwd: string;
  /** rev-list arguments selecting the commits: ["--all"], ["main..feature"], [sha, "--not", "--remotes"]. */
  revs: string[];
  /** Extra rev-list options (--since=..., --max-count=N). */
  limits?: string[];
  paths?: string[];
  maxFileSize: number;
  /** Parallel `git log` processes. */
  jobs: number;
  kind?: "history" | "pre-push";
  /** Commits to leave out (already scanned, per the cache). */
  skipCommit?: (sha: string) => boolean;
  /** Progress: called once the commit list is known, and after each commit. */
  onTotal?: (commits: number) => void;
  onCommit?: (bytes: number) => void;
  /** A walk already started (startHistoryWalk); stopped here when the scan needs another. */
  early?: EarlyWalk;
}

export interface HistoryStats {
  listed: number;
  skippedCached: number;
  scanned: number;
  /** Every commit sha scanned (for the cache); only filled when `recordCommits` is set. */
  commits: string[];
}

/** Marks a commit header in the log output: a line starting with NUL is never a diff header. */
const COMMIT_MARK = "\0C\0";
const FORMAT = "--format=%x00C%x00%H%x00%an%x00%ae%x00%aI%x00%ct%x00%P";
const BLOCK = 64;
/**
 * git maps pack files in windows of up to 1 GB and caches delta bases up to
 * 96 MB: on git/git's 500 MB pack, `git log -p` reached 212 MB of RSS over
 * 1,769 commits (474 MB over the full history). Smaller windows bound every
 * git process of a history scan whatever the pack size. The delta base cache
 * is what git's time depends on (git/git v2.40.0..v2.46.0: 2.20 s of CPU with
 * 32 MB, 2.03 s with 64 MB, 1.96 s with the default 96 MB). The walk keeps
 * git's default 96 MB: on the full history its `git log -p` then takes 28.2 s
 * of CPU instead of 30.3 s, and peaks at 183 MB instead of 143 MB. The merge
 * pass keeps 64 MB: its `git diff-tree -c` reads three blobs per path and
 * peaked at 195 MB with 96 MB (157 MB with 64 MB).
 */
const packLimits = (deltaBaseCache: string) => [
  "-c",
  "core.packedGitWindowSize=16m",
  "-c",
  "core.packedGitLimit=64m",
  "-c",
  `core.deltaBaseCacheLimit=${deltaBaseCache}`,
];
const PACK_LIMITS = packLimits("64m");
const WALK_PACK_LIMITS = packLimits("96m");
/**
 * Into a pipe, git log and rev-list flush after every commit unless told not
 * to: rev-list's 30,000 one-line writes took 160 ms to read instead of 35 ms
 * (and git log's output comes in fewer pieces too).
 */
const BUFFERED = { GIT_FLUSH: "0" };

/**
 * Merges read from the merge list ahead of git diff-tree's answers, at most:
 * the list is read as git answers, so what waits in memory stays bounded
 * (a CommitInfo and parents each) whatever the number of merges.
 */
const MERGES_AHEAD = 4096;

/** The single `git log` walk of a scan with one process and no cache: its arguments, config and environment. */
function walkCommand(o: Pick<HistorySourceOptions, "revs" | "limits" | "paths" | "maxFileSize">): {
  args: string[];
  config: string[];
} {
  const paths = o.paths ?? [];
  const pathspec = paths.length ? ["--", ...paths.map(historyPathspec)] : ["--"];
  return {
    args: ["log", ...logOptions(), ...(o.limits ?? []), ...o.revs, ...pathspec],
    config: [...bigFileConfig(o.maxFileSize), ...WALK_PACK_LIMITS],
  };
}

function logOptions(): string[] {
  return ["--root", "--no-show-signature", "--diff-merges=off", "--no-mailmap", FORMAT, "-p", ...DIFF_FLAGS];
}

/**
 * The merges of a walk's selection, as their own `git log --merges` (no patches:
 * git/git's 21,500 merges in 0.7 s of CPU, beside a 26 s walk), when it gives
 * exactly the walk's merges: no pathspec (history simplification) and no
 * --max-count (it counts every commit). Otherwise undefined: the merges come
 * from the walk.
 */
function mergeListFor(o: Pick<HistorySourceOptions, "revs" | "limits" | "paths">): string[] | undefined {
  if ((o.paths ?? []).length > 0 || (o.limits ?? []).length > 0) return undefined;
  return ["log", "--merges", "--no-show-signature", "--no-mailmap", FORMAT, ...o.revs, "--"];
}

/**
 * Starts the merge list. Its output waits unread until the scan is set up, and
 * Node discards the unread output of a child that has exited unless the stream
 * has a listener (child_process flushStdio): the no-op "readable" listener keeps
 * it, and keeps the stream paused (git waits on a full pipe).
 */
function spawnMergeList(args: string[], cwd: string): GitStream {
  const list = spawnGit(args, cwd, PACK_LIMITS, BUFFERED);
  list.child.stdout.on("readable", () => {});
  return list;
}

/** A commit header of FORMAT (without its marker): the commit, its committer time and its parents. */
function commitHeader(text: string): { commit: CommitInfo; time: number; parents: string[] } {
  const [sha = "", author = "", email = "", date = "", ct = "0", ps = ""] = text.split("\0");
  return { commit: { sha, author, email, date }, time: Number(ct), parents: ps ? ps.split(" ") : [] };
}

/**
 * Starts the `git log` walk of a one-process, uncached scan before the scan is
 * set up (packs, config, revision checks), for HistorySourceOptions.early.
 * `maxFileSize` is a guess (the command line's, or the default): the scan
 * uses the walk only if its own settings give the same command.
 */
export function startHistoryWalk(
  cwd: string,
  o: Pick<HistorySourceOptions, "revs" | "limits" | "paths" | "maxFileSize">,
): EarlyWalk {
  const { args, config } = walkCommand(o);
  const git = spawnGitRelayed(args, cwd, config, BUFFERED);
  git.endInput();
  const listArgs = mergeListFor(o);
  const list = listArgs ? spawnMergeList(listArgs, cwd) : undefined;
  return { key: JSON.stringify([cwd, args, config, listArgs]), git, ...(list ? { list } : {}) };
}

export class HistorySource implements TextSource {
  readonly description = "commits";
  readonly stats: HistoryStats = { listed: 0, skippedCached: 0, scanned: 0, commits: [] };
  /** Committer time of each commit seen, for "which commit introduced it" (weak: freed with the findings). */
  readonly commitTime = new WeakMap<CommitInfo, number>();
  /** The merge commits seen (for consolidate: a merge and another commit of the same second). */
  readonly mergeCommits = new WeakSet<CommitInfo>();
  recordCommits = false;
  private readonly blobs: BlobReader;
  private readonly sizes: BlobSizer;

  constructor(private readonly options: HistorySourceOptions) {
    this.blobs = new BlobReader(options.cwd);
    this.sizes = new BlobSizer(options.cwd);
  }

  async *fragments(ctx: SourceContext): AsyncIterable<Fragment> {
    try {
      yield* this.run(ctx);
    } finally {
      stopEarlyWalk(this.options.early); // (not used, or ended: a no-op)
      this.blobs.close();
      this.sizes.close();
    }
  }

  private async *run(ctx: SourceContext): AsyncIterable<Fragment> {
    const { cwd, paths = [], jobs } = this.options;
    const pathspec = paths.length ? ["--", ...paths.map(historyPathspec)] : ["--"];
    const n = Math.max(1, Math.min(jobs, 8));
    const env = BUFFERED;
    const config = [...bigFileConfig(this.options.maxFileSize), ...WALK_PACK_LIMITS];
    const selection = [...(this.options.limits ?? []), ...this.options.revs, ...pathspec];
    if (n === 1 && !this.options.skipCommit && !this.recordCommits) {
      // One git log that walks the history itself: nothing is split or left out, so no commit list
      // has to be written first, and git starts diffing at once (on a 30,000-commit history the list
      // held git back for a third of a second).
      yield* this.scanWalk(selection, ctx);
      return;
    }
    stopEarlyWalk(this.options.early);
    // Deal the commit list to the workers as rev-list produces it (git log --stdin reads it all first).
    const list = spawnGit(["rev-list", ...selection], cwd, [], BUFFERED);
    const logArgs = ["log", "--stdin", "--no-walk=unsorted", ...logOptions(), ...pathspec];
    // Started on their first commit: `git log --stdin` with an empty stdin would log HEAD.
    // Each is drained by a thread of its own, so git and the scanner overlap (see git-relay.ts).
    const workers: RelayedGit[] = [];
    const workerFor = (i: number): RelayedGit => {
      let w = workers[i];
      if (!w) {
        w = spawnGitRelayed(logArgs, cwd, config, env);
        workers[i] = w;
      }
      return w;
    };

    // Whatever ends this scan early (a failed rev-list, an error downstream, a consumer that stops
    // iterating), git must not be left running: a paused relay would keep the process alive.
    let finished = false;
    try {
      let dealt = 0;
      // In batches: git log starts only once the whole list is written, and an await per commit
      // (readLines) took five times as long as rev-list itself on a 30,000-commit history.
      for await (const lines of readLineBatches(list.child.stdout)) {
        for (const line of lines) {
          const sha = line.trim();
          if (!sha) continue;
          this.stats.listed++;
          if (this.options.skipCommit?.(sha)) {
            this.stats.skippedCached++;
            continue;
          }
          if (this.recordCommits) this.stats.commits.push(sha);
          const w = workerFor(Math.floor(dealt / BLOCK) % n);
          dealt++;
          w.write(`${sha}\n`);
        }
      }
      for (const w of workers) w.endInput();
      await checkGit(list, `git rev-list ${this.options.revs.join(" ")}`);
      this.options.onTotal?.(dealt);
      yield* this.scanLogs(workers, ctx);
      finished = true;
    } finally {
      if (!finished) {
        list.child.kill();
        for (const w of workers) w.kill();
      }
    }
  }

  /** One `git log` over the selection, walking it itself; the progress total is counted beside it. */
  private async *scanWalk(selection: string[], ctx: SourceContext): AsyncGenerator<Fragment> {
    const { cwd, onTotal, early } = this.options;
    const { args, config } = walkCommand(this.options);
    // The merge list serves `gitward history` only: pre-push (a hook, a few commits) spares the process.
    const listArgs = (this.options.kind ?? "history") === "history" ? mergeListFor(this.options) : undefined;
    let git: RelayedGit;
    let list: GitStream | undefined;
    if (early && early.key === JSON.stringify([cwd, args, config, listArgs])) {
      git = early.git;
      list = early.list;
    } else {
      stopEarlyWalk(early);
      // A pre-push walks a few commits, as a hook: read here (see spawnGitInline), not through a thread.
      const spawn = this.options.kind === "pre-push" ? spawnGitInline : spawnGitRelayed;
      git = spawn(args, cwd, config, BUFFERED);
      git.endInput();
      if (listArgs) list = spawnMergeList(listArgs, cwd);
    }
    // A failure of the progress callback fails the scan, as with a commit list, once git is done.
    let totalFailed: { error: unknown } | undefined;
    const counted = onTotal
      ? runGit(["rev-list", "--count", ...selection], cwd, { allowFail: true })
          .then((r) => {
            if (r.code === 0) onTotal(Number(r.stdout.toString("utf8").trim()));
          })
          .catch((error: unknown) => {
            totalFailed = { error };
          })
      : undefined;
    let finished = false;
    try {
      yield* this.scanLogs([git], ctx, list);
      await counted;
      if (totalFailed) throw totalFailed.error;
      finished = true;
    } finally {
      this.stats.listed = this.stats.scanned;
      if (!finished) {
        git.kill();
        list?.child.kill();
      }
    }
  }

  /** The walks' fragments and the merges' own lines; the merges come from `list` when given, else from the walks. */
  private async *scanLogs(workers: RelayedGit[], ctx: SourceContext, list?: GitStream): AsyncGenerator<Fragment> {
    const seenSkips = new Set<string>();
    const deps = {
      blobs: this.blobs,
      maxFileSize: this.options.maxFileSize,
      scanAll: false,
      probeBinary: false,
      sizes: this.sizes,
      skip: (c: SourceContext, path: string, reason: "binary" | "too-large" | "submodule" | "minified", detail: string) => {
        const key = `${reason}\0${path}`;
        if (seenSkips.has(key)) return;
        seenSkips.add(key);
        c.skip({ path, reason, detail, fatal: false });
      },
    };
    const kind = this.options.kind ?? "history";
    const { cwd, paths = [], maxFileSize } = this.options;
    const merges = new MergeDiffs({
      cwd,
      pathspec: ["--", ...paths.map(historyPathspec)],
      config: [...bigFileConfig(maxFileSize), ...PACK_LIMITS],
      env: BUFFERED,
      flags: DIFF_FLAGS.filter((f) => f !== "-M"),
      blobs: this.blobs,
    });
    const onMerge = list ? () => {} : (commit: CommitInfo, parents: string[]) => merges.add(commit, parents);
    const self = this;
    // Each walk, then (once every walk has ended) the end of the merges: diff-tree then finishes.
    // With a merge list, the list's end is the end of the merges.
    let walking = workers.length;
    if (walking === 0 && !list) merges.end(); // nothing to walk (every commit cached): no merge will come
    const walk = async function* (w: RelayedGit): AsyncGenerator<Fragment> {
      try {
        yield* self.worker(w.stdout, ctx, deps, kind, onMerge);
      } finally {
        if (--walking === 0 && !list) merges.end();
      }
    };
    // Its failure is the scan's: awaited once the merges' fragments are done (it has ended them).
    const listed = list ? this.readMergeList(list, merges) : undefined;
    listed?.catch(() => {}); // observed below; an early failure must not be an unhandled rejection
    const mergeFragments = async function* (): AsyncGenerator<Fragment> {
      let finished = false;
      try {
        for await (const { file, commit } of merges.files()) {
          const fragment = await diffFragment(file, kind, ctx, deps, undefined, commit);
          if (fragment && file.inherited) fragment.inheritedLines = file.inherited;
          if (fragment) yield fragment;
        }
        await listed;
        finished = true;
      } finally {
        if (!finished) {
          merges.kill();
          list?.child.kill();
        }
      }
    };
    try {
      yield* merge([...workers.map(walk), mergeFragments()]);
    } finally {
      merges.close();
    }
    for (const w of workers) await checkGit(w, "git log");
  }

  /** Hands the merge list's merges to the merge pass, at most MERGES_AHEAD ahead of its answers; then ends it. */
  private async readMergeList(list: GitStream, merges: MergeDiffs): Promise<void> {
    try {
      for await (const lines of readLineBatches(list.child.stdout)) {
        for (const line of lines) {
          if (!line.startsWith(COMMIT_MARK)) continue;
          const { commit, time, parents } = commitHeader(line.slice(COMMIT_MARK.length));
          this.commitTime.set(commit, time);
          this.mergeCommits.add(commit);
          merges.add(commit, parents);
        }
        await merges.room(MERGES_AHEAD);
      }
      await checkGit(list, "git log --merges");
    } finally {
      merges.end();
    }
  }

  private async *worker(
    stdout: AsyncIterable<Buffer>,
    ctx: SourceContext,
    deps: Parameters<typeof diffFragment>[3],
    kind: "history" | "pre-push",
    onMerge: (commit: CommitInfo, parents: string[]) => void,
  ): AsyncGenerator<Fragment> {
    let commit: CommitInfo | undefined;
    let bytes = 0;
    /** Parsed file versions, each with its commit, scanned once per chunk read. */
    const files: { file: DiffFile; commit: CommitInfo | undefined }[] = [];
    const parser = new DiffParser((file) => files.push({ file, commit }));
    const finishCommit = () => {
      if (!commit) return;
      this.stats.scanned++;
      this.options.onCommit?.(bytes);
    };
    // Lines are handed to the parser as byte ranges of the chunk (DiffParser.bytes): only commit
    // headers, file headers and added lines are ever decoded.
    const line = (buf: Buffer, start: number, end: number) => {
      bytes += end - start + 1;
      if (buf[start] === 0 && !parser.inHunk && buf.toString("latin1", start, start + COMMIT_MARK.length) === COMMIT_MARK) {
        parser.flush();
        finishCommit();
        const header = commitHeader(buf.toString("utf8", start + COMMIT_MARK.length, end));
        commit = header.commit;
        this.commitTime.set(commit, header.time);
        // A merge has no diff here (--diff-merges=off): its own lines come from merge-diff.ts.
        if (header.parents.length > 1) {
          this.mergeCommits.add(commit);
          onMerge(commit, header.parents);
        }
        ctx.countCommit();
        bytes = 0;
        return;
      }
      parser.bytes(buf, start, end);
    };
    const lines = new LineSplitter(line);
    for await (const chunk of stdout) {
      lines.push(chunk);
      if (files.length > 0) yield* this.drain(files, ctx, deps, kind);
    }
    lines.end();
    parser.end();
    yield* this.drain(files, ctx, deps, kind);
    finishCommit();
  }

  private async *drain(
    files: { file: DiffFile; commit: CommitInfo | undefined }[],
    ctx: SourceContext,
    deps: Parameters<typeof diffFragment>[3],
    kind: "history" | "pre-push",
  ): AsyncGenerator<Fragment> {
    for (let i = 0; i < files.length; i++) {
      const { file, commit } = files[i] as { file: DiffFile; commit: CommitInfo | undefined };
      const fragment = await diffFragment(file, kind, ctx, deps, undefined, commit);
      if (fragment) yield fragment;
    }
    files.length = 0;
  }
}

/**
 * Interleaves several async streams, taking from whichever is ready first.
 * Each stream has one item asked for in advance; the items that arrive wait
 * in a queue and one promise wakes the consumer. (Promise.race over the
 * streams' pending promises left a reaction on a stream that stays pending
 * for long, such as the merges' stream during a stretch without merges, per
 * item taken from the others: memory growing with the history.)
 */
async function* merge<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<T> {
  if (streams.length === 1) {
    yield* streams[0] as AsyncGenerator<T>;
    return;
  }
  const ready: { i: number; r: IteratorResult<T> }[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const pull = (i: number) => {
    (streams[i] as AsyncGenerator<T>).next().then(
      (r) => {
        ready.push({ i, r });
        wake?.();
      },
      (error: unknown) => {
        failure ??= { error };
        wake?.();
      },
    );
  };
  streams.forEach((_, i) => {
    pull(i);
  });
  let active = streams.length;
  try {
    while (active > 0) {
      if (failure) throw failure.error;
      const item = ready.shift();
      if (!item) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (item.r.done) {
        active--;
        continue;
      }
      pull(item.i);
      yield item.r.value;
    }
  } finally {
    for (const s of streams) await s.return(undefined);
  }
}
