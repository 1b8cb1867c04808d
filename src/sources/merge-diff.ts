/**
 * Merge commits in a history scan: the lines of a merge that none of its
 * parents has.
 *
 * A merge's content is its parents' content except where the merge author
 * wrote something (a conflict resolution, an "evil merge" line or file). So
 * the history's ordinary commits come from `git log -p` without merge diffs,
 * and the merges go to one `git diff-tree --stdin -c -U0` beside it, which
 * git answers at the tree level first: only paths whose blob differs from
 * every parent are diffed at all (a clean merge of separate files costs a tree
 * comparison and prints nothing), and of those, a line is the merge's own only
 * when it is added relative to every parent (`++` in the combined diff's
 * columns) and no parent's version of the file has it anywhere (a side's line
 * kept in a conflict and moved is that side's; see CombinedDiffParser.flush).
 * (--cc would print less, but it leaves out the hunks where the merge took
 * one side, and with them the lines that tell a moved line from a new one.) For a path absent from a
 * parent, the lines may have come through a rename on that parent's side: the
 * renamed file counts as that parent's version. Asking git for a merge's
 * renames is costly (inexact rename detection: 6 s of CPU for the 703 merges
 * of git/git that need it), and only a finding needs the answer, so the file
 * is scanned with those lines and carries the question (MergeFile.inherited):
 * the pipeline asks it only for a file with findings, and drops a finding
 * whose lines the renamed file has.
 *
 * Nothing here merges (no merge drivers, filters or temporary objects), and
 * git holds one merge's trees at a time. Octopus merges are combined diffs
 * like any other.
 */

import { GitwardError } from "../errors.js";
import type { BlobReader } from "../git/blob-reader.js";
import { checkGit, type GitStream, spawnGit } from "../git/git-stream.js";
import type { CommitInfo } from "../types.js";
import { decodeText } from "./decode-text.js";
import { type DiffFile, LineSplitter, unquoteCPath } from "./diff-parser.js";

/** A file of a merge's combined diff: the lines no parent has (DiffFile shape, for diffFragment). */
export interface MergeFile extends DiffFile {
  /** The merge commit. */
  commit: string;
  /** Blob of the path in each parent (all zeros: the path is absent from that parent). */
  parentBlobs: string[];
  /**
   * For a path some parent lacks: the lines of the files those parents renamed
   * to it (asked of git on the first call). Lines there are the parents', not
   * the merge's.
   */
  inherited?: () => Promise<ReadonlySet<string>>;
}

const ZERO = /^0+$/;
/** Merge ids written to git at once (about 60), or after INPUT_DELAY_MS (see MergeDiffs.add). */
const INPUT_BATCH = 2048;
const INPUT_DELAY_MS = 20;
const COMMIT_LINE = /^([0-9a-f]{40}|[0-9a-f]{64})(?: |$)/;
const HUNK = /^(@@@+) (.*?) @@@+/;

/**
 * Parses `git diff-tree --stdin -c -U0 --full-index` output line by line
 * (commit id lines, then `diff --combined` file sections); `onFile` gets each file
 * with only the lines added relative to every parent.
 */
export class CombinedDiffParser {
  private commit = "";
  private file: MergeFile | undefined;
  /** Lines some parent has and the merge lacks at that place (see flush). */
  private removed = new Set<string>();
  private columns = 0;
  private oldLeft: number[] = [];
  private newLeft = 0;
  private nextNew = 0;
  /**
   * Lines read as bytes (see bytes()): the current file's lines added relative to every parent and
   * its removed lines, each joined with "\n", decoded only when the file has added lines.
   */
  private readonly addedBytes = new ByteLines();
  private readonly removedBytes = new ByteLines();

  /** `onCommit` is told each commit id line, after the previous commit's last file has gone to `onFile`. */
  constructor(
    private readonly onFile: (file: MergeFile) => void,
    private readonly onCommit?: (sha: string) => void,
  ) {}

