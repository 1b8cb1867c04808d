/**
 * Parses git's unified diff output (`git diff -U0 --full-index` or `git log -p
 * -U0 --full-index`) one line at a time, so that a history of any size is read
 * as a stream. For each file it yields the added lines with their line numbers
 * in the new version, the modes and blob ids, and whether the file is binary.
 *
 * File names are taken from the unambiguous header lines (`+++ b/...`, `rename
 * to ...`), unquoting git's C-style quoting, so names with spaces, quotes,
 * newlines, tabs, unicode or a leading dash come out exactly. Inside a hunk the
 * parser counts the lines announced by the `@@ -a,b +c,d @@` header, so content
 * that looks like a header ("diff --git", "+++ x") is never mistaken for one.
 *
 * Requirements on the git invocation: `--src-prefix=a/ --dst-prefix=b/`,
 * `--no-color`, `--full-index` (for blob ids), and not a combined diff (`--cc`).
 *
 * (History reads merge commits as combined diffs: merge-diff.ts.) A remerge
 * diff (`git log --diff-merges=remerge`) parses too: the
 * recorded merge compared with git's own automatic re-merge of the parents. Its
 * extra headers (`remerge CONFLICT (content): Merge conflict in f`, `remerge
 * warning: ...`) sit between `diff --git` and the hunks and are ignored; a
 * path with only such headers has no added lines. The conflict markers and the
 * two sides' text of a conflicted region are removed lines, and what the merge
 * author wrote instead is added, with line numbers in the merged file. With
 * `trackRemoved` set, removed lines are kept in `removed` so that the caller
 * can tell a resolution that took a parent's line from one that wrote a new one.
 */

export type DiffStatus = "added" | "modified" | "deleted" | "renamed" | "copied";

export interface DiffFile {
  /** Path in the new version (for deletions: the deleted path). */
  path: string;
  /** Path in the old version, when it differs (renames and copies). */
  oldPath?: string;
  status: DiffStatus;
  oldMode?: string;
  newMode?: string;
  /** Full blob ids (with --full-index); all zeros for "no blob". */
  oldBlob?: string;
  newBlob?: string;
  binary: boolean;
  /** Added lines, without the leading "+" (a trailing "\r" is kept); empty when `addedText` holds them. */
  added: string[];
  /**
   * The added lines joined with "\n", decoded once for the whole file (the
   * byte-level reading of a history, DiffParser.bytes): then `added` is empty
   * and `lineNumbers.length` counts the lines.
   */
  addedText?: string;
  /** 1-based line number in the new file of each added line. */
  lineNumbers: number[];
  /** The whole new file is in `added` (a new file, or a rewrite from an empty one). */
  wholeFile: boolean;
  /** The new file does not end with a newline. */
  noNewlineAtEnd: boolean;
  /** Removed lines, without the leading "-" (only when the parser's `trackRemoved` is set). */
  removed?: string[];
}

const ZERO_BLOB = /^0+$/;

/** Undoes git's C-style quoting (quote_c_style): `"a\"b\n\303\251"` → `a"b\né`. Unquoted input is returned as is. */
export function unquoteCPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const pushText = (t: string) => {
    for (const b of Buffer.from(t, "utf8")) bytes.push(b);
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      // Runs of plain characters (possibly non-ASCII: core.quotePath=false leaves them raw).
      let j = i;
      while (j < body.length && body[j] !== "\\") j++;
      pushText(body.slice(i, j));
      i = j - 1;
      continue;
    }
    const next = body[i + 1] ?? "";
    i++;
    const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
    if (next in simple) bytes.push(simple[next] as number);
    else if (/[0-7]/.test(next)) {
      const oct = body.slice(i, i + 3);
      bytes.push(Number.parseInt(oct, 8) & 0xff);
      i += 2;
    } else pushText(next);
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Git's C-style quoting of a path as it appears in diff headers (with core.quotePath=false). */
export function quoteCPath(s: string): string {
  let needs = false;
  let out = "";
  const names: Record<number, string> = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 34: '"', 92: "\\" };
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (code in names) {
      needs = true;
      out += `\\${names[code]}`;
    } else if (code < 0x20 || code === 0x7f) {
      needs = true;
      out += `\\${code.toString(8).padStart(3, "0")}`;
    } else out += ch;
  }
  return needs ? `"${out}"` : s;
}

