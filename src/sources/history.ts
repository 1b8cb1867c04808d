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
 * Merge commits are shown as remerge diffs (`--diff-merges=remerge`): the
 * recorded merge against git's own automatic re-merge of the two parents, i.e.
 * exactly what the merge author changed (a conflict resolution, an "evil
 * merge" adding lines neither parent had). Those lines are scanned as the
 * merge commit's, at their line numbers in the merged file; a clean merge shows
 * nothing. A resolution line identical to a line of the conflicted re-merge
 * (one side's text, kept or moved) came from a parent and is scanned there, so
 * it is not scanned again at the merge. git does not remerge octopus merges
 * (it prints a warning instead): for those, the lines new relative to every
 * parent are found with one `git diff-tree` per parent.
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
import { mergeSafetyEnv, runGit } from "../git/run-git.js";
import type { CommitInfo, Fragment } from "../types.js";
import { type DiffFile, DiffParser, readLineBatches, readLines } from "./diff-parser.js";
import type { SourceContext, TextSource } from "./source.js";
import { bigFileConfig, DIFF_FLAGS, diffFragment } from "./staged.js";

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
/** What `git log --diff-merges=remerge` prints (as diff output) instead of a remerge diff for an octopus merge. */
const OCTOPUS_WARNING = /^diff: warning: Skipping remerge-diff for octopus merges/;
const BLOCK = 64;
/**
 * Into a pipe, git log and rev-list flush after every commit unless told not
 * to: rev-list's 30,000 one-line writes took 160 ms to read instead of 35 ms
 * (and git log's output comes in fewer pieces too).
 */
const BUFFERED = { GIT_FLUSH: "0" };

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
      this.blobs.close();
      this.sizes.close();
    }
  }

  private async *run(ctx: SourceContext): AsyncIterable<Fragment> {
    const { cwd, paths = [], jobs } = this.options;
    const pathspec = paths.length ? ["--", ...paths.map(historyPathspec)] : ["--"];
    const n = Math.max(1, Math.min(jobs, 8));
    const logOptions = ["--root", "--no-show-signature", "--diff-merges=remerge", "--no-mailmap", FORMAT, "-p", ...DIFF_FLAGS];
    // Remerging runs merge drivers and (with merge.renormalize) clean filters from config: neutralised.
    // (Looked up before rev-list starts: Node discards the output of a child whose stdout nobody
    // reads by the time it exits, so nothing may be awaited between spawning rev-list and reading it.)
    const env = { ...(await mergeSafetyEnv(cwd)), ...BUFFERED };
    const config = bigFileConfig(this.options.maxFileSize);
    const selection = [...(this.options.limits ?? []), ...this.options.revs, ...pathspec];
    if (n === 1 && !this.options.skipCommit && !this.recordCommits) {
      // One git log that walks the history itself: nothing is split or left out, so no commit list
      // has to be written first, and git starts diffing at once (on a 30,000-commit history the list
      // held git back for a third of a second).
      yield* this.scanWalk(logOptions, selection, config, env, ctx);
      return;
    }
    // Deal the commit list to the workers as rev-list produces it (git log --stdin reads it all first).
    const list = spawnGit(["rev-list", ...selection], cwd, [], BUFFERED);
    const logArgs = ["log", "--stdin", "--no-walk=unsorted", ...logOptions, ...pathspec];
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
  private async *scanWalk(
    logOptions: string[],
    selection: string[],
    config: string[],
    env: NodeJS.ProcessEnv,
    ctx: SourceContext,
  ): AsyncGenerator<Fragment> {
    const { cwd, onTotal } = this.options;
    const git = spawnGitRelayed(["log", ...logOptions, ...selection], cwd, config, env);
    git.endInput();
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
    const streams = workers.map((w) => this.worker(w.stdout, ctx, deps, kind));
    yield* merge(streams);
    for (const w of workers) await checkGit(w, "git log");
  }

  private async *worker(
    stdout: AsyncIterable<Buffer>,
    ctx: SourceContext,
    deps: Parameters<typeof diffFragment>[3],
    kind: "history" | "pre-push",
  ): AsyncGenerator<Fragment> {
    let commit: CommitInfo | undefined;
    let parents: string[] = [];
    let octopus = false;
    let bytes = 0;
    const files: DiffFile[] = [];
    const parser = new DiffParser((f) => files.push(f));
    const finishCommit = async function* (self: HistorySource): AsyncGenerator<Fragment> {
      if (!commit) return;
      if (octopus) yield* self.octopusMerge(commit, parents, ctx, deps, kind);
      self.stats.scanned++;
      self.options.onCommit?.(bytes);
    };
    for await (const batch of readLineBatches(stdout)) {
      for (const line of batch) {
        if (!parser.inHunk && line.startsWith(COMMIT_MARK)) {
          parser.flush();
          yield* this.drain(files, ctx, deps, kind, commit, parents.length > 1);
          yield* finishCommit(this);
          const [sha = "", author = "", email = "", date = "", ct = "0", ps = ""] = line.slice(COMMIT_MARK.length).split("\0");
          commit = { sha, author, email, date };
          parents = ps.split(" ").filter(Boolean);
          octopus = false;
          parser.trackRemoved = parents.length > 1;
          this.commitTime.set(commit, Number(ct));
          ctx.countCommit();
          bytes = 0;
          continue;
        }
        bytes += line.length + 1;
        if (!parser.inHunk && parents.length > 2 && OCTOPUS_WARNING.test(line)) {
          octopus = true;
          continue;
        }
        parser.line(line);
        if (files.length > 0) yield* this.drain(files, ctx, deps, kind, commit, parents.length > 1);
      }
    }
    parser.end();
    yield* this.drain(files, ctx, deps, kind, commit, parents.length > 1);
    yield* finishCommit(this);
  }

  private async *drain(
    files: DiffFile[],
    ctx: SourceContext,
    deps: Parameters<typeof diffFragment>[3],
    kind: "history" | "pre-push",
    commit: CommitInfo | undefined,
    isMerge = false,
  ): AsyncGenerator<Fragment> {
    while (files.length > 0) {
      const file = files.shift() as DiffFile;
      if (isMerge) keepMergeOwnLines(file);
      const fragment = await diffFragment(file, kind, ctx, deps, undefined, commit);
      if (fragment) yield fragment;
    }
  }

  /**
   * An octopus merge (which git does not remerge): the lines of the merge that
   * are new relative to every parent. The diffs against the other parents are
   * reduced to added line numbers; the one against the first parent is streamed.
   */
  private async *octopusMerge(
    commit: CommitInfo,
    parents: string[],
    ctx: SourceContext,
    deps: Parameters<typeof diffFragment>[3],
    kind: "history" | "pre-push",
  ): AsyncGenerator<Fragment> {
    const { cwd, paths = [] } = this.options;
    const pathspec = ["--", ...paths.map((p) => `:(literal)${p}`)];
    const diffArgs = (parent: string) => [
      "diff-tree",
      "-r",
      "-p",
      "--no-commit-id",
      ...DIFF_FLAGS,
      parent,
      commit.sha,
      ...pathspec,
    ];
    const config = bigFileConfig(this.options.maxFileSize);
    /** Per other parent: path → line numbers added relative to it (a path absent: identical to that parent). */
    const others: Map<string, Set<number> | "binary">[] = [];
    for (const parent of parents.slice(1)) {
      const added = new Map<string, Set<number> | "binary">();
      const parser = new DiffParser((f) => {
        if (f.status !== "deleted") added.set(f.path, f.binary ? "binary" : new Set(f.lineNumbers));
      });
      const git = spawnGit(diffArgs(parent), cwd, config);
      for await (const line of readLines(git.child.stdout)) parser.line(line);
      parser.end();
      await checkGit(git, `git diff-tree ${parent} ${commit.sha}`);
      others.push(added);
    }
    const files: DiffFile[] = [];
    const parser = new DiffParser((f) => {
      const sets = others.map((o) => o.get(f.path));
      if (sets.some((a) => a === undefined)) return; // as in some parent: nothing new
      if (!f.binary) {
        const keep = f.lineNumbers.map((n) => sets.every((a) => a === "binary" || a?.has(n)));
        f.added = f.added.filter((_, i) => keep[i]);
        f.lineNumbers = f.lineNumbers.filter((_, i) => keep[i]);
        if (keep.includes(false)) f.wholeFile = false;
      }
      files.push(f);
    });
    const git = spawnGit(diffArgs(parents[0] as string), cwd, config);
    for await (const line of readLines(git.child.stdout)) {
      parser.line(line);
      if (files.length > 0) yield* this.drain(files, ctx, deps, kind, commit);
    }
    parser.end();
    yield* this.drain(files, ctx, deps, kind, commit);
    await checkGit(git, `git diff-tree ${parents[0]} ${commit.sha}`);
  }
}

/**
 * A file of a merge's remerge diff: drops added lines identical to a removed
 * line. Removed lines are the automatic re-merge's text (the parents' lines and
 * conflict markers), so such a line came from a parent (a side kept in a
 * conflict, or moved) and is that parent's finding, not the merge's.
 */
function keepMergeOwnLines(file: DiffFile): void {
  const removed = file.removed;
  if (!removed?.length || file.added.length === 0) return;
  const parentLines = new Set(removed);
  const keep = file.added.map((l) => !parentLines.has(l));
  if (!keep.includes(false)) return;
  file.added = file.added.filter((_, i) => keep[i]);
  file.lineNumbers = file.lineNumbers.filter((_, i) => keep[i]);
  file.wholeFile = false;
}

/** Interleaves several async streams, taking from whichever is ready first. */
async function* merge<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = (i: number) => (streams[i] as AsyncGenerator<T>).next().then((r) => ({ i, r }));
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  streams.forEach((_, i) => {
    pending.set(i, next(i));
  });
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) pending.delete(i);
      else {
        pending.set(i, next(i));
        yield r.value;
      }
    }
  } finally {
    for (const s of streams) await s.return(undefined);
  }
}
