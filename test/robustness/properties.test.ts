/**
 * Robustness properties beyond the unit suites: the diff parser never throws
 * on truncated or garbage input and keeps its invariants; a secret anywhere in
 * arbitrary surrounding text (any line endings, unicode) is never printed by
 * any report format.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDiff } from "../../src/sources/diff-parser.js";
import { AWS_PACK, fakeAwsKey } from "../git/git-helpers.js";
import { runCli, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const DIFF_LINES = [
  "diff --git a/x b/x",
  'diff --git "a/q\\"x" "b/q\\"x"',
  "diff --cc x",
  "new file mode 100644",
  "deleted file mode 100644",
  "index 0000000..1111111 100644",
  "rename from a",
  "rename to b",
  "Binary files a/x and b/x differ",
  "--- a/x",
  "+++ b/x",
  "--- /dev/null",
  "+++ /dev/null",
  "@@ -1 +1 @@",
  "@@ -0,0 +1,3 @@",
  "@@ -5,2 +0,0 @@",
  "@@@ -1 -1 +1 @@@",
  "@@ -x +y @@",
  "\\ No newline at end of file",
  "remerge CONFLICT (content): Merge conflict in x",
  "remerge warning: Cannot merge binary files: x (a (main) vs. b (side))",
  "diff: warning: Skipping remerge-diff for octopus merges.",
  "-<<<<<<< 31488b1 (main)",
  "->>>>>>> 9ac7878 (side)",
  "+added\r",
  "-removed",
  " context",
  "",
];

describe("diff parser on hostile input", () => {
  it("never throws on arbitrary sequences of diff-like and random lines; added and lineNumbers stay aligned", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...DIFF_LINES), fc.string({ maxLength: 40 })), { maxLength: 60 }),
        fc.constantFrom("\n", "\r\n"),
        (lines, eol) => {
          const files = parseDiff(lines.join(eol));
          for (const f of files) {
            expect(typeof f.path).toBe("string");
            expect(f.lineNumbers.length).toBe(f.added.length);
            for (const n of f.lineNumbers) expect(Number.isInteger(n) && n >= 0).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("redaction end to end", () => {
  it("a secret in arbitrary text (unicode, CRLF, CR, tabs) is found and never printed, in every format", async () => {
    const dir = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dir}/.gitward.yaml`, `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom("\n", "\r\n", "\r", "\t", " ", "="),
        fc.constantFrom("text", "json", "sarif"),
        fc.nat(1000),
        async (before, after, sep, format, seed) => {
          const key = fakeAwsKey(`prop-${seed}`);
          // Keep the key a token of its own (the rule needs a boundary), whatever surrounds it.
          const stdin = `${before}${sep}aws_access_key_id=${key}\n${after}`;
          const r = await runCli(["scan", "-", "--stdin-filename", "x.env", "--format", format, "--debug"], dir, { stdin });
          expect(r.stdout + r.stderr).not.toContain(key);
          expect(r.stderr).not.toMatch(/internal error/);
          expect(r.code).toBe(1);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