/** Strips the "a/" or "b/" prefix from a (possibly quoted) path token. */
function stripPrefix(token: string, prefix: string): string {
  const p = unquoteCPath(token);
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/**
 * A name from `--- x` / `+++ x`: git appends a tab when the name contains a
 * space (quoted or not); a tab inside a name is always quoted, so one trailing
 * tab is never part of the name.
 */
function labelPath(rest: string, prefix: string): string | undefined {
  const token = rest.endsWith("\t") ? rest.slice(0, -1) : rest;
  if (token === "/dev/null") return undefined;
  return stripPrefix(token, prefix);
}

/** Best-effort paths from `diff --git a/X b/Y` (used only when no ---/+++/rename lines say better). */
function headerPaths(rest: string): { a: string; b: string } | undefined {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest, 0);
    const a = rest.slice(0, end + 1);
    const b = rest.slice(end + 2);
    return { a: stripPrefix(a, "a/"), b: stripPrefix(b, "b/") };
  }
  const q = rest.indexOf(' "');
  if (q !== -1 && rest.endsWith('"')) return { a: stripPrefix(rest.slice(0, q), "a/"), b: stripPrefix(rest.slice(q + 1), "b/") };
  // Unquoted "a/P b/P": without a rename both halves are equal, so split in the middle.
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a.startsWith("a/") && b.startsWith("b/") && a.slice(2) === b.slice(2)) return { a: a.slice(2), b: b.slice(2) };
  }
  return undefined;
}

function closingQuote(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i;
  }
  return s.length - 1;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

interface Building {
  file: DiffFile;
  headerA?: string;
  headerB?: string;
  labelA?: string | null;
  labelB?: string | null;
  hunks: number;
}

/**
 * Incremental parser: feed it lines (without their "\n"), get complete files
 * through `onFile`. Call `end()` after the last line.
 */
export class DiffParser {
  private current: Building | undefined;
  /** The current file's added lines as bytes, joined with "\n" (see bytes()); decoded once in flush. */
  private addedBytes = Buffer.allocUnsafe(64 * 1024);
  private addedLength = 0;
  /** The current file's added lines came through bytes(). */
  private byteLines = false;
  private oldLeft = 0;
  private newLeft = 0;
  private nextNew = 0;
  private lastWasAdded = false;
  /** Keep removed lines in `DiffFile.removed` (merge commits: see the module comment). */
  trackRemoved = false;

  constructor(private readonly onFile: (file: DiffFile) => void) {}

