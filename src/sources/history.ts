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
 * merge found in the walk is handed to merge-diff.ts, whose `git diff-tree
 * --stdin -c` finds the lines of the merge that no parent has (a conflict
 * resolution, an "evil merge" line or file). Those are scanned as the merge
 * commit's, at their line numbers in the merged file; a clean merge adds
 * nothing. That git process runs beside git log, on the other core.
 *
 * Files over maxFileSize are reported by git as binary (core.bigFileThreshold)
 * and skipped with one notice per path. Other binary diffs are read and decoded
 * like files given to `gitward scan` (UTF-16 text, key stores), except blobs
 * named like media, archives or compiled code.
 */
import { BlobReader, BlobSizer } from "../git/blob-reader.js";
import { type RelayedGit, spawnGitRelayed } from "../git/git-relay.js";
import { checkGit, spawnGit } from "../git/git-stream.js";
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
 * 32 MB, 2.03 s with 64 MB, 1.96 s with the default 96 MB); at 64 MB the full
 * history's `git log -p` peaks at 144 MB (184 MB with 96 MB).
 */
const PACK_LIMITS = ["-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=64m", "-c", "core.deltaBaseCacheLimit=64m"];
/**
 * Into a pipe, git log and rev-list flush after every commit unless told not
 * to: rev-list's 30,000 one-line writes took 160 ms to read instead of 35 ms
 * (and git log's output comes in fewer pieces too).
 */
const BUFFERED = { GIT_FLUSH: "0" };

/** The single `git log` walk of a scan with one process and no cache: its arguments, config and environment. */
function walkCommand(o: Pick<HistorySourceOptions, "revs" | "limits" | "paths" | "maxFileSize">): {
  args: string[];
  config: string[];
} {
  const paths = o.paths ?? [];
  const pathspec = paths.length ? ["--", ...paths.map(historyPathspec)] : ["--"];
  return {
    args: ["log", ...logOptions(), ...(o.limits ?? []), ...o.revs, ...pathspec],
    config: [...bigFileConfig(o.maxFileSize), ...PACK_LIMITS],
  };
}

function logOptions(): string[] {
  return ["--root", "--no-show-signature", "--diff-merges=off", "--no-mailmap", FORMAT, "-p", ...DIFF_FLAGS];
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
  return { key: JSON.stringify([cwd, args, config]), git };
}

export class HistorySource implements TextSource {
  readonly description = "commits";
  readonly stats: HistoryStats = { listed: 0, skippedCached: 0, scanned: 0, commits: [] };
  /** Committer time of each commit seen, for "which commit introduced it" (weak: freed with the findings). */
  readonly commitTime = new WeakMap<CommitInfo, number>();
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
      this.options.early?.git.kill(); // (not used, or ended: a no-op)
      this.blobs.close();
      this.sizes.close();
    }
  }

  private async *run(ctx: SourceContext): AsyncIterable<Fragment> {
    const { cwd, paths = [], jobs } = this.options;
    const pathspec = paths.length ? ["--", ...paths.map(historyPathspec)] : ["--"];
    const n = Math.max(1, Math.min(jobs, 8));
    const env = BUFFERED;
    const config = [...bigFileConfig(this.options.maxFileSize), ...PACK_LIMITS];
    const selection = [...(this.options.limits ?? []), ...this.options.revs, ...pathspec];
    if (n === 1 && !this.options.skipCommit && !this.recordCommits) {
      // One git log that walks the history itself: nothing is split or left out, so no commit list
      // has to be written first, and git starts diffing at once (on a 30,000-commit history the list
      // held git back for a third of a second).
      yield* this.scanWalk(selection, ctx);
      return;
    }
    this.options.early?.git.kill();
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
    let git: RelayedGit;
    if (early && early.key === JSON.stringify([cwd, args, config])) git = early.git;
    else {
      early?.git.kill();
      git = spawnGitRelayed(args, cwd, config, BUFFERED);
      git.endInput();
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
      yield* this.scanLogs([git], ctx);
      await counted;
      if (totalFailed) throw totalFailed.error;
      finished = true;
    } finally {
      this.stats.listed = this.stats.scanned;
      if (!finished) git.kill();
    }
  }

  private async *scanLogs(workers: RelayedGit[], ctx: SourceContext): AsyncGenerator<Fragment> {
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
    /** Merges handed to git diff-tree and not yet answered: sha → the commit as git log gave it. */
    const pendingMerges = new Map<string, CommitInfo>();
    const onMerge = (commit: CommitInfo, parents: string[]) => {
      pendingMerges.set(commit.sha, commit);
      merges.add(commit.sha, parents);
    };
    const self = this;
    // Each walk, then (once every walk has ended) the end of the merge list: diff-tree then finishes.
    let walking = workers.length;
    if (walking === 0) merges.end(); // nothing to walk (every commit cached): no merge will come
    const walk = async function* (w: RelayedGit): AsyncGenerator<Fragment> {
      try {
        yield* self.worker(w.stdout, ctx, deps, kind, onMerge);
      } finally {
        if (--walking === 0) merges.end();
      }
    };
    const mergeFragments = async function* (): AsyncGenerator<Fragment> {
      let finished = false;
      try {
        for await (const file of merges.files()) {
          const commit = pendingMerges.get(file.commit);
          // diff-tree answers in the order it was asked: the merges before this one are done.
          for (const sha of pendingMerges.keys()) {
            if (sha === file.commit) break;
            pendingMerges.delete(sha);
          }
          const fragment = await diffFragment(file, kind, ctx, deps, undefined, commit);
          if (fragment) yield fragment;
        }
        finished = true;
      } finally {
        if (!finished) merges.kill();
      }
    };
    yield* merge([...workers.map(walk), mergeFragments()]);
    for (const w of workers) await checkGit(w, "git log");
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
        const [sha = "", author = "", email = "", date = "", ct = "0", ps = ""] = buf
          .toString("utf8", start + COMMIT_MARK.length, end)
          .split("\0");
        commit = { sha, author, email, date };
        this.commitTime.set(commit, Number(ct));
        // A merge has no diff here (--diff-merges=off): its own lines come from merge-diff.ts.
        if (ps.includes(" ")) onMerge(commit, ps.split(" "));
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
