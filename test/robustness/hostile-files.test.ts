/**
 * The hostile-input matrix for `gitward scan` on a real file tree inside a git
 * repository: binary and NUL-laced files, huge and single-line files,
 * non-UTF-8 text, odd line endings, odd file names, symlinks, LFS pointers and
 * deeply nested or malformed configs. For each: no crash, a notice where
 * something was skipped, the right exit code, and the same findings on the
 * normal files as a clean run of those files alone.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { AWS_PACK, awsRepo } from "../git/git-helpers.js";
import { runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const fake = (seed: string) => expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", seed);
const KEY = fake("hostile-normal");
const OUTSIDE_KEY = fake("hostile-outside");

interface JsonFinding {
  ruleId: string;
  path: string;
  startLine: number;
  startColumn: number;
  endColumn: number;
  secretHash: string;
}
interface JsonSkip {
  path: string;
  reason: string;
  fatal: boolean;
}
const brief = (f: JsonFinding) => `${f.ruleId} ${f.path}:${f.startLine}:${f.startColumn}`;

/** Writes `size` bytes of `chunk` repeated through a stream (bounded memory), then `tail`. */
async function writeBig(file: string, size: number, chunk: string, tail = ""): Promise<void> {
  const out = createWriteStream(file);
  const block = Buffer.from(chunk.repeat(Math.ceil((1 << 20) / chunk.length)).slice(0, 1 << 20));
  for (let written = 0; written < size; written += block.length) {
    if (!out.write(written + block.length > size ? block.subarray(0, size - written) : block)) await once(out, "drain");
  }
  out.end(tail);
  await once(out, "finish");
}

let repo: TempRepo;
let outside: string;
beforeAll(async () => {
  // Only the AWS pack (as the git tests do): independent of the other packs' work in progress.
  repo = awsRepo();
  outside = tempDir("gitward-outside-");
  writeFileSync(join(outside, "secret.env"), `AWS_ACCESS_KEY_ID=${OUTSIDE_KEY}\n`);
  // The normal files: the reference a clean run is compared with.
  repo.write("normal/app.env", `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${KEY}\n`);
  repo.write("normal/deploy.sh", `#!/bin/sh\nexport AWS_ACCESS_KEY_ID="${fake("hostile-sh")}"\n`);
  // Binary files: PNG, zip, ELF object; and text with a NUL early (binary) or late (text, scanned).
  repo.write(
    "bin/logo.png",
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from(KEY)]),
  );
  repo.write("bin/archive.zip", Buffer.concat([Buffer.from("PK\u0003\u0004\u0014\u0000\u0000\u0000"), Buffer.from(KEY)]));
  repo.write("bin/main.o", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), Buffer.from(`key=${KEY}`)]));
  repo.write("bin/nul-early.txt", `header\u0000\nAWS_ACCESS_KEY_ID=${KEY}\n`);
  repo.write("text/nul-late.txt", `${"x".repeat(9000)}\n\u0000\nAWS_ACCESS_KEY_ID=${fake("hostile-nul")}\n`);
  // Non-UTF-8 text.
  const latin1 = fake("hostile-latin1");
  repo.write("text/latin1.properties", Buffer.from(`# Schl\u00fcssel f\u00fcr caf\u00e9\naws.key=${latin1}\n`, "latin1"));
  const utf16 = fake("hostile-utf16");
  repo.write(
    "text/utf16le.env",
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# \u00e9t\u00e9\r\nAWS_ACCESS_KEY_ID=${utf16}\r\n`, "utf16le")]),
  );
  const be = Buffer.from(`# x\nAWS_ACCESS_KEY_ID=${fake("hostile-utf16be")}\n`, "utf16le").swap16();
  repo.write("text/utf16be.env", Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
  repo.write("text/bom-utf8.env", `\ufeffAWS_ACCESS_KEY_ID=${fake("hostile-bom")}\n`);
  // Line endings.
  repo.write("text/crlf.env", `a=1\r\nb=2\r\nAWS_ACCESS_KEY_ID=${fake("hostile-crlf")}\r\n`);
  repo.write("text/mixed.env", `a=1\r\nb=2\rc=3\nAWS_ACCESS_KEY_ID=${fake("hostile-mixed")}\r\nd=4\n`);
  // File names.
  const names = [
    "with space.env",
    "ünïcødé-日本.env",
    `quote"s'.env`,
    "new\nline.env",
    "-leading-dash.env",
    "glob*?[ab].env",
    "back\\slash.env",
  ];
  for (const [i, name] of names.entries()) repo.write(`names/${name}`, `AWS_ACCESS_KEY_ID=${fake(`hostile-name-${i}`)}\n`);
  // Symlinks: outside the repo, dangling, a loop.
  mkdirSync(join(repo.dir, "links"), { recursive: true });
  symlinkSync(join(outside, "secret.env"), join(repo.dir, "links/outside.env"));
  symlinkSync(outside, join(repo.dir, "links/outside-dir"));
  symlinkSync(join(repo.dir, "links/nowhere.env"), join(repo.dir, "links/dangling.env"));
  symlinkSync(".", join(repo.dir, "links/loop"));
  // A Git LFS pointer.
  repo.write(
    "lfs/model.bin",
    "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
  );
  // Huge files, written with streams: over the default 5 MB limit.
  mkdirSync(join(repo.dir, "big"));
  await writeBig(join(repo.dir, "big/huge.log"), 200 * 1024 * 1024, `INFO line\nAWS_ACCESS_KEY_ID=${KEY}\n`);
  await writeBig(join(repo.dir, "big/bundle.js"), 50 * 1024 * 1024, "var a=function(b){return b+1};", `\n`);
  await writeBig(
    join(repo.dir, "big/one-line.txt"),
    50 * 1024 * 1024,
    "lorem ipsum dolor sit amet ",
    `AWS_ACCESS_KEY_ID=${fake("one-line")}\n`,
  );
}, 60_000);
afterAll(() => repo.cleanup());