  /**
   * One line as bytes (`buf[start..end)`, without its "\n"): what `line()`
   * does, without decoding hunk lines. Most files of a merge's combined diff
   * have no line added relative to every parent (the merge took each line
   * from a side), so their removed lines never need to become text.
   */
  bytes(buf: Buffer, start: number, end: number): void {
    if (this.file && this.inHunk) {
      const n = this.columns;
      let minus = false;
      let plusAll = true;
      let valid = end - start >= n;
      for (let k = 0; k < n && valid; k++) {
        const c = buf[start + k];
        if (c === 45 /* - */) minus = true;
        else if (c === 32 /* space */) plusAll = false;
        else if (c === 92 /* \ */ && k === 0)
          return; // "\ No newline at end of file"
        else if (c !== 43 /* + */) valid = false;
      }
      if (valid) {
        if (minus) {
          for (let k = 0; k < n; k++) if (buf[start + k] === 45) this.oldLeft[k] = (this.oldLeft[k] ?? 0) - 1;
          this.removedBytes.add(buf, start + n, end);
          return;
        }
        for (let k = 0; k < n; k++) if (buf[start + k] === 32) this.oldLeft[k] = (this.oldLeft[k] ?? 0) - 1;
        this.newLeft--;
        if (plusAll) {
          this.addedBytes.add(buf, start + n, end);
          this.file.lineNumbers.push(this.nextNew);
        }
        this.nextNew++;
        return;
      }
    }
    this.line(buf.toString("utf8", start, end));
  }

  get inHunk(): boolean {
    return this.newLeft > 0 || this.oldLeft.some((n) => n > 0);
  }

  line(line: string): void {
    if (this.inHunk && this.file && this.content(line)) return;
    this.header(line);
  }

  /** A line inside a hunk: false when it is not one (malformed input), so it is read as a header. */
  private content(line: string): boolean {
    const n = this.columns;
    const f = this.file as MergeFile;
    let minus = false;
    let plusAll = true;
    for (let k = 0; k < n; k++) {
      const c = line.charCodeAt(k);
      if (c === 45 /* - */) minus = true;
      else if (c === 43 /* + */) continue;
      else if (c === 32 /* space */) plusAll = false;
      else if (c === 92 /* \ */ && k === 0)
        return true; // "\ No newline at end of file"
      else {
        this.newLeft = 0;
        this.oldLeft = [];
        return false;
      }
    }
    if (minus) {
      for (let k = 0; k < n; k++) if (line.charCodeAt(k) === 45) this.oldLeft[k] = (this.oldLeft[k] ?? 0) - 1;
      this.removed.add(line.slice(n));
      return true;
    }
    for (let k = 0; k < n; k++) if (line.charCodeAt(k) === 32) this.oldLeft[k] = (this.oldLeft[k] ?? 0) - 1;
    this.newLeft--;
    if (plusAll) {
      f.added.push(line.slice(n));
      f.lineNumbers.push(this.nextNew);
    }
    this.nextNew++;
    return true;
  }

  private header(line: string): void {
    const commit = COMMIT_LINE.exec(line);
    if (commit) {
      this.flush();
      this.commit = commit[1] as string;
      this.onCommit?.(this.commit);
      return;
    }
    if (line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
      this.flush();
      const name = line.slice(line.indexOf(" ", 5) + 1);
      this.file = {
        commit: this.commit,
        path: unquoteCPath(name),
        status: "modified",
        parentBlobs: [],
        binary: false,
        added: [],
        lineNumbers: [],
        wholeFile: false,
        noNewlineAtEnd: false,
      };
      this.removed = new Set();
      return;
    }
    const f = this.file;
    if (!f) return;
    const hunk = line.charCodeAt(0) === 64 /* @ */ ? HUNK.exec(line) : null;
    if (hunk) {
      const ranges = (hunk[2] as string).split(" ");
      this.columns = (hunk[1] as string).length - 1;
      this.oldLeft = ranges.slice(0, this.columns).map((r) => rangeCount(r));
      const target = ranges[this.columns] ?? "+0,0";
      this.newLeft = rangeCount(target);
      this.nextNew = Number.parseInt(target.slice(1), 10);
      return;
    }
    if (line.startsWith("index ")) {
      const m = /^index ([0-9a-f,]+)\.\.([0-9a-f]+)/.exec(line);
      if (m) {
        f.parentBlobs = (m[1] as string).split(",");
        f.newBlob = m[2] as string;
        if (f.parentBlobs.every((b) => ZERO.test(b))) f.status = "added";
      }
    } else if (line.startsWith("+++ ")) {
      const name = line.slice(4).replace(/\t$/, "");
      if (name === "/dev/null") f.status = "deleted";
      else {
        const p = unquoteCPath(name);
        f.path = p.startsWith("b/") ? p.slice(2) : p;
      }
    } else if (line.startsWith("new file mode ")) {
      f.newMode = line.slice(14);
      f.status = "added";
    } else if (line.startsWith("deleted file mode ")) f.status = "deleted";
    else if (line.startsWith("mode ")) f.newMode = line.slice(line.indexOf("..") + 2);
    else if (line.startsWith("Binary files ")) f.binary = true;
  }

