/**
 * The hostile-input matrix for the git sources, through the CLI on real temp
 * repositories: empty and unborn repositories, shallow clones, detached HEAD,
 * bare repositories, worktrees, merges with conflict resolutions, renames with
 * changes, thousands of files in one commit, submodules, LFS pointers, odd
 * file names, encodings and line endings, and files over the size limit.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { awsRepo, brief, fakeAwsKey } from "../git/git-helpers.js";
import { createRepo, GIT_ENV, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function repoFor(): TempRepo {
  const r = awsRepo();
  cleanups.push(() => r.cleanup());
  return r;
}
const line = (seed: string) => `AWS_ACCESS_KEY_ID=${fakeAwsKey(seed)}\n`;
async function json(argv: string[], cwd: string) {
  const dashes = argv.indexOf("--");
  const args =
    dashes === -1 ? [...argv, "--format", "json"] : [...argv.slice(0, dashes), "--format", "json", ...argv.slice(dashes)];
  const r = await runCli(args, cwd);
  expect(r.stderr).not.toMatch(/internal error/);
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
}
function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("repository shapes", () => {
  it("an empty repository (no commits, nothing staged): staged, history and scan exit 0", async () => {
    const repo = repoFor();
    for (const argv of [["staged"], ["history"], ["history", "--all"], ["scan", "."]]) {
      const r = await json(argv, repo.dir);
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
    }
  });

  it("no commits yet, files staged (the first commit): staged finds the secret", async () => {
    const repo = repoFor();
    repo.write("a.env", line("unborn"));
    repo.git("add", "a.env");
    const r = await json(["staged"], repo.dir);
    expect(r.code).toBe(1);
    expect(brief(r.doc.findings)).toEqual(["aws-access-key-id a.env:1"]);
  });

  it("a shallow clone: history scans the commits it has (the shallow root as all-added)", async () => {
    const origin = repoFor();
    origin.commit("one", { "a.env": line("shallow-old") });
    origin.commit("two", { "b.env": line("shallow-new") });
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    gitIn(dir, "clone", "-q", "--depth", "1", `file://${origin.dir}`, "clone");
    const clone = join(dir, "clone");
    gitIn(clone, "config", "user.name", "x");
    const r = await json(["history", "--all", "--config", join(origin.dir, ".gitward.yaml")], clone);
    expect(r.code).toBe(1);
    expect(brief(r.doc.findings).sort()).toEqual(["aws-access-key-id a.env:1", "aws-access-key-id b.env:1"]);
  });

  it("detached HEAD: staged and history work", async () => {
    const repo = repoFor();
    repo.commit("one", { "a.env": line("detached-1") });
    repo.commit("two", { "b.txt": "x\n" });
    repo.git("checkout", "-q", "--detach", "HEAD~1");
    repo.write("c.env", line("detached-2"));
    repo.git("add", "c.env");
    expect(brief((await json(["staged"], repo.dir)).doc.findings)).toEqual(["aws-access-key-id c.env:1"]);
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(brief(h.doc.findings)).toEqual(["aws-access-key-id a.env:1"]);
  });

  it("a bare repository: history scans it; staged says there is no index (exit 2)", async () => {
    const origin = repoFor();
    origin.commit("one", { "a.env": line("bare") });
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    gitIn(dir, "clone", "-q", "--bare", origin.dir, "bare.git");
    const bare = join(dir, "bare.git");
    const h = await json(["history", "--all", "--config", join(origin.dir, ".gitward.yaml")], bare);
    expect(h.code).toBe(1);
    expect(brief(h.doc.findings)).toEqual(["aws-access-key-id a.env:1"]);
    const s = await runCli(["staged", "--no-config"], bare);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/not inside a git work tree/);
  });

  it("a linked worktree: staged scans that worktree's index, history its commits", async () => {
    const repo = repoFor();
    repo.commit("one", { "a.txt": "x\n" });
    repo.git("branch", "feature");
    const wt = join(tempDir(), "wt");
    cleanups.push(() => rmSync(join(wt, ".."), { recursive: true, force: true }));
    repo.git("worktree", "add", "-q", wt, "feature");
    gitIn(wt, "config", "user.email", "x@example.com");
    execFileSync("sh", ["-c", `printf '%s' "$0" > b.env && git add b.env`, line("worktree")], {
      cwd: wt,
      env: { ...process.env, ...GIT_ENV },
    });
    const r = await json(["staged", "--config", join(repo.dir, ".gitward.yaml")], wt);
    expect(brief(r.doc.findings)).toEqual(["aws-access-key-id b.env:1"]);
    expect((await json(["staged"], repo.dir)).doc.findings).toEqual([]); // the main worktree's index is untouched
  });
});

describe("history content", () => {
  // KNOWN GAP (reported to the git stream): history runs `git log --diff-merges=off`, so content that
  // exists only in a merge commit (a conflict resolution, an "evil merge") is never scanned.
  // `--diff-merges=remerge` (git >= 2.36) shows exactly those lines as added. Remove `.fails` once fixed.
  it.fails("a secret introduced only in a merge's conflict resolution is found, tied to the merge commit", async () => {
    const repo = repoFor();
    repo.commit("base", { "conf.env": "KEY=base\n" });
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("side", { "conf.env": "KEY=side\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "conf.env": "KEY=main\n" });
    try {
      repo.git("merge", "-q", "side");
    } catch {
      // conflict, as intended
    }
    repo.write("conf.env", line("evil-merge"));
    repo.git("add", "conf.env");
    repo.git("commit", "-q", "--no-edit");
    const merge = repo.git("rev-parse", "HEAD").trim();
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(h.doc.findings.map((f: { path: string; commit?: { sha: string } }) => [f.path, f.commit?.sha])).toEqual([
      ["conf.env", merge],
    ]);
  });

  it("renames with changes: the added line is reported at its new path and line", async () => {
    const repo = repoFor();
    const body = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join("");
    repo.commit("one", { "old name.env": body });
    repo.git("mv", "old name.env", "new näme.env");
    repo.write("new näme.env", `${body}${line("rename")}`);
    repo.git("add", "new näme.env");
    expect(brief((await json(["staged"], repo.dir)).doc.findings)).toEqual(["aws-access-key-id new näme.env:21"]);
    repo.git("commit", "-q", "-m", "rename");
    expect(brief((await json(["history"], repo.dir)).doc.findings)).toEqual(["aws-access-key-id new näme.env:21"]);
  });

  it("thousands of files in one commit: staged and history find the one secret, in bounded time", async () => {
    const repo = repoFor();
    for (let i = 0; i < 3000; i++) repo.write(`many/d${i % 30}/f${i}.txt`, `value ${i}\n`);
    repo.write("many/d7/secret.env", line("thousands"));
    repo.git("add", "many");
    const started = performance.now();
    const s = await json(["staged"], repo.dir);
    expect(brief(s.doc.findings)).toEqual(["aws-access-key-id many/d7/secret.env:1"]);
    expect(s.doc.summary.files).toBe(3001);
    repo.git("commit", "-q", "-m", "many");
    const h = await json(["history"], repo.dir);
    expect(brief(h.doc.findings)).toEqual(["aws-access-key-id many/d7/secret.env:1"]);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it("odd file names (newline, quotes, tab, backslash, unicode, leading dash, glob) in staged and history", async () => {
    const repo = repoFor();
    const names = [
      "new\nline.env",
      `q"uo'te.env`,
      "tab\there.env",
      "back\\slash.env",
      "ünï 日本.env",
      "-dash.env",
      "glob*[x]?.env",
    ];
    for (const [i, n] of names.entries()) repo.write(n, line(`name-${i}`));
    repo.git("add", "--", ...names);
    const s = await json(["staged"], repo.dir);
    expect(s.doc.findings.map((f: { path: string }) => f.path).sort()).toEqual([...names].sort());
    repo.git("commit", "-q", "-m", "names");
    const h = await json(["history"], repo.dir);
    expect(h.doc.findings.map((f: { path: string }) => f.path).sort()).toEqual([...names].sort());
    // File names after "--" (as hook managers should pass them): a leading dash is a path, a glob is literal.
    const given = await json(["staged", "--", "-dash.env", "glob*[x]?.env"], repo.dir);
    expect(given.doc.findings.map((f: { path: string }) => f.path).sort()).toEqual(["-dash.env", "glob*[x]?.env"]);
  });

  it("UTF-16 with BOM, Latin-1, CRLF and mixed line endings staged and committed: right lines", async () => {
    const repo = repoFor();
    repo.write("u16.env", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# x\r\n${line("u16")}`, "utf16le")]));
    repo.write("latin1.env", Buffer.from(`# caf\u00e9\n${line("latin1")}`, "latin1"));
    repo.write("crlf.env", `a\r\nb\r\n${line("crlf").replace("\n", "\r\n")}`);
    repo.write("mixed.env", `a\rb\nc\r\n${line("mixed")}`);
    repo.git("add", ".");
    const expected = [
      "aws-access-key-id crlf.env:3",
      "aws-access-key-id latin1.env:2",
      "aws-access-key-id mixed.env:3",
      "aws-access-key-id u16.env:2",
    ];
    expect(brief((await json(["staged"], repo.dir)).doc.findings)).toEqual(expected);
    repo.git("commit", "-q", "-m", "enc");
    // History does not probe binary-looking blobs (UTF-16): it says so instead.
    const h = await json(["history"], repo.dir);
    expect(brief(h.doc.findings)).toEqual(expected.filter((e) => !e.includes("u16")));
    expect(h.doc.skipped).toContainEqual(expect.objectContaining({ path: "u16.env", reason: "binary" }));
  });

  it("binary files, NUL-laced text and a file over maxFileSize are skipped with notices (exit 0)", async () => {
    const repo = repoFor();
    repo.write("img.png", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(line("png"))]));
    repo.write("nul.txt", `x\u0000\n${line("nul")}`);
    repo.write("big.log", Buffer.alloc(6 * 1024 * 1024, "a\n"));
    repo.git("add", ".");
    const s = await json(["staged"], repo.dir);
    expect(s.code).toBe(0);
    expect(s.doc.skipped.map((k: { path: string; reason: string }) => [k.path, k.reason]).sort()).toEqual([
      ["big.log", "too-large"],
      ["img.png", "binary"],
      ["nul.txt", "binary"],
    ]);
  });

  it("submodules: a submodule pointer is skipped with a notice, not scanned or crashed on", async () => {
    const sub = repoFor();
    sub.commit("sub", { "inner.env": line("submodule") });
    const repo = repoFor();
    repo.commit("one", { "a.txt": "x\n" });
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/sub");
    const s = await json(["staged"], repo.dir);
    expect(s.code).toBe(0);
    expect(s.doc.skipped).toContainEqual(expect.objectContaining({ path: "vendor/sub", reason: "submodule" }));
    repo.git("commit", "-q", "-m", "submodule");
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(0);
    expect(h.doc.findings).toEqual([]);
    const scan = await json(["scan", "."], repo.dir);
    expect(scan.code).not.toBe(2);
  });

  it("a Git LFS pointer staged: scanned as text, no finding", async () => {
    const repo = createRepo();
    cleanups.push(() => repo.cleanup());
    repo.write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    repo.write(
      "model.bin",
      "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.git("add", ".");
    const s = await json(["staged", "--no-config"], repo.dir);
    expect(s.doc?.findings ?? s.stderr).toEqual([]);
    expect(s.code).toBe(0);
  });
});

describe("findings of a stream source", () => {
  it("staged: the secret of a partially staged file is judged on the index, not the work tree", async () => {
    const repo = repoFor();
    repo.commit("one", { "a.env": "A=1\n" });
    repo.write("a.env", `A=1\n${line("partial")}`);
    expect((await json(["staged"], repo.dir)).doc.findings).toEqual([]);
    repo.git("add", "a.env");
    repo.write("a.env", "A=1\n");
    expect(brief((await json(["staged"], repo.dir)).doc.findings)).toEqual(["aws-access-key-id a.env:2"]);
  });
});