async function scanJson(args: string[]) {
  const r = await runCli(["scan", ...args, "--format", "json"], repo.dir);
  expect(r.stderr).not.toMatch(/internal error/);
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe("hostile file tree (gitward scan)", () => {
  let full: Awaited<ReturnType<typeof scanJson>>;
  beforeAll(async () => {
    full = await scanJson(["."]);
  }, 60_000);

  it("does not crash, exits 1 (findings) and not 2 (every skip is intended)", () => {
    expect(full.code).toBe(1);
    expect(full.doc.summary.notScanned).toBe(0);
  });

  it("finds the same secrets in the normal files as a clean run of those files alone", async () => {
    const clean = await scanJson(["normal"]);
    expect(clean.code).toBe(1);
    const normal = full.doc.findings.filter((f: JsonFinding) => f.path.startsWith("normal/"));
    expect(normal.map(brief)).toEqual(clean.doc.findings.map(brief));
    expect(normal.length).toBe(2);
  });

  it("skips binary files (images, archives, objects, NUL in the first 8 kB) with a notice", () => {
    const skips = full.doc.skipped.map((s: JsonSkip) => [s.path, s.reason, s.fatal]);
    for (const p of ["bin/logo.png", "bin/archive.zip", "bin/main.o", "bin/nul-early.txt"]) {
      expect(skips).toContainEqual([p, "binary", false]);
    }
    expect(full.doc.findings.filter((f: JsonFinding) => f.path.startsWith("bin/"))).toEqual([]);
  });

  it("scans text with a NUL after the sniffed prefix, Latin-1, UTF-16 (both BOMs) and UTF-8 BOM at the right lines", () => {
    const text = full.doc.findings.filter((f: JsonFinding) => f.path.startsWith("text/")).map(brief);
    expect(text).toEqual([
      "aws-access-key-id text/bom-utf8.env:1:19",
      "aws-access-key-id text/crlf.env:3:19",
      "aws-access-key-id text/latin1.properties:2:9",
      "aws-access-key-id text/mixed.env:3:19",
      "aws-access-key-id text/nul-late.txt:3:19",
      "aws-access-key-id text/utf16be.env:2:19",
      "aws-access-key-id text/utf16le.env:2:19",
    ]);
  });

  it("CRLF and mixed line endings: the secret never includes the \\r, lines match the LF version", () => {
    const crlf = full.doc.findings.find((f: JsonFinding) => f.path === "text/crlf.env");
    expect(crlf.endColumn - crlf.startColumn).toBe(20);
  });

  it("reports files with spaces, unicode, quotes, newlines, leading dashes, glob characters and backslashes by their real names", () => {
    const names = full.doc.findings.filter((f: JsonFinding) => f.path.startsWith("names/")).map((f: JsonFinding) => f.path);
    expect(names.sort()).toEqual(
      [
        "with space.env",
        "ünïcødé-日本.env",
        `quote"s'.env`,
        "new\nline.env",
        "-leading-dash.env",
        "glob*?[ab].env",
        "back\\slash.env",
      ]
        .map((n) => `names/${n}`)
        .sort(),
    );
  });

  it("a leading-dash or glob file name given on the command line is a path, not an option or a pattern", async () => {
    const dash = await scanJson(["./names/-leading-dash.env"]);
    expect(dash.code).toBe(1);
    expect(dash.doc.findings).toHaveLength(1);
    const glob = await scanJson(["names/glob*?[ab].env"]);
    expect(glob.code).toBe(1);
    expect(glob.doc.findings.map((f: JsonFinding) => f.path)).toEqual(["names/glob*?[ab].env"]);
  });

  it("does not follow symlinks (outside the repo, to a directory, dangling, loops), and says so", () => {
    const links = full.doc.skipped.filter((s: JsonSkip) => s.path.startsWith("links/"));
    expect(links.map((s: JsonSkip) => [s.path, s.reason, s.fatal]).sort()).toEqual(
      [
        ["links/dangling.env", "symlink", false],
        ["links/loop", "symlink", false],
        ["links/outside-dir", "symlink", false],
        ["links/outside.env", "symlink", false],
      ].sort(),
    );
    // Output is masked, so look for the outside key by its hash: no finding anywhere carries it.
    const outsideHash = createHash("sha256").update(OUTSIDE_KEY).digest("hex");
    expect(full.doc.findings.filter((f: JsonFinding) => f.secretHash === outsideHash)).toEqual([]);
    expect(full.doc.findings.some((f: JsonFinding) => f.path.startsWith("links/"))).toBe(false);
  });

  it("a symlink named explicitly is a usage error (links are not followed; name the target)", async () => {
    for (const link of ["links/outside.env", "links/dangling.env"]) {
      const r = await runCli(["scan", link], repo.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`gitward: scan: ${link} is a symbolic link (to `);
      expect(r.stdout).toBe("");
    }
  });

  it("a Git LFS pointer raises no finding (its oid is a hash, not a secret), with every built-in pack", async () => {
    const r = await scanJson(["lfs", "--no-config"]);
    expect(r.doc.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("skips the 200 MB file and the 50 MB single-line files as too large, quickly", () => {
    const big = full.doc.skipped
      .filter((s: JsonSkip) => s.path.startsWith("big/"))
      .map((s: JsonSkip) => [s.path, s.reason, s.fatal]);
    expect(big.sort()).toEqual([
      ["big/bundle.js", "too-large", false],
      ["big/huge.log", "too-large", false],
      ["big/one-line.txt", "too-large", false],
    ]);
    expect(full.doc.summary.durationMs).toBeLessThan(10_000);
  });

  it("with the limit raised: the 50 MB .js is skipped as minified, the 50 MB single line is scanned in bounded time", async () => {
    const started = performance.now();
    const r = await scanJson(["big/bundle.js", "big/one-line.txt", "--max-file-size", "60MB"]);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(r.doc.skipped.map((s: JsonSkip) => [s.path, s.reason])).toEqual([["big/bundle.js", "minified"]]);
    expect(r.doc.findings.map((f: JsonFinding) => [f.path, f.startLine])).toEqual([["big/one-line.txt", 1]]);
    expect(r.code).toBe(1);
  }, 60_000);

  it("--verbose text output lists each skipped file with its reason", async () => {
    const r = await runCli(["scan", "bin", "links", "--verbose"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain("skipped bin/logo.png: binary content");
    expect(r.stdout + r.stderr).toContain("skipped links/outside.env: symbolic link not followed");
  });
});

describe("scan outside a git repository", () => {
  it("walks the tree without git and still skips symlinks and binaries", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".gitward.yaml"), `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`);
    writeFileSync(join(dir, "a.env"), `AWS_ACCESS_KEY_ID=${KEY}\n`);
    writeFileSync(join(dir, "b.bin"), Buffer.from([0, 1, 2, 3]));
    symlinkSync(join(outside, "secret.env"), join(dir, "out.env"));
    const r = await runCli(["scan", ".", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map(brief)).toEqual(["aws-access-key-id a.env:1:19"]);
    expect(doc.skipped.map((s: JsonSkip) => s.reason).sort()).toEqual(["binary", "symlink"]);
  });

  it("a path that does not exist is a usage error (exit 2), --allow-skip or not", async () => {
    for (const extra of [[], ["--allow-skip"]]) {
      const r = await runCli(["scan", "no/such/file.env", ...extra], repo.dir);
      expect(r.code).toBe(2);
      // This suite loads the AWS pack as a local pack, whose regexes get the ReDoS analysis and its
      // 1 s budget: on a loaded machine that can end inconclusive, a warning of its own. Nothing else.
      const lines = r.stderr.split("\n").filter((l) => l !== "" && !/ReDoS analysis inconclusive/.test(l));
      expect(lines).toEqual(["gitward: scan: no/such/file.env: no such file or directory"]);
      expect(r.stderr.endsWith("\n")).toBe(true);
    }
  });
});
