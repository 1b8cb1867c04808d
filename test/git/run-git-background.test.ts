/**
 * runGitInBackground: git writes into anonymous files (created and unlinked at
 * once in a directory private to the repository) instead of pipes. It must give
 * what runGitSync gives, fail the same way, leave nothing behind, and step aside
 * (undefined) when it cannot make its files, so the caller runs git another way.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGitInBackground, runGitSync } from "../../src/git/run-git.js";
import { reposPerTest } from "../helpers/temp-repo.js";

const repo = reposPerTest();

describe("runGitInBackground", () => {
  it("gives git's output, errors and exit code as runGitSync does, and leaves no file behind", async () => {
    const r = repo();
    // Output larger than a pipe's buffer, with bytes that are not UTF-8.
    const big = `${"line of text\n".repeat(20_000)}\u00ff\n`;
    r.commit("base", { "big.txt": big });
    const gitDir = join(r.dir, ".git");
    const before = readdirSync(gitDir).sort();
    const args = ["show", "HEAD:big.txt"];
    const ran = await (runGitInBackground(args, r.dir, gitDir) as Promise<unknown>);
    expect(ran).toEqual(runGitSync(args, r.dir));
    expect((ran as { stdout: Buffer }).stdout.length).toBe(Buffer.byteLength(big));

    const failing = ["show", "HEAD:no-such-file"];
    const syncError = (() => {
      try {
        runGitSync(failing, r.dir);
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(syncError).toMatch(/^git show HEAD:no-such-file failed: fatal: .*no-such-file/);
    await expect(runGitInBackground(failing, r.dir, gitDir)).rejects.toThrow(syncError);
    expect(readdirSync(gitDir).sort()).toEqual(before);
  });

  it("steps aside when its files cannot be made there", () => {
    const r = repo();
    expect(runGitInBackground(["status"], r.dir, join(r.dir, "no-such-dir"))).toBeUndefined();
    expect(runGitInBackground(["status"], r.dir, join(r.dir, ".git", "HEAD"))).toBeUndefined();
  });

  it("rejects with a clear message when git cannot be started", async () => {
    const r = repo();
    const path = process.env.PATH;
    process.env.PATH = join(r.dir, "no-bin");
    try {
      await expect(runGitInBackground(["status"], r.dir, join(r.dir, ".git"))).rejects.toThrow(/^cannot run git: /);
    } finally {
      process.env.PATH = path;
    }
  });
});
