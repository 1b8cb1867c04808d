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
import { describe, expect, it } from "vitest";
import { awsKeyLine, awsRepo, brief } from "../git/git-helpers.js";
import { createRepo, GIT_ENV, reposPerTest, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const repos = reposPerTest();
const repoFor = (): TempRepo => repos.track(awsRepo());
const line = awsKeyLine;
async function json(argv: string[], cwd: string) {
  const dashes = argv.indexOf("--");
  const args =
    dashes === -1 ? [...argv, "--format", "json"] : [...argv.slice(0, dashes), "--format", "json", ...argv.slice(dashes)];
  const r = await runCli(args, cwd);
  expect(r.stderr).not.toMatch(/internal error/);
  const doc = r.stdout ? JSON.parse(r.stdout) : undefined;
  if (argv[0] === "history" && !argv.includes("--jobs")) {
    // Both ways of reading history must agree: one git log walking it (--jobs 1) and the commit
    // list dealt to several git log processes (--jobs 2).
    for (const jobs of ["1", "2"]) {
      const other = await runCli([argv[0], "--jobs", jobs, ...args.slice(1)], cwd);
      expect(other.code).toBe(r.code);
      expect(other.stdout ? JSON.parse(other.stdout).findings : undefined).toEqual(doc?.findings);
    }
  }
  return { ...r, doc };
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
    repos.track({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
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
    repos.track({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
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
    repos.track({ cleanup: () => rmSync(join(wt, ".."), { recursive: true, force: true }) });
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

describe("merge commits (history and pre-push scan the lines no parent has)", () => {
  type F = { ruleId: string; path: string; startLine: number; commit?: { sha: string }; occurrences?: number };
  const where = (findings: F[]) => findings.map((f) => [f.path, f.startLine, f.commit?.sha, f.occurrences]);
  /** A base commit on main and a bare remote that has it, so pre-push has something to compare with. */
  function pushable(files: Record<string, string>): { repo: TempRepo; remoteSha: string } {
    const repo = repoFor();
    const remote = createRepo({ bare: true });
    repos.track({ cleanup: () => remote.cleanup() });
    const remoteSha = repo.commit("base", files);
    repo.git("remote", "add", "origin", remote.dir);
    repo.git("push", "-q", "origin", "main");
    return { repo, remoteSha };
  }
  async function prePush(repo: TempRepo, remoteSha: string) {
    const head = repo.git("rev-parse", "HEAD").trim();
    const r = await runCli(["pre-push", "origin", "url", "--format", "json"], repo.dir, {
      stdin: `refs/heads/main ${head} refs/heads/main ${remoteSha}\n`,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
  }
  /** `git merge` that is expected to stop on a conflict. */
  function mergeWithConflict(repo: TempRepo, branch: string): void {
    expect(() => repo.git("merge", "-q", branch)).toThrow();
    expect(repo.git("diff", "--name-only", "--diff-filter=U")).not.toBe("");
  }

  it("a secret introduced only in a merge's conflict resolution is found, tied to the merge commit", async () => {
    const repo = repoFor();
    repo.commit("base", { "conf.env": "KEY=base\n" });
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("side", { "conf.env": "KEY=side\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "conf.env": "KEY=main\n" });
    mergeWithConflict(repo, "side");
    repo.write("conf.env", line("evil-merge"));
    repo.git("add", "conf.env");
    repo.git("commit", "-q", "--no-edit");
    const merge = repo.git("rev-parse", "HEAD").trim();
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(where(h.doc.findings)).toEqual([["conf.env", 1, merge, 1]]);
  });

  it("a conflict resolution and an evil-merge line: tied to the merge, at their lines in the merged file (history and pre-push)", async () => {
    const body = (l5: string) => ["l1", "l2", "l3", "l4", l5, "l6", "l7", "l8", "l9", "l10"].map((l) => `${l}\n`).join("");
    const { repo, remoteSha } = pushable({ "app.env": body("KEY=base"), "notes.txt": "n\n" });
    repo.git("checkout", "-q", "-b", "side");
    const side = repo.commit("side", { "app.env": body("KEY=side") });
    repo.git("checkout", "-q", "main");
    const main = repo.commit("main", { "app.env": body("KEY=main") });
    mergeWithConflict(repo, "side");
    // The resolution writes a new secret where the conflict was (line 5) and slips another one in far
    // from it (line 10), plus a new file: none of it is in either parent.
    const resolved = body(`KEY=main\n${line("resolution").trimEnd()}`).replace("l8\n", `l8\n${line("evil-line")}`);
    repo.write("app.env", resolved);
    repo.write("extra/new.env", `# added by the merge\n${line("evil-file")}`);
    repo.git("add", "app.env", "extra/new.env");
    repo.git("commit", "-q", "--no-edit");
    const merge = repo.git("rev-parse", "HEAD").trim();
    expect(repo.read("app.env").split("\n")[5]).toBe(line("resolution").trimEnd());
    expect(repo.read("app.env").split("\n")[9]).toBe(line("evil-line").trimEnd());
    const expected = [
      ["app.env", 6, merge, 1],
      ["app.env", 10, merge, 1],
      ["extra/new.env", 2, merge, 1],
    ];
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(where(h.doc.findings)).toEqual(expected);
    // Only the merge in the range: the same findings (it is the merge's own content, not its parents').
    const only = await json(["history", `${main}..${merge}`], repo.dir);
    expect(only.doc.summary.commits).toBe(2); // side and the merge
    expect(where(only.doc.findings)).toEqual(expected);
    const p = await prePush(repo, remoteSha);
    expect(p.code).toBe(1);
    expect(where(p.doc.findings)).toEqual(expected);
    expect(side).not.toBe(merge);
  });

  it("a clean merge adds no finding: the side branch's secret stays with the side commit", async () => {
    const { repo, remoteSha } = pushable({ "a.txt": "a\n" });
    repo.git("checkout", "-q", "-b", "side");
    const side = repo.commit("side", { "s.env": `# side\n${line("clean-merge")}` });
    repo.git("checkout", "-q", "main");
    const main = repo.commit("main", { "m.txt": "m\n" });
    repo.git("merge", "-q", "--no-ff", "--no-edit", "side");
    const merge = repo.git("rev-parse", "HEAD").trim();
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(where(h.doc.findings)).toEqual([["s.env", 2, side, 1]]);
    // The merge alone (with main's commit): nothing, although the merge brings s.env into main.
    const mergeOnly = await json(["history", `side..${merge}`], repo.dir);
    expect(mergeOnly.doc.summary.commits).toBe(2);
    expect(mergeOnly.doc.findings).toEqual([]);
    expect(mergeOnly.code).toBe(0);
    const p = await prePush(repo, remoteSha);
    expect(where(p.doc.findings)).toEqual([["s.env", 2, side, 1]]);
    expect(main).not.toBe(merge);
  });

  it("a resolution that keeps a side's secret line (moved): attributed to the side commit, not re-reported at the merge", async () => {
    const repo = repoFor();
    repo.commit("base", { "c.env": "l1\nl2\nl3\nl4\nKEY=base\nl6\nl7\n" });
    repo.git("checkout", "-q", "-b", "side");
    const secret = line("kept-side").trimEnd();
    const side = repo.commit("side", { "c.env": `l1\nl2\nl3\nl4\n${secret}\nl6\nl7\n` });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "c.env": "l1\nl2\nl3\nl4\nREGION=x\nl6\nl7\n" });
    mergeWithConflict(repo, "side");
    // Both sides kept, the side's line moved to the end: the combined diff shows it as added
    // relative to both parents at the end (and as lost from the side inside the conflict region).
    repo.write("c.env", `l1\nl2\nl3\nl4\nREGION=x\nl6\nl7\n${secret}\n`);
    repo.git("add", "c.env");
    repo.git("commit", "-q", "--no-edit");
    const merge = repo.git("rev-parse", "HEAD").trim();
    const combined = repo.git("diff-tree", "-c", "-U0", merge);
    expect(combined).toContain(`\n++${secret}\n`); // the control: git does show it as added at the merge
    expect(combined).toContain(`\n -${secret}\n`);
    const h = await json(["history"], repo.dir);
    expect(where(h.doc.findings)).toEqual([["c.env", 5, side, 1]]);
    const mergeOnly = await json(["history", `side..${merge}`], repo.dir);
    expect(mergeOnly.doc.findings).toEqual([]);
  });

  it("an evil octopus merge: only the lines new relative to every parent, tied to the merge", async () => {
    const repo = repoFor();
    repo.commit("base", { "two.txt": "t1\n", "a.txt": "a\n" });
    repo.git("checkout", "-q", "-b", "b1");
    const b1 = repo.commit("b1", { "one.env": line("octopus-b1") });
    repo.git("checkout", "-q", "-b", "b2", "main");
    repo.commit("b2", { "two.txt": "t1\nt2\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "m.txt": "m\n" });
    repo.git("merge", "-q", "--no-edit", "b1", "b2");
    // Make it an evil octopus: amend it with content no parent has (the parents stay).
    repo.write("two.txt", `t1\nt2\n${line("octopus-evil")}`);
    repo.write("evil.env", line("octopus-file"));
    repo.git("add", "two.txt", "evil.env");
    repo.git("commit", "-q", "--amend", "--no-edit");
    const octopus = repo.git("rev-parse", "HEAD").trim();
    expect(repo.git("rev-list", "--parents", "-n", "1", octopus).trim().split(" ")).toHaveLength(4);
    const h = await json(["history"], repo.dir);
    expect(h.code).toBe(1);
    expect(where(h.doc.findings)).toEqual([
      ["evil.env", 1, octopus, 1],
      ["one.env", 1, b1, 1],
      ["two.txt", 3, octopus, 1],
    ]);
  });
});

describe("history content", () => {
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
    // History decodes what git shows as binary (UTF-16) like staged does.
    const h = await json(["history"], repo.dir);
    expect(brief(h.doc.findings)).toEqual(expected);
    expect(h.doc.skipped).toEqual([]);
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
    repos.track({ cleanup: () => repo.cleanup() });
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
