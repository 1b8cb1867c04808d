import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runGit } from "../../src/git/run-git.js";
import {
  type DiffFile,
  DiffParser,
  LineSplitter,
  parseDiff,
  quoteCPath,
  readLines,
  unquoteCPath,
} from "../../src/sources/diff-parser.js";
import { DIFF_FLAGS } from "../../src/sources/staged.js";

const NAME_CHARS = [
  "a",
  "b",
  "Z",
  "0",
  " ",
  '"',
  "'",
  "\n",
  "\t",
  "\\",
  "-",
  "ü",
  "é",
  "日",
  "😀",
  "*",
  "?",
  "[",
  "#",
  "\r",
  "\u0001",
  "+",
  "@",
];
const nameArb = fc
  .array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 12 })
  .map((cs) => cs.join(""))
  .filter((n) => n !== "." && n !== ".." && !n.startsWith(".git"));

describe("C-style path quoting", () => {
  it("unquote(quote(name)) round-trips any name", () => {
    fc.assert(
      fc.property(nameArb, (n) => {
        expect(unquoteCPath(quoteCPath(n))).toBe(n);
      }),
    );
  });

  it("decodes octal escapes as UTF-8 bytes (core.quotePath=true output)", () => {
    expect(unquoteCPath('"\\303\\274ber \\"x\\"\\n"')).toBe('über "x"\n');
  });
});

/** A synthetic diff in git's format: insertions only, so the expected line numbers are known. */
function syntheticDiff(files: { name: string; old: string[]; inserts: { at: number; text: string }[]; crlf: boolean }[]) {
  let out = "";
  for (const f of files) {
    const q = (p: string) => quoteCPath(p);
    out += `diff --git ${q(`a/${f.name}`)} ${q(`b/${f.name}`)}\n`;
    out += `index ${"1".repeat(40)}..${"2".repeat(40)} 100644\n`;
    const label = (p: string) => {
      const quoted = q(p);
      return p.includes(" ") ? `${quoted}\t` : quoted;
    };
    out += `--- ${label(`a/${f.name}`)}\n+++ ${label(`b/${f.name}`)}\n`;
    // Hunks: group inserts by position in the old file.
    const byAt = new Map<number, string[]>();
    for (const ins of f.inserts) byAt.set(ins.at, [...(byAt.get(ins.at) ?? []), ins.text]);
    let shift = 0;
    for (const at of [...byAt.keys()].sort((a, b) => a - b)) {
      const lines = byAt.get(at) as string[];
      out += `@@ -${at},0 +${at + shift + 1},${lines.length} @@ ctx\n`;
      for (const l of lines) out += `+${l}${f.crlf ? "\r" : ""}\n`;
      shift += lines.length;
    }
  }
  return out;
}

function expected(f: { old: string[]; inserts: { at: number; text: string }[]; crlf: boolean }) {
  const byAt = new Map<number, string[]>();
  for (const ins of f.inserts) byAt.set(ins.at, [...(byAt.get(ins.at) ?? []), ins.text]);
  const added: string[] = [];
  const numbers: number[] = [];
  let shift = 0;
  for (const at of [...byAt.keys()].sort((a, b) => a - b)) {
    for (const l of byAt.get(at) as string[]) {
      added.push(`${l}${f.crlf ? "\r" : ""}`);
      numbers.push(at + shift + 1);
      shift++;
    }
  }
  return { added, numbers };
}

/**
 * How history reads a patch: bytes in chunks of `size`, each line handed to DiffParser.bytes. The
 * added lines come back joined in `addedText`; returned here in `added`, as parseDiff gives them.
 */
function parseBytes(bytes: Buffer, size: number): DiffFile[] {
  const files: DiffFile[] = [];
  const parser = new DiffParser((f) => files.push(f));
  const lines = new LineSplitter((buf, start, end) => parser.bytes(buf, start, end));
  for (let at = 0; at < bytes.length; at += size) lines.push(bytes.subarray(at, at + size));
  lines.end();
  parser.end();
  return files.map((f) => {
    const { addedText, ...rest } = f;
    expect(rest.added).toEqual([]);
    return { ...rest, added: addedText === undefined ? [] : addedText.split("\n") };
  });
}