  /** True while inside a hunk: the next line is content, not a header. */
  get inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0;
  }

  line(line: string): void {
    const cur = this.current;
    if (this.inHunk && cur) {
      const c = line.charCodeAt(0);
      if (c === 43 /* + */) {
        cur.file.added.push(line.slice(1));
        cur.file.lineNumbers.push(this.nextNew++);
        this.newLeft--;
        this.lastWasAdded = true;
      } else if (c === 45 /* - */) {
        if (this.trackRemoved) {
          cur.file.removed ??= [];
          cur.file.removed.push(line.slice(1));
        }
        this.oldLeft--;
        this.lastWasAdded = false;
      } else if (c === 32 /* space */) {
        this.oldLeft--;
        this.newLeft--;
        this.nextNew++;
        this.lastWasAdded = false;
      } else if (c === 92 /* \ */) {
        if (this.lastWasAdded) cur.file.noNewlineAtEnd = true;
      } else {
        // Malformed input: leave the hunk rather than swallow headers.
        this.oldLeft = 0;
        this.newLeft = 0;
        this.header(line);
      }
      return;
    }
    if (line.startsWith("\\")) {
      if (this.lastWasAdded && cur) cur.file.noNewlineAtEnd = true;
      return;
    }
    this.header(line);
  }

  /**
   * One line given as bytes (`buf[start..end)`, without its "\n"): what
   * `line()` does, without decoding what needs no text. A history's patch is
   * mostly removed lines and hunk headers: removed lines are only counted,
   * hunk headers are read as numbers, and added lines are copied as bytes
   * into the file's buffer and decoded once per file (flush), so a history
   * makes a string per file version rather than per line. UTF-8 decoding of
   * the joined lines gives the same text as decoding each line: "\n" is never
   * part of a multi-byte sequence.
   */
  bytes(buf: Buffer, start: number, end: number): void {
    const cur = this.current;
    const c = start < end ? (buf[start] as number) : -1;
    if (cur && (this.oldLeft > 0 || this.newLeft > 0)) {
      if (c === 43 /* + */) {
        const f = cur.file;
        const length = end - start - 1;
        const need = this.addedLength + length + 1;
        if (need > this.addedBytes.length) {
          const grown = Buffer.allocUnsafe(Math.max(need, this.addedBytes.length * 2));
          this.addedBytes.copy(grown, 0, 0, this.addedLength);
          this.addedBytes = grown;
        }
        const out = this.addedBytes;
        let at = this.addedLength;
        if (f.lineNumbers.length > 0) out[at++] = 10;
        // Most lines are short: a loop costs less than Buffer.copy's checks.
        if (length < 64) for (let i = start + 1; i < end; i++) out[at++] = buf[i] as number;
        else at += buf.copy(out, at, start + 1, end);
        this.addedLength = at;
        this.byteLines = true;
        f.lineNumbers.push(this.nextNew++);
        this.newLeft--;
        this.lastWasAdded = true;
        return;
      }
      if (c === 45 /* - */) {
        if (!this.trackRemoved) {
          this.oldLeft--;
          this.lastWasAdded = false;
          return;
        }
      } else if (c === 32 /* space */) {
        this.oldLeft--;
        this.newLeft--;
        this.nextNew++;
        this.lastWasAdded = false;
        return;
      } else if (c === 92 /* \ */) {
        if (this.lastWasAdded) cur.file.noNewlineAtEnd = true;
        return;
      }
    } else if (cur && c === 64 /* @ */ && this.hunkHeader(buf, start, end)) return;
    this.line(buf.toString("utf8", start, end));
  }

  /** `@@ -a[,b] +c[,d] @@...` read from bytes; false when the line is not in that form (then read as text). */
  private hunkHeader(buf: Buffer, start: number, end: number): boolean {
    if (end - start < 9 || buf[start + 1] !== 64 || buf[start + 2] !== 32 || buf[start + 3] !== 45) return false;
    const numbers = [0, 1, 0, 1];
    let i = start + 4;
    for (let k = 0; k < 4; k += 2) {
      let digits = 0;
      let n = 0;
      for (; i < end && (buf[i] as number) >= 48 && (buf[i] as number) <= 57; i++, digits++) n = n * 10 + (buf[i] as number) - 48;
      if (digits === 0) return false;
      numbers[k] = n;
      if (buf[i] === 44 /* , */) {
        i++;
        let m = 0;
        digits = 0;
        for (; i < end && (buf[i] as number) >= 48 && (buf[i] as number) <= 57; i++, digits++)
          m = m * 10 + (buf[i] as number) - 48;
        if (digits === 0) return false;
        numbers[k + 1] = m;
      }
      if (k === 0) {
        if (buf[i] !== 32 || buf[i + 1] !== 43 /* + */) return false;
        i += 2;
      }
    }
    if (buf[i] !== 32 || buf[i + 1] !== 64 || buf[i + 2] !== 64) return false;
    this.startHunk(numbers[0] as number, numbers[1] as number, numbers[2] as number, numbers[3] as number);
    return true;
  }

  private startHunk(oldStart: number, oldCount: number, newStart: number, newCount: number): void {
    const cur = this.current as Building;
    const f = cur.file;
    this.lastWasAdded = false;
    this.oldLeft = oldCount;
    this.newLeft = newCount;
    this.nextNew = newStart;
    cur.hunks++;
    f.wholeFile = cur.hunks === 1 && oldStart === 0 && oldCount === 0 && newStart <= 1;
    if (cur.hunks > 1) f.wholeFile = false;
  }

  private header(line: string): void {
    this.lastWasAdded = false;
    if (line.startsWith("diff --git ")) {
      this.flush();
      const hp = headerPaths(line.slice(11));
      this.current = {
        file: {
          path: hp?.b ?? "",
          status: "modified",
          binary: false,
          added: [],
          lineNumbers: [],
          wholeFile: false,
          noNewlineAtEnd: false,
        },
        ...(hp ? { headerA: hp.a, headerB: hp.b } : {}),
        hunks: 0,
      };
      return;
    }
    const cur = this.current;
    if (!cur) return;
    const f = cur.file;
    // Only "@@" lines can be hunk headers: the RegExp is not tried on the other header lines.
    const m = line.charCodeAt(0) === 64 /* @ */ ? HUNK.exec(line) : null;
    if (m) {
      this.startHunk(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4]));
      return;
    }
    if (line.startsWith("--- ")) cur.labelA = labelPath(line.slice(4), "a/") ?? null;
    else if (line.startsWith("+++ ")) cur.labelB = labelPath(line.slice(4), "b/") ?? null;
    else if (line.startsWith("new file mode ")) {
      f.status = "added";
      f.newMode = line.slice(14);
    } else if (line.startsWith("deleted file mode ")) {
      f.status = "deleted";
      f.oldMode = line.slice(18);
    } else if (line.startsWith("old mode ")) f.oldMode = line.slice(9);
    else if (line.startsWith("new mode ")) f.newMode = line.slice(9);
    else if (line.startsWith("rename from ")) {
      f.status = "renamed";
      f.oldPath = unquoteCPath(line.slice(12));
    } else if (line.startsWith("rename to ")) f.path = unquoteCPath(line.slice(10));
    else if (line.startsWith("copy from ")) {
      f.status = "copied";
      f.oldPath = unquoteCPath(line.slice(10));
    } else if (line.startsWith("copy to ")) f.path = unquoteCPath(line.slice(8));
    else if (line.startsWith("index ")) {
      const m2 = /^index ([0-9a-f]+)\.\.([0-9a-f]+)(?: (\d+))?/.exec(line);
      if (m2) {
        f.oldBlob = m2[1];
        f.newBlob = m2[2];
        if (m2[3]) {
          f.oldMode ??= m2[3];
          f.newMode ??= m2[3];
        }
      }
    } else if (line.startsWith("Binary files ") || line === "GIT binary patch") f.binary = true;
  }

  /** Finishes the file being parsed (call after the last line, or before unrelated output such as a commit header). */
  flush(): void {
    const cur = this.current;
    this.current = undefined;
    this.oldLeft = 0;
    this.newLeft = 0;
    this.lastWasAdded = false;
    const byteLines = this.byteLines;
    this.byteLines = false;
    const addedLength = this.addedLength;
    this.addedLength = 0;
    if (!cur) return;
    const f = cur.file;
    // Added lines come either all as bytes or all as text (bytes() never hands a "+" line to line()).
    if (byteLines) f.addedText = this.addedBytes.toString("utf8", 0, addedLength);
    // A very large file version's buffer is not kept for the rest of the history.
    if (this.addedBytes.length > 8 * 1024 * 1024) this.addedBytes = Buffer.allocUnsafe(64 * 1024);
    if (cur.labelB !== undefined && cur.labelB !== null) f.path = cur.labelB;
    else if (f.status === "deleted" || cur.labelB === null) {
      f.status = "deleted";
      f.path = cur.labelA ?? cur.headerA ?? f.path;
    }
    if (f.status !== "renamed" && f.status !== "copied") {
      if (!f.path) f.path = cur.headerB ?? cur.labelA ?? "";
    } else if (f.oldPath === f.path) delete f.oldPath;
    if (f.oldBlob && ZERO_BLOB.test(f.oldBlob) && f.status === "modified") f.status = "added";
    if (f.status === "added" && f.lineNumbers.length > 0 && cur.hunks === 1) f.wholeFile = true;
    if (!f.path) return;
    this.onFile(f);
  }

  end(): void {
    this.flush();
  }
}

