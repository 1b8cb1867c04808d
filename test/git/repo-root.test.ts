/**
 * findRepoRoot answers what `git rev-parse --show-toplevel` answers, in every
 * layout; its fast path (no git process, for the plain layout) must step aside
 * whenever git could place the work tree elsewhere.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot, plainWorkTreeRoot } from "../../src/git/run-git.js";
import { reposPerTest, tempDir } from "../helpers/temp-repo.js";

const repo = reposPerTest();

function gitToplevel(cwd: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    return undefined;
  }
}

describe("findRepoRoot", () => {
  it("finds the plain work tree root without git, from the root, a subdirectory and a symlinked path", async () => {
    const r = repo();
    r.commit("base", { "src/deep/a.txt": "a\n" });
    const link = join(tempDir("gitward-link-"), "repo-link");
    symlinkSync(join(r.dir, "src"), link);
    const root = realpathSync(r.dir);
    for (const cwd of [r.dir, join(r.dir, "src/deep"), link]) {
      expect(plainWorkTreeRoot(cwd)).toBe(root);
      expect(await findRepoRoot(cwd)).toBe(gitToplevel(cwd));
    }
  });

  it("leaves worktrees, submodules, core.worktree, bare repositories and .git itself to git", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    const wt = join(tempDir("gitward-wt-"), "wt");
    r.git("worktree", "add", "-q", wt);
    const sub = repo();
    sub.commit("sub", { "s.txt": "s\n" });
    r.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/sub");
    const inSub = join(r.dir, "vendor/sub");
    const inGitDir = join(r.dir, ".git/refs");

    const moved = repo();
    moved.commit("base", { "a.txt": "a\n" });
    const elsewhere = tempDir("gitward-elsewhere-");
    moved.git("config", "core.worktree", elsewhere);

    const bare = tempDir("gitward-bare-");
    execFileSync("git", ["init", "-q", "--bare", bare]);
    const notRepo = tempDir("gitward-plain-");
    mkdirSync(join(notRepo, "x"));

    for (const cwd of [wt, inSub, inGitDir, moved.dir, bare, join(notRepo, "x")]) {
      expect(plainWorkTreeRoot(cwd), cwd).toBeUndefined();
      expect(await findRepoRoot(cwd), cwd).toBe(gitToplevel(cwd));
    }
    expect(await findRepoRoot(wt)).toBe(realpathSync(wt));
    expect(await findRepoRoot(inSub)).toBe(realpathSync(inSub));
    expect(await findRepoRoot(moved.dir)).toBe(realpathSync(elsewhere));
  });

  it("asks git when the environment names the repository (GIT_DIR, as in a worktree's hooks)", () => {
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = join(r.dir, ".git");
    try {
      expect(plainWorkTreeRoot(r.dir)).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
    expect(plainWorkTreeRoot(r.dir)).toBe(realpathSync(r.dir));
  });
});