const lineArb = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\n\r]/g, "")),
  fc.constantFrom("diff --git a/x b/x", "+++ b/evil", "--- a/evil", "@@ -1 +1 @@", "\\ No newline", "", " ", "+", "-"),
);

const fileArb = fc
  .record({
    name: nameArb,
    old: fc.array(fc.constant("o"), { minLength: 0, maxLength: 8 }),
    inserts: fc.array(fc.record({ at: fc.nat(8), text: lineArb }), { minLength: 1, maxLength: 6 }),
    crlf: fc.boolean(),
  })
  .map((f) => ({ ...f, inserts: f.inserts.map((i) => ({ ...i, at: Math.min(i.at, f.old.length) })) }));

describe("DiffParser (property)", () => {
  it("synthetic diffs: names, added lines (with CRLF) and new-file line numbers round-trip", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fileArb, { selector: (f) => f.name, minLength: 1, maxLength: 5 }), (files) => {
        const diff = syntheticDiff(files);
        const parsed = parseDiff(diff);
        expect(parsed.map((p) => p.path)).toEqual(files.map((f) => f.name));
        for (const size of [3, 50, 1 << 20]) expect(parseBytes(Buffer.from(diff, "utf8"), size)).toEqual(parsed);
        files.forEach((f, i) => {
          const e = expected(f);
          expect(parsed[i]?.added).toEqual(e.added);
          expect(parsed[i]?.lineNumbers).toEqual(e.numbers);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("real git: arbitrary names and inserted lines come back at the right line numbers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            name: nameArb,
            oldCount: fc.nat(6),
            inserts: fc.array(
              fc.record({ at: fc.nat(6), text: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\n\r\0]/g, "")) }),
              {
                minLength: 1,
                maxLength: 4,
              },
            ),
            crlf: fc.boolean(),
          }),
          { selector: (f) => f.name, minLength: 1, maxLength: 4 },
        ),
        async (specs) => {
          const dir = mkdtempSync(join(tmpdir(), "gitward-prop-"));
          try {
            const git = (args: string[]) => runGit(args, dir);
            await git(["init", "-q", "-b", "main"]);
            const eol = (crlf: boolean) => (crlf ? "\r\n" : "\n");
            const model = specs.map((s, k) => {
              const old = Array.from({ length: s.oldCount }, (_, i) => `old ${k} ${i}`);
              // Inserted lines are unique so the minimal diff is exactly the insertions.
              const inserts = s.inserts.map((ins, j) => ({
                at: Math.min(ins.at, old.length),
                text: `new ${k}.${j} ${ins.text}`,
              }));
              return { name: s.name, old, inserts, crlf: s.crlf };
            });
            for (const m of model) writeFileSync(join(dir, m.name), m.old.map((l) => l + eol(m.crlf)).join(""));
            await git(["-c", "user.name=t", "-c", "user.email=t@e", "add", "-A"]);
            await git([
              "-c",
              "user.name=t",
              "-c",
              "user.email=t@e",
              "-c",
              "core.autocrlf=false",
              "commit",
              "-q",
              "--allow-empty",
              "-m",
              "base",
            ]);
            for (const m of model) {
              const lines = [...m.old];
              const sorted = [...m.inserts].map((x, j) => ({ ...x, j })).sort((a, b) => a.at - b.at || a.j - b.j);
              let shift = 0;
              for (const ins of sorted) {
                lines.splice(ins.at + shift, 0, ins.text);
                shift++;
              }
              writeFileSync(join(dir, m.name), lines.map((l) => l + eol(m.crlf)).join(""));
            }
            await git(["add", "-A"]);
            const out = await git(["diff", "--cached", ...DIFF_FLAGS]);
            const parsed = parseDiff(out.stdout.toString("utf8"));
            for (const m of model) {
              const p = parsed.find((f) => f.path === m.name);
              expect(p, `file ${JSON.stringify(m.name)}`).toBeDefined();
              const e = expected({
                old: m.old,
                inserts: [...m.inserts].map((x, j) => ({ ...x, j })).sort((a, b) => a.at - b.at || a.j - b.j),
                crlf: m.crlf,
              });
              expect(p?.added).toEqual(e.added);
              expect(p?.lineNumbers).toEqual(e.numbers);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("renames, copies, deletions, binary, mode changes and submodules are recognised", () => {
    const diff = [
      'diff --git a/old name b/new "name"',
      "similarity index 90%",
      "rename from old name",
      'rename to "new \\"name\\""',
      `index ${"a".repeat(40)}..${"b".repeat(40)} 100644`,
      "--- a/old name\t",
      '+++ "b/new \\"name\\""',
      "@@ -3,0 +4 @@",
      "+added",
      "diff --git a/gone b/gone",
      "deleted file mode 100644",
      `index ${"c".repeat(40)}..${"0".repeat(40)}`,
      "--- a/gone",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
      "diff --git a/img.png b/img.png",
      "new file mode 100644",
      `index ${"0".repeat(40)}..${"d".repeat(40)}`,
      "Binary files /dev/null and b/img.png differ",
      "diff --git a/run.sh b/run.sh",
      "old mode 100644",
      "new mode 100755",
      "diff --git a/sub b/sub",
      `index ${"e".repeat(40)}..${"f".repeat(40)} 160000`,
      "--- a/sub",
      "+++ b/sub",
      "@@ -1 +1 @@",
      `-Subproject commit ${"e".repeat(40)}`,
      `+Subproject commit ${"f".repeat(40)}`,
      "diff --git a/n b/n",
      "new file mode 100644",
      `index ${"0".repeat(40)}..${"1".repeat(40)}`,
      "--- /dev/null",
      "+++ b/n",
      "@@ -0,0 +1,2 @@",
      "+x",
      "+y",
      "\\ No newline at end of file",
    ].join("\n");
    const files = parseDiff(diff);
    for (const size of [1, 7, 1 << 20]) expect(parseBytes(Buffer.from(diff, "utf8"), size)).toEqual(files);
    expect(
      files.map((f) => [
        f.status,
        f.path,
        f.oldPath ?? "",
        f.binary,
        f.newMode ?? "",
        f.added.join("|"),
        f.lineNumbers.join(","),
      ]),
    ).toEqual([
      ["renamed", 'new "name"', "old name", false, "100644", "added", "4"],
      ["deleted", "gone", "", false, "", "", ""],
      ["added", "img.png", "", true, "100644", "", ""],
      ["modified", "run.sh", "", false, "100755", "", ""],
      ["modified", "sub", "", false, "160000", `Subproject commit ${"f".repeat(40)}`, "1"],
      ["added", "n", "", false, "100644", "x|y", "1,2"],
    ]);
    expect(files[5]?.wholeFile).toBe(true);
    expect(files[5]?.noNewlineAtEnd).toBe(true);
    expect(files[0]?.newBlob).toBe("b".repeat(40));
  });

  it("remerge diffs (merge commits): remerge headers are skipped, conflict markers are removed lines, added lines are numbered in the merged file", () => {
    // What `git log -p -U0 --full-index --diff-merges=remerge` prints for a conflicted merge (git 2.39).
    const diff = [
      "diff --git a/bin.dat b/bin.dat",
      "remerge warning: Cannot merge binary files: bin.dat (60efb9b (main) vs. 00b32df (side))",
      "remerge CONFLICT (content): Merge conflict in bin.dat",
      "diff --git a/conf.env b/conf.env",
      "remerge CONFLICT (content): Merge conflict in conf.env",
      `index ${"a".repeat(40)}..${"b".repeat(40)} 100644`,
      "--- a/conf.env",
      "+++ b/conf.env",
      "@@ -3,5 +3,2 @@",
      "-<<<<<<< 31488b1 (main)",
      "-KEY=main",
      "-=======",
      "-KEY=side",
      "->>>>>>> 9ac7878 (side)",
      "+KEY=resolved",
      "+KEY=side",
      "@@ -20,0 +18 @@ tail",
      "++++ evil line that looks like a header",
      "diff --git a/md.txt b/md.txt",
      "remerge CONFLICT (modify/delete): md.txt deleted in 60efb9b (main) and modified in 00b32df (side).  Version 00b32df (side) of md.txt left in tree.",
      "diff --git a/new.env b/new.env",
      "new file mode 100644",
      `index ${"0".repeat(40)}..${"c".repeat(40)}`,
      "--- /dev/null",
      "+++ b/new.env",
      "@@ -0,0 +1 @@",
      "+X=1",
    ].join("\n");
    const files: DiffFile[] = [];
    const parser = new DiffParser((f) => files.push(f));
    parser.trackRemoved = true;
    for (const l of diff.split("\n")) parser.line(l);
    parser.end();
    expect(files.map((f) => [f.status, f.path, f.added.join("|"), f.lineNumbers.join(",")])).toEqual([
      ["modified", "bin.dat", "", ""],
      ["modified", "conf.env", "KEY=resolved|KEY=side|+++ evil line that looks like a header", "3,4,18"],
      ["modified", "md.txt", "", ""],
      ["added", "new.env", "X=1", "1"],
    ]);
    expect(files[1]?.removed).toEqual(["<<<<<<< 31488b1 (main)", "KEY=main", "=======", "KEY=side", ">>>>>>> 9ac7878 (side)"]);
    expect(files[3]?.removed).toBeUndefined();
    // Without trackRemoved (every non-merge commit) nothing is kept.
    expect(parseDiff(diff)[1]?.removed).toBeUndefined();
  });

  it("bytes: added lines that are not valid UTF-8 decode as they would line by line; every hunk header form is read", () => {
    const head = (name: string) =>
      Buffer.from(
        `diff --git a/${name} b/${name}\nindex ${"1".repeat(40)}..${"2".repeat(40)} 100644\n--- a/${name}\n+++ b/${name}\n`,
      );
    const bytes = Buffer.concat([
      head("latin1.txt"),
      Buffer.from("@@ -1 +1 @@\n-old\n+caf"),
      Buffer.from([0xe9, 0x0a]), // "café" in Latin-1: an invalid UTF-8 byte before the newline
      Buffer.from("@@ -4,0 +5,2 @@ func()\n+cut "),
      Buffer.from([0xe6, 0x97]), // the first two bytes of a three-byte character
      Buffer.from("\n+\r\n"),
      Buffer.from("@@ -9,2 +11 @@\n-a\n-b\n+c\n\\ No newline at end of file\n"),
      head("bad-hunk.txt"),
      Buffer.from("@@ -x +1 @@\n+not read as a hunk\n"),
    ]);
    const byLine = parseDiff(bytes.toString("utf8"));
    for (const size of [1, 2, 4096]) {
      const got = parseBytes(bytes, size);
      expect(got).toEqual(byLine);
      expect(got[0]?.added).toEqual(["caf\ufffd", "cut \ufffd", "\r", "c"]);
      expect(got[0]?.lineNumbers).toEqual([1, 5, 6, 11]);
      expect(got[0]?.noNewlineAtEnd).toBe(true);
      expect(got[1]?.lineNumbers).toEqual([]);
    }
  });

  it("readLines splits on LF only and keeps CR, across chunk boundaries", async () => {
    async function* chunks() {
      yield Buffer.from("a\r");
      yield Buffer.from("\nb");
      yield Buffer.from("c\n\nd");
    }
    const out: string[] = [];
    for await (const l of readLines(chunks())) out.push(l);
    expect(out).toEqual(["a\r", "bc", "", "d"]);
  });

  it("readLineBatches gives the same lines however the bytes are chunked (multi-byte characters, long lines)", async () => {
    const text = [
      "plain",
      "é café – naïve 日本語 🚀",
      "x".repeat(70_000),
      "",
      "\r",
      `${"ü".repeat(5000)}end`,
      "last line without newline ✓",
    ].join("\n");
    const bytes = Buffer.from(text, "utf8");
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const maxChunk of [1, 2, 3, 7, 64, 4096, 100_000]) {
      async function* chunks() {
        for (let at = 0; at < bytes.length; ) {
          const n = 1 + Math.floor(random() * maxChunk);
          yield bytes.subarray(at, at + n);
          at += n;
        }
      }
      const out: string[] = [];
      for await (const l of readLines(chunks())) out.push(l);
      expect(out, `chunks of up to ${maxChunk} bytes`).toEqual(text.split("\n"));
    }
  });
});