/**
 * Splits chunks of a byte stream into lines at "\n" only, handed on as byte
 * ranges (`onLine(buf, start, end)`, without the "\n"): nothing is decoded or
 * copied here except a line that spans chunks.
 */
export class LineSplitter {
  /**
   * Bytes after the last newline seen, in pieces: a minified line of megabytes
   * spans many chunks and is joined once, when its newline arrives.
   */
  private readonly rest: Buffer[] = [];

  constructor(private readonly onLine: (buf: Buffer, start: number, end: number) => void) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.rest.push(chunk);
      return;
    }
    let start = 0;
    if (this.rest.length > 0) {
      const first = chunk.indexOf(10);
      const joined = Buffer.concat([...this.rest.splice(0), chunk.subarray(0, first)]);
      this.onLine(joined, 0, joined.length);
      start = first + 1;
    }
    while (start <= last) {
      const nl = chunk.indexOf(10, start); // found: `last` is a newline at or after `start`
      this.onLine(chunk, start, nl);
      start = nl + 1;
    }
    if (last + 1 < chunk.length) this.rest.push(chunk.subarray(last + 1));
  }

  /** The last line, when the stream did not end with a newline. */
  end(): void {
    if (this.rest.length === 0) return;
    const joined = Buffer.concat(this.rest.splice(0));
    this.onLine(joined, 0, joined.length);
  }
}