  /**
   * Finishes the file being parsed. An added line equal to a removed one is a
   * parent's line that the merge has elsewhere (a side kept in a conflict and
   * moved): in a -c combined diff, every line of a parent is either matched
   * (not "+" in its column) or shown as removed, so what is left of the added
   * lines is what no parent has anywhere in its version of the file.
   */
  flush(): void {
    const f = this.file;
    this.file = undefined;
    this.newLeft = 0;
    this.oldLeft = [];
    const removed = this.removed;
    this.removed = new Set();
    if (f && this.addedBytes.count > 0) {
      f.added.push(...this.addedBytes.text().split("\n"));
      if (this.removedBytes.count > 0) for (const l of this.removedBytes.text().split("\n")) removed.add(l);
    }
    this.addedBytes.clear();
    this.removedBytes.clear();
    if (!f || f.status === "deleted") return;
    if (removed.size > 0 && f.added.length > 0) dropLines(f, removed);
    f.newMode ??= "100644";
    this.onFile(f);
  }

  end(): void {
    this.flush();
  }
}

/** Lines kept as bytes, joined with "\n" (a buffer reused from file to file). */
class ByteLines {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private length = 0;
  count = 0;

  add(from: Buffer, start: number, end: number): void {
    const need = this.length + end - start + 1;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    if (this.count > 0) this.buf[this.length++] = 10;
    this.length += from.copy(this.buf, this.length, start, end);
    this.count++;
  }

  text(): string {
    return this.buf.toString("utf8", 0, this.length);
  }

  clear(): void {
    this.length = 0;
    this.count = 0;
    if (this.buf.length > 8 * 1024 * 1024) this.buf = Buffer.allocUnsafe(16 * 1024);
  }
}

/** The line count of a hunk range ("-12,3", "+4", "-0,0"). */
function rangeCount(range: string): number {
  const comma = range.indexOf(",");
  return comma === -1 ? 1 : Number.parseInt(range.slice(comma + 1), 10) || 0;
}

function dropLines(f: DiffFile, lines: Set<string>): void {
  const keep = f.added.map((l) => !lines.has(l));
  if (!keep.includes(false)) return;
  f.added = f.added.filter((_, i) => keep[i]);
  f.lineNumbers = f.lineNumbers.filter((_, i) => keep[i]);
}

export interface MergeDiffOptions {
  cwd: string;
  /** Pathspec after "--" (as for git log). */
  pathspec: string[];
  /** Extra `-c` config and environment for git (big-file threshold, pack limits, buffered output). */
  config: string[];
  env: NodeJS.ProcessEnv;
  flags: string[];
  blobs: BlobReader;
}

/** A merge file with lines of its own, and its merge commit as the walk or the merge list gave it. */
export interface MergeFileOf {
  file: MergeFile;
  commit: CommitInfo | undefined;
}

/**
 * One `git diff-tree --stdin --always -c` fed merge commits (as a history
 * walk finds them, or from a list of the selection's merges made beside it),
 * its output parsed as it comes (it runs on a core of its own beside git log).
 * Started on the first merge: a history without merges costs nothing here.
 */
export class MergeDiffs {
  private git: GitStream | undefined;
  private ended = false;
  private wake: (() => void) | undefined;
  /** Renames per merge and parent (dst path → src blob), asked only for paths absent from a parent. */
  private renames = new Map<string, Promise<Map<string, string>>>();
  private renameLookup: RenameLookup | undefined;
  private lookups = 0;
  /** The merges queued and not yet answered, in the order git was asked, with their parents (from the header: no lookup needed). */
  private readonly queued = new Map<string, { commit: CommitInfo; parents: string[] }>();
  /** Merge ids not yet written to git (see add). */
  private input = "";
  private inputTimer: ReturnType<typeof setTimeout> | undefined;
  /** Waiting in room() for git to answer merges. */
  private roomWaiter: { below: number; resolve: () => void } | undefined;

