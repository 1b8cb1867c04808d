/**
 * Blobs by id through long-lived `git cat-file` processes, each started on
 * first use (most staged scans never need a whole file): BlobReader reads a
 * blob's bytes (`--batch`), BlobSizer asks only its size (`--batch-check`,
 * so that history can decide "too large" before reading a blob). Both are a
 * CatFile: requests written to git's stdin one per line, answers read back in
 * the same order, so they are queued.
 */
import { GitwardError } from "../errors.js";
import { type GitStream, spawnGit } from "./git-stream.js";

/**
 * One answer taken from the front of git's output: the value and the bytes it
 * used, or `need`: the output holds no whole answer yet, and at least that many
 * bytes (counted from the front) are needed for one.
 */
type Taken<T> = { value: T; used: number } | { need: number };

class CatFile<T> {
  private stream: GitStream | undefined;
  private readonly queue: { resolve: (value: T) => void; reject: (e: Error) => void }[] = [];
  /** Output not yet taken, in the chunks it came in: joined only once an answer is complete (a large blob arrives in many). */
  private chunks: Buffer[] = [];
  private length = 0;
  private need = 1;
  private failed: Error | undefined;

  constructor(
    private readonly cwd: string,
    private readonly mode: "--batch" | "--batch-check",
    private readonly take: (out: Buffer) => Taken<T>,
    private readonly invalid: T,
  ) {}

  /** The answer for `oid`; `invalid` for a string that is no object id. */
  ask(oid: string): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.resolve(this.invalid);
    const s = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      s.child.stdin.write(`${oid}\n`);
    });
  }

  private start(): GitStream {
    if (this.stream) return this.stream;
    const s = spawnGit(["cat-file", this.mode], this.cwd);
    this.stream = s;
    s.child.stdout.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      if (this.length >= this.need) this.drain();
    });
    s.done.then(
      ({ code, stderr }) => this.fail(new GitwardError(`git cat-file ${this.mode} exited (${code}): ${stderr.trim()}`, "git")),
      (e: Error) => this.fail(e),
    );
    return s;
  }

  private drain(): void {
    let out = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
    try {
      while (this.queue.length > 0 && out.length > 0) {
        const taken = this.take(out);
        if ("need" in taken) {
          this.need = taken.need;
          break;
        }
        out = out.subarray(taken.used);
        this.need = 1;
        this.queue.shift()?.resolve(taken.value);
      }
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.chunks = out.length > 0 ? [out] : [];
    this.length = out.length;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  /** Ends the git process (idempotent). */
  close(): void {
    const s = this.stream;
    if (!s) return;
    this.failed ??= new GitwardError(`git cat-file ${this.mode} closed`, "internal");
    s.child.stdin.end();
  }
}

/** git cat-file's header line `<oid> <type> <size>` (or `<oid> missing`/`ambiguous`): its size, or undefined. */
function headerSize(out: Buffer, nl: number): number | undefined {
  const header = out.toString("utf8", 0, nl);
  if (header.endsWith(" missing") || header.endsWith(" ambiguous")) return undefined;
  const size = Number(header.split(" ")[2]);
  if (!Number.isInteger(size) || size < 0) throw new GitwardError(`git cat-file: unexpected output "${header}"`, "git");
  return size;
}

export class BlobReader {
  private readonly catFile: CatFile<Buffer | undefined>;

  constructor(cwd: string) {
    this.catFile = new CatFile(cwd, "--batch", takeBlob, undefined);
  }

  /** The blob's bytes, or undefined when the object is missing. */
  read(oid: string): Promise<Buffer | undefined> {
    return this.catFile.ask(oid);
  }

  /** Ends the git process (idempotent). */
  close(): void {
    this.catFile.close();
  }
}

/** `--batch`: a header line, then (unless missing) the blob and a newline. */
function takeBlob(out: Buffer): Taken<Buffer | undefined> {
  const nl = out.indexOf(10);
  if (nl === -1) return { need: out.length + 1 };
  const size = headerSize(out, nl);
  if (size === undefined) return { value: undefined, used: nl + 1 };
  const end = nl + 1 + size + 1;
  if (out.length < end) return { need: end };
  // A copy: the answer outlives the output buffer it came in.
  return { value: Buffer.from(out.subarray(nl + 1, nl + 1 + size)), used: end };
}

export class BlobSizer {
  private readonly catFile: CatFile<number | undefined>;

  constructor(cwd: string) {
    this.catFile = new CatFile(cwd, "--batch-check", takeSize, undefined);
  }

  /** The blob's size in bytes, or undefined when the object is missing. */
  size(oid: string): Promise<number | undefined> {
    return this.catFile.ask(oid);
  }

  /** Ends the git process (idempotent). */
  close(): void {
    this.catFile.close();
  }
}

/** `--batch-check`: a header line only. */
function takeSize(out: Buffer): Taken<number | undefined> {
  const nl = out.indexOf(10);
  if (nl === -1) return { need: out.length + 1 };
  return { value: headerSize(out, nl), used: nl + 1 };
}
