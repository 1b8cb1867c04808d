import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startStagedDiff } from "../../src/sources/staged.js";
import { createRepo, reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { awsRepo, brief, fakeAwsKey, findingsOf, snapshot } from "./git-helpers.js";

const repos = reposPerTest();
/** A repository with the test AWS pack configured (see git-helpers), removed after the test. */
const repo = (): TempRepo => repos.track(awsRepo());

async function staged(r: TempRepo, ...args: string[]) {
  const out = await runCli(["staged", "-f", "json", ...args], r.dir);
  return { ...out, findings: out.code === 2 && !out.stdout ? [] : brief(findingsOf(out.stdout)) };
}

const K1 = fakeAwsKey("staged-1");
const K2 = fakeAwsKey("staged-2");

describe("gitward staged", () => {
  it("first commit (no HEAD): reports the secret with its line in the new file", async () => {
    const r = repo();
    r.write("config/app.env", `A=1\nB=2\nAWS_KEY=${K1}\n`);
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.code).toBe(1);
    expect(out.findings).toEqual(["aws-access-key-id config/app.env:3"]);
  });

  it("modified file: only added lines, numbered in the new file", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "1\n2\n3\n4\n5\n" });
    r.write("a.txt", `1\n2\nnew ${K1}\n4\n5\nmore ${K2}\n`);
    r.git("add", "a.txt");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id a.txt:3", "aws-access-key-id a.txt:6"]);
    const json = findingsOf(out.stdout);
    expect(json[0]?.startColumn).toBe(5);
  });

  it("a secret already committed (unchanged lines) is not reported again", async () => {
    const r = repo();
    r.commit("base", { "a.txt": `old ${K1}\n` });
    r.write("a.txt", `old ${K1}\nclean\n`);
    r.git("add", "a.txt");
    const out = await staged(r);
    expect(out.code).toBe(0);
    expect(out.findings).toEqual([]);
    expect(out.stderr).toBe("");
  });

  it("nothing staged: clean exit", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "x\n" });
    r.write("a.txt", `unstaged ${K1}\n`);
    const out = await runCli(["staged"], r.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/scanned 0 staged files/);
  });

  it("partial staging (git add -p): the unstaged part is neither scanned nor reported, and index and work tree stay byte-identical", async () => {
    const r = repo();
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    r.commit("base", { "p.txt": `${lines.join("\n")}\n` });
    // Stage a secret on line 2; leave another secret on line 19 unstaged.
    const staged1 = [...lines];
    staged1[1] = `staged ${K1}`;
    r.write("p.txt", `${staged1.join("\n")}\n`);
    r.git("add", "p.txt");
    const work = [...staged1];
    work[18] = `unstaged ${K2}`;
    r.write("p.txt", `${work.join("\n")}\n`);
    const before = snapshot(r.dir);
    const indexBefore = readFileSync(join(r.dir, ".git/index"));
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id p.txt:2"]);
    expect(readFileSync(join(r.dir, ".git/index")).equals(indexBefore)).toBe(true);
    expect(snapshot(r.dir)).toEqual(before);
    expect(r.git("diff", "--cached", "--name-only").trim()).toBe("p.txt");
    expect(r.git("diff", "--name-only").trim()).toBe("p.txt");
    expect(r.git("stash", "list")).toBe("");
  });

  it("partial staging the other way: staged part clean, secret only in the work tree", async () => {
    const r = repo();
    r.commit("base", { "p.txt": "a\nb\nc\n" });
    r.write("p.txt", "a\nB\nc\n");
    r.git("add", "p.txt");
    r.write("p.txt", `a\nB\nc ${K1}\n`);
    const before = snapshot(r.dir);
    const out = await staged(r);
    expect(out.code).toBe(0);
    expect(out.findings).toEqual([]);
    expect(snapshot(r.dir)).toEqual(before);
  });

  it("renames and copies report the new path; a pure rename of a file with an old secret is clean", async () => {
    const r = repo();
    r.commit("base", { "old name.txt": `x\n${"filler line\n".repeat(10)}`, "keep.txt": `k ${K2}\n${"same\n".repeat(10)}` });
    r.git("mv", "keep.txt", "moved.txt");
    r.git("mv", "old name.txt", "new name.txt");
    writeFileSync(join(r.dir, "new name.txt"), `x\n${"filler line\n".repeat(10)}added ${K1}\n`);
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id new name.txt:12"]);
    expect(r.git("diff", "--cached", "--name-status", "-M")).toMatch(/^R/m);
  });

  it("copies: only the lines that differ from the copy source", async () => {
    const r = repo();
    const body = `${"shared line\n".repeat(20)}`;
    r.commit("base", { "src.txt": body });
    r.write("src.txt", `${body}tweak\n`);
    r.write("copy.txt", `${body}copied ${K1}\n`);
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id copy.txt:21"]);
  });

  it("deletions: nothing to scan", async () => {
    const r = repo();
    r.commit("base", { "gone.txt": `k ${K1}\n`, "other.txt": `line\nk ${K2}\n` });
    r.git("rm", "-q", "gone.txt");
    r.write("other.txt", "line\n");
    r.git("add", "other.txt");
    const out = await staged(r);
    expect(out.code).toBe(0);
    expect(out.findings).toEqual([]);
  });

  it("binary files are skipped with a notice, not silently", async () => {
    const r = repo();
    r.write("blob.bin", Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(` ${K1}\n`)]));
    r.git("add", "-A");
    const out = await runCli(["staged", "--verbose"], r.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/skipped 1 file: 1 binary/);
    expect(out.stdout).toMatch(/skipped blob\.bin: binary content/);
  });

  it("UTF-16 text (binary to git) is still scanned", async () => {
    const r = repo();
    const text = `x\nkey ${K1}\n`;
    r.write("w.txt", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id w.txt:2"]);
  });

  it("files over --max-file-size are skipped with a too-large notice", async () => {
    const r = repo();
    r.write("huge.txt", `${"x".repeat(4000)}\nkey ${K1}\n`);
    r.write("small.txt", "fine\n");
    r.git("add", "-A");
    const out = await runCli(["staged", "--max-file-size", "2KB", "--verbose"], r.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/skipped huge\.txt: \d+ bytes > limit 2048/);
  });

  it("maxFileSize from the config applies too (the diff started before the config loaded is redone)", async () => {
    const r = repo();
    r.write(".gitward.yaml", "maxFileSize: 2KB\n");
    r.write("huge.txt", `${"x".repeat(4000)}\nkey ${K1}\n`);
    r.write("small.txt", `key ${K1}\n`);
    r.git("add", "-A");
    const out = await runCli(["staged", "--verbose"], r.dir);
    expect(out.stdout).toMatch(/skipped huge\.txt: \d+ bytes > limit 2048/);
    expect(out.stdout).toContain("small.txt:1");
    expect(out.code).toBe(1);
  });

  it("mode-only changes are clean even when the file holds an old secret", async () => {
    const r = repo();
    r.commit("base", { "run.sh": `#!/bin/sh\n# ${K1}\n` });
    chmodSync(join(r.dir, "run.sh"), 0o755);
    r.git("add", "run.sh");
    expect(r.git("diff", "--cached", "--summary")).toMatch(/mode change/);
    const out = await staged(r);
    expect(out.code).toBe(0);
    expect(out.findings).toEqual([]);
  });

  it("submodule pointer changes are not scanned as text", async () => {
    const sub = createRepo();
    repos.track(sub);
    sub.commit("s1", { "s.txt": "one\n" });
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    r.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/sub");
    const out = await runCli(["staged", "--verbose", "-f", "json"], r.dir);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { skipped: { path: string; reason: string }[] };
    expect(doc.skipped.map((s) => `${s.path} ${s.reason}`)).toContain("vendor/sub submodule");
  });

  it("CRLF files: right line and column; the reported line has no stray \\r", async () => {
    const r = repo();
    r.commit("base", { "w.ini": "[a]\r\nx=1\r\n" });
    r.write("w.ini", `[a]\r\nx=1\r\nkey=${K1}\r\n`);
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id w.ini:3"]);
    expect(findingsOf(out.stdout)[0]?.startColumn).toBe(5);
  });

  it("file names with spaces, unicode, quotes, newlines and a leading dash", async () => {
    const r = repo();
    const names = [
      "with space.txt",
      "ünï cødé 日本.txt",
      "q\"uo'te.txt",
      "new\nline.txt",
      "-leading-dash.txt",
      "tab\there.txt",
      "back\\slash.txt",
    ];
    for (const n of names) r.write(n, `a\nk ${K1}\n`);
    r.git("add", "-A");
    const out = await staged(r);
    expect(out.findings.sort()).toEqual(names.map((n) => `aws-access-key-id ${n}:2`).sort());
  });

  it("merge with a conflict resolution that adds a secret", async () => {
    const r = repo();
    r.commit("base", { "m.txt": "a\nb\nc\n" });
    r.git("checkout", "-q", "-b", "side");
    r.commit("side", { "m.txt": "a\nSIDE\nc\n" });
    r.git("checkout", "-q", "main");
    r.commit("main", { "m.txt": "a\nMAIN\nc\n" });
    try {
      r.git("merge", "-q", "side");
    } catch {
      // conflict expected
    }
    r.write("m.txt", `a\nresolved ${K1}\nc\n`);
    r.git("add", "m.txt");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id m.txt:2"]);
  });

  it("--amend: a secret staged for an amend is blocked (diff against the commit being amended)", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    r.commit("wip", { "b.txt": "b\n" });
    r.write("b.txt", `b\nk ${K1}\n`);
    r.git("add", "b.txt");
    const out = await staged(r);
    expect(out.findings).toEqual(["aws-access-key-id b.txt:2"]);
  });

  it("pre-commit framework style: files with nothing staged are scanned whole (--all-files)", async () => {
    const r = repo();
    r.commit("base", { "a.txt": `one\nk ${K1}\n`, "b.txt": "clean\n" });
    const out = await staged(r, "a.txt", "b.txt");
    expect(out.code).toBe(1);
    expect(out.findings).toEqual(["aws-access-key-id a.txt:2"]);
    const clean = await staged(r, "b.txt");
    expect(clean.code).toBe(0);
  });

  it("pre-commit framework style: given files that are staged use the staged diff only", async () => {
    const r = repo();
    r.commit("base", { "a.txt": `old ${K1}\n` });
    r.write("a.txt", `old ${K1}\nnew ${K2}\n`);
    r.git("add", "a.txt");
    const out = await staged(r, "a.txt");
    expect(out.findings).toEqual(["aws-access-key-id a.txt:2"]);
  });

  it("given files that cannot be found: says so and fails closed (exit 2)", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    const out = await runCli(["staged", "nope.txt"], r.dir);
    expect(out.code).toBe(2);
    expect(out.stdout + out.stderr).toMatch(/nope\.txt: not in the index or the work tree/);
  });

  it("scan --staged is the same command; the summary and the --no-verify hint are printed", async () => {
    const r = repo();
    r.write("a.txt", `k ${K1}\n`);
    r.git("add", "-A");
    const out = await runCli(["scan", "--staged"], r.dir);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/scanned 1 staged file, 1 added line \(\d+ B\) in \d+ ms/);
    expect(out.stderr).toMatch(/--no-verify/);
  });

  it("works from a subdirectory, reporting repository paths", async () => {
    const r = repo();
    r.write("sub/dir/a.txt", `k ${K1}\n`);
    r.git("add", "-A");
    const out = await runCli(["staged", "-f", "json"], join(r.dir, "sub"));
    expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id sub/dir/a.txt:1"]);
  });

  it("outside a work tree: a clear error, exit 2", async () => {
    const bare = createRepo({ bare: true });
    repos.track(bare);
    const withConfig = repo();
    const out = await runCli(["staged", "--config", join(withConfig.dir, ".gitward.yaml")], bare.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/not inside a git work tree/);
  });

  it("the staged diff is the same whether git runs in the background (files in .git), synchronously or through pipes, and so are its errors", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "1\n2\n", "b.txt": "x\n" });
    r.write("a.txt", `1\nnew ${K1}\n2\n`);
    r.write("c d.txt", "spaced\n");
    r.git("mv", "b.txt", "moved.txt");
    r.git("add", "-A");
    const gitDir = () => readdirSync(join(r.dir, ".git")).sort();
    const before = gitDir();
    const sync = await startStagedDiff(r.dir, 1 << 20, [], undefined, false).output;
    const async = await startStagedDiff(r.dir, 1 << 20, [], -1, false).output;
    const background = await startStagedDiff(r.dir, 1 << 20).output;
    expect(sync.code).toBe(0);
    expect(sync.stdout.toString()).toContain(`+new ${K1}`);
    expect(sync.stdout.toString()).toContain("rename to moved.txt");
    expect(async).toEqual(sync);
    expect(background).toEqual(sync);
    // A pathspec git refuses: the same failure every way.
    const bad = (syncBytes?: number, inBackground = false) =>
      startStagedDiff(r.dir, 1 << 20, ["../../outside"], syncBytes, inBackground).output;
    const syncError = await bad().catch((e: Error) => e.message);
    expect(syncError).toMatch(/^git .*diff --cached failed: .*outside/);
    expect(await bad(-1).catch((e: Error) => e.message)).toBe(syncError);
    expect(await bad(undefined, true).catch((e: Error) => e.message)).toBe(syncError);
    // The background run's files were unlinked when made: nothing is left in .git.
    expect(gitDir()).toEqual(before);
  });

  it("GIT_INDEX_FILE (set by git for commit hooks) is the index diffed and sized", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "1\n" });
    r.write("a.txt", `1\n${K1}\n`);
    r.git("add", "a.txt");
    // An alternate index holding nothing new, as git prepares for `git commit <paths>`.
    r.git("read-tree", "--index-output=.git/other-index", "HEAD");
    const previous = process.env.GIT_INDEX_FILE;
    process.env.GIT_INDEX_FILE = ".git/other-index";
    try {
      const out = await startStagedDiff(r.dir, 1 << 20).output;
      expect(out.stdout.toString()).toBe("");
    } finally {
      if (previous === undefined) delete process.env.GIT_INDEX_FILE;
      else process.env.GIT_INDEX_FILE = previous;
    }
    expect((await startStagedDiff(r.dir, 1 << 20).output).stdout.toString()).toContain(K1);
  });
});