  constructor(private readonly options: MergeDiffOptions) {}

  /** Queues a merge commit. */
  add(commit: CommitInfo, parents: string[]): void {
    if (this.ended) return;
    this.queued.set(commit.sha, { commit, parents });
    if (!this.git) {
      const { cwd, config, env, flags, pathspec } = this.options;
      // --always: every merge's id comes back, with or without files, so each is forgotten as soon
      // as git has answered it (see room).
      this.git = spawnGit(["diff-tree", "--stdin", "--always", "-c", ...flags, ...pathspec], cwd, config, env);
      this.wake?.();
    }
    // Written in batches: a write wakes git, and on a busy machine the scanner's thread then gives up
    // its core (a write per merge, or per turn of the event loop: 17-70 ms of express's 536 merges).
    this.input += `${commit.sha}\n`;
    if (this.input.length >= INPUT_BATCH) this.flushInput();
    else if (!this.inputTimer) this.inputTimer = setTimeout(() => this.flushInput(), INPUT_DELAY_MS);
  }

  /**
   * Resolves once fewer than `below` merges wait for git's answer, or the pass
   * has ended: a list of merges read ahead of git stays bounded.
   */
  room(below: number): Promise<void> {
    if (this.queued.size < below || this.ended) return Promise.resolve();
    // Whatever is still unwritten must reach git, or it would never answer.
    this.flushInput();
    return new Promise((resolve) => {
      this.roomWaiter = { below, resolve };
    });
  }

  private flushInput(): void {
    if (this.inputTimer) clearTimeout(this.inputTimer);
    this.inputTimer = undefined;
    if (this.input.length === 0 || !this.git) return;
    this.git.child.stdin.write(this.input);
    this.input = "";
  }

  /** No more merges: git finishes the ones queued. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.flushInput();
    this.git?.child.stdin.end();
    this.wake?.();
    this.releaseRoom();
  }

  kill(): void {
    this.ended = true;
    if (this.inputTimer) clearTimeout(this.inputTimer);
    this.git?.child.kill();
    this.wake?.();
    this.releaseRoom();
  }

  /**
   * Ends the rename lookups: after the last file's findings (a file's
   * `inherited` may be asked after diff-tree has ended).
   */
  close(): void {
    this.renameLookup?.close();
    this.renameLookup = undefined;
  }

  private releaseRoom(): void {
    const waiter = this.roomWaiter;
    if (waiter && (this.ended || this.queued.size < waiter.below)) {
      this.roomWaiter = undefined;
      waiter.resolve();
    }
  }