/**
 * Splits a byte stream into lines at "\n" only (a "\r" before it stays part of
 * the line, as CRLF files need) and decodes each line as UTF-8. Lines come in
 * batches, one per chunk read: a history's patch has millions of lines, and an
 * async generator that yields each one pays a promise and a microtask per line.
 *
 * Each line is decoded on its own, into a string of its own. Decoding a whole
 * chunk and splitting it was no faster (measured), and its lines were slices
 * of the chunk's string: the added lines a diff keeps then held on to every
 * removed line around them (+50 MB peak on the moment history).
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  // Bytes after the last newline seen, in pieces: a minified line of megabytes spans many chunks
  // and is joined once, when its newline arrives, not re-copied with every chunk.
  const rest: Buffer[] = [];
  for await (const chunk of stream) {
    const piece = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const last = piece.lastIndexOf(10);
    if (last === -1) {
      rest.push(piece);
      continue;
    }
    const lines: string[] = [];
    let start = 0;
    if (rest.length > 0) {
      const first = piece.indexOf(10);
      lines.push(Buffer.concat([...rest.splice(0), piece.subarray(0, first)]).toString("utf8"));
      start = first + 1;
    }
    while (start <= last) {
      const i = piece.indexOf(10, start); // found: `last` is a newline at or after `start`
      lines.push(piece.toString("utf8", start, i));
      start = i + 1;
    }
    if (last + 1 < piece.length) rest.push(piece.subarray(last + 1));
    yield lines;
  }
  if (rest.length > 0) yield [Buffer.concat(rest).toString("utf8")];
}

/** Line by line (see readLineBatches): for small outputs, where the per-line cost does not matter. */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  for await (const lines of readLineBatches(stream)) yield* lines;
}

/** Parses a whole diff held in memory (tests, small staged diffs). */
export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  const parser = new DiffParser((f) => files.push(f));
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const l of lines) parser.line(l);
  parser.end();
  return files;
}
