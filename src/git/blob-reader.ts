/**
 * Reads blobs by id through one long-lived `git cat-file --batch` process,
 * started on first use. Requests are answered in order, so they are queued.
 * Used lazily: most staged scans never need a whole file.
 */
import { GitwardError } from "../errors.js";
import { type GitStream, spawnGit } from "./git-stream.js";

interface Pending {
  resolve: (blob: Buffer | undefined) => void;
  reject: (e: Error) => void;
}

export class BlobReader {
  private stream: GitStream | undefined;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private failed: Error | undefined;

  constructor(private readonly cwd: string) {}

  /** The blob's bytes, or undefined when the object is missing. */
  read(oid: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.resolve(undefined);
    const s = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      s.child.stdin.write(`${oid}\n`);
    });
  }

  private start(): GitStream {
    if (this.stream) return this.stream;
    const s = spawnGit(["cat-file", "--batch"], this.cwd);
    this.stream = s;
    s.child.stdout.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.drain();
    });
    s.done.then(
      ({ code, stderr }) => this.fail(new GitwardError(`git cat-file --batch exited (${code}): ${stderr.trim()}`, "git")),
      (e: Error) => this.fail(e),
    );
    return s;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const nl = this.buf.indexOf(10);
      if (nl === -1) return;
      const header = this.buf.toString("utf8", 0, nl);
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift()?.resolve(undefined);
        continue;
      }
      const size = Number(header.split(" ")[2]);
      if (!Number.isFinite(size)) {
        this.fail(new GitwardError(`git cat-file --batch: unexpected output "${header}"`, "git"));
        return;
      }
      if (this.buf.length < nl + 1 + size + 1) return;
      const blob = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift()?.resolve(blob);
    }
  }

  private fail(e: Error): void {
    if (this.queue.length === 0 && !this.failed) {
      this.failed = e;
      return;
    }
    this.failed = e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  /** Ends the git process (idempotent). */
  close(): void {
    const s = this.stream;
    if (!s) return;
    this.failed ??= new GitwardError("blob reader closed", "internal");
    s.child.stdin.end();
  }
}

/**
 * Blob sizes through one long-lived `git cat-file --batch-check`, started on
 * first use: lets history decide "too large" before reading a blob (git shows
 * a file over core.bigFileThreshold as binary, and a history may hold many).
 */
export class BlobSizer {
  private stream: GitStream | undefined;
  private readonly queue: { resolve: (size: number | undefined) => void; reject: (e: Error) => void }[] = [];
  private pending = "";
  private failed: Error | undefined;

  constructor(private readonly cwd: string) {}

  /** The blob's size in bytes, or undefined when the object is missing. */
  size(oid: string): Promise<number | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.resolve(undefined);
    const s = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      s.child.stdin.write(`${oid}\n`);
    });
  }

  private start(): GitStream {
    if (this.stream) return this.stream;
    const s = spawnGit(["cat-file", "--batch-check"], this.cwd);
    this.stream = s;
    s.child.stdout.on("data", (chunk: Buffer) => {
      this.pending += chunk.toString("utf8");
      for (let nl = this.pending.indexOf("\n"); nl !== -1; nl = this.pending.indexOf("\n")) {
        const header = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        const size = Number(header.split(" ")[2]);
        this.queue.shift()?.resolve(Number.isFinite(size) && !header.endsWith(" missing") ? size : undefined);
      }
    });
    s.done.then(
      ({ code, stderr }) => this.fail(new GitwardError(`git cat-file --batch-check exited (${code}): ${stderr.trim()}`, "git")),
      (e: Error) => this.fail(e),
    );
    return s;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  /** Ends the git process (idempotent). */
  close(): void {
    const s = this.stream;
    if (!s) return;
    this.failed ??= new GitwardError("blob sizer closed", "internal");
    s.child.stdin.end();
  }
}