  /** Each merge file with lines of its own, as the combined diff is read (rename check applied). */
  async *files(): AsyncGenerator<MergeFileOf> {
    while (!this.git && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    const git = this.git;
    if (!git) return;
    let finished = false;
    try {
      // Files and commit ids in output order: a merge is forgotten at the next id, after its files.
      const out: (MergeFile | string)[] = [];
      const parser = new CombinedDiffParser(
        (f) => out.push(f),
        (sha) => out.push(sha),
      );
      const lines = new LineSplitter((buf, start, end) => parser.bytes(buf, start, end));
      const take = async function* (self: MergeDiffs): AsyncGenerator<MergeFileOf> {
        while (out.length > 0) {
          const item = out.shift() as MergeFile | string;
          if (typeof item === "string") {
            self.forgetBefore(item);
            continue;
          }
          if (self.ownLines(item)) yield { file: item, commit: self.queued.get(item.commit)?.commit };
        }
      };
      for await (const chunk of git.child.stdout as AsyncIterable<Buffer>) {
        lines.push(chunk);
        yield* take(this);
      }
      lines.end();
      parser.end();
      yield* take(this);
      await checkGit(git, "git diff-tree --stdin -c (merge commits)");
      finished = true;
    } finally {
      if (!finished) git.child.kill();
      this.queued.clear();
      this.releaseRoom();
    }
  }

  /** diff-tree answers in the order it was asked: the merges queued before this one are done. */
  private forgetBefore(sha: string): void {
    for (const queued of this.queued.keys()) {
      if (queued === sha) break;
      this.queued.delete(queued);
    }
    this.releaseRoom();
  }

  /**
   * False when nothing of the file is the merge's own. For a path a parent
   * does not have, that parent's version may be a file it renamed (a side
   * renamed it, the other side edited it): the file gets `inherited`, which
   * finds it when asked (see the module comment).
   */
  private ownLines(f: MergeFile): boolean {
    if (f.binary) return true;
    if (f.added.length === 0) return false;
    const parents = this.queued.get(f.commit)?.parents ?? [];
    const lacking = parents.filter((_, i) => ZERO.test(f.parentBlobs[i] ?? ""));
    if (lacking.length > 0) {
      let lines: Promise<ReadonlySet<string>> | undefined;
      f.inherited = () => {
        lines ??= this.renamedLines(f.commit, f.path, lacking);
        return lines;
      };
    }
    return true;
  }

  /** The lines of the files that `parents` renamed to `path` in `commit`. */
  private async renamedLines(commit: string, path: string, parents: string[]): Promise<ReadonlySet<string>> {
    const lines = new Set<string>();
    for (const parent of parents) {
      const source = (await this.renamesOf(commit, parent)).get(path);
      const bytes = source ? await this.options.blobs.read(source) : undefined;
      const decoded = bytes ? decodeText(bytes) : undefined;
      if (decoded?.kind === "text") for (const l of decoded.text.split("\n")) lines.add(l);
    }
    return lines;
  }

  /** Rename lookups made so far (each a question to git: see inherited). */
  get renameLookups(): number {
    return this.lookups;
  }

  private renamesOf(commit: string, parent: string): Promise<Map<string, string>> {
    const key = `${commit} ${parent}`;
    let found = this.renames.get(key);
    if (!found) {
      this.renameLookup ??= new RenameLookup(this.options.cwd, this.options.config);
      this.lookups++;
      found = this.renameLookup.renames(commit, parent);
      // One merge's renames serve its own files only: the map stays small.
      if (this.renames.size > 16) this.renames.clear();
      this.renames.set(key, found);
    }
    return found;
  }
}

/**
 * The renames between a parent and a merge (new path → the parent's blob), from
 * one long-lived `git diff-tree --stdin -M`: a process per question cost 15 ms
 * of the main thread's time each (fork of a large process) on a loaded machine.
 * Each question is `<merge> <parent>` (the merge diffed against that parent
 * alone), followed by `<merge> <merge>`, whose empty answer marks the end of the
 * first: with --always each prints its commit id, so an answer is the entries
 * between two ids.
 */
class RenameLookup {
  private readonly git: GitStream;
  private readonly queue: { resolve: (m: Map<string, string>) => void; reject: (e: Error) => void }[] = [];
  private tokens: string[] = [];
  private rest = "";
  private failed: Error | undefined;

  constructor(cwd: string, config: string[]) {
    this.git = spawnGit(
      ["diff-tree", "--stdin", "-z", "-r", "-M", "--raw", "--no-abbrev", "--diff-filter=R", "--always"],
      cwd,
      config,
    );
    this.git.child.stdout.setEncoding("utf8");
    this.git.child.stdout.on("data", (text: string) => this.read(text));
    this.git.done.then(
      ({ code, stderr }) =>
        this.fail(new GitwardError(`git diff-tree -M (renames of merges) exited (${code}): ${stderr.trim()}`, "git")),
      (e: Error) => this.fail(e),
    );
  }

  renames(commit: string, parent: string): Promise<Map<string, string>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.git.child.stdin.write(`${commit} ${parent}\n${commit} ${commit}\n`);
    });
  }

  private read(text: string): void {
    const parts = (this.rest + text).split("\0");
    this.rest = parts.pop() ?? "";
    for (const t of parts) {
      this.tokens.push(t);
      // An answer: id, entries (3 tokens each: ":meta", old path, new path), then the sentinel's id.
      if (this.tokens.length >= 2 && (this.tokens.length - 2) % 3 === 0 && COMMIT_LINE.test(t) && !t.startsWith(":")) {
        const map = new Map<string, string>();
        for (let i = 1; i + 2 < this.tokens.length; i += 3) {
          const srcBlob = (this.tokens[i] as string).split(" ")[2];
          if (srcBlob) map.set(this.tokens[i + 2] as string, srcBlob);
        }
        this.tokens = [];
        this.queue.shift()?.resolve(map);
      }
    }
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  close(): void {
    this.failed ??= new GitwardError("rename lookup closed", "internal");
    this.git.child.stdin.end();
  }
}
