/**
 * The hook-manager recipes in docs/hooks-and-ci.md are the ones tested: each is read from the page
 * and run the way its manager runs it (lefthook: the `run:` line through sh with {1} {2} and stdin;
 * husky: the block `gitward install` writes; pre-commit: hook ids that .pre-commit-hooks.yaml
 * declares, whose entries test/git/manifests.test.ts runs). Edit the page, and these follow.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { awsRepo, fakeAwsKey, installGitward, ROOT } from "../git/git-helpers.js";
import { createRepo, GIT_ENV, reposPerTest, runBin, type TempRepo } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const PAGE = readFileSync(join(ROOT, "docs/hooks-and-ci.md"), "utf8");
const KEY = fakeAwsKey("recipes");

/** The fenced block whose first line is `# <name>`. */
function recipe(name: string): string {
  const block = [...PAGE.matchAll(/```[a-z]*\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((b) => b.startsWith(`# ${name}\n`));
  if (!block) throw new Error(`docs/hooks-and-ci.md has no block starting "# ${name}"`);
  return block;
}

/** A project with gitward installed as a dev dependency would have it. */
function project(): TempRepo {
  return installGitward(repos.track(awsRepo()));
}

/** Runs a lefthook `run:` command as lefthook does: sh -c from the top of the work tree, {N} = the hook's Nth argument. */
function lefthookRun(r: TempRepo, command: string, hookArgs: string[] = [], stdin = "") {
  const expanded = command.replace(/\{(\d+)\}/g, (_, n: string) => hookArgs[Number(n) - 1] ?? "");
  const p = spawnSync("sh", ["-c", expanded], {
    cwd: r.dir,
    input: stdin,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV, NO_COLOR: "1" },
  });
  return { code: p.status, out: `${p.stdout}${p.stderr}` };
}

describe("docs/hooks-and-ci.md recipes", () => {
  it("lefthook: the pre-commit command blocks a staged secret and passes a clean commit", () => {
    const config = parse(recipe("lefthook.yml")) as Record<
      string,
      { commands: Record<string, { run: string; use_stdin?: boolean }> }
    >;
    const run = config["pre-commit"]?.commands.gitward?.run as string;
    expect(run).toMatch(/gitward staged/);
    const r = project();
    r.write("a.env", `K=${KEY}\n`);
    r.git("add", "a.env");
    const bad = lefthookRun(r, run);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/aws-access-key-id/);
    expect(bad.out).toMatch(/a\.env:1:3/);
    r.git("rm", "-q", "--cached", "a.env");
    r.write("b.txt", "fine\n");
    r.git("add", "b.txt");
    expect(lefthookRun(r, run).code).toBe(0);
  });

  it("lefthook: the pre-push command (with use_stdin) blocks a pushed secret", () => {
    const config = parse(recipe("lefthook.yml")) as Record<
      string,
      { commands: Record<string, { run: string; use_stdin?: boolean }> }
    >;
    const push = config["pre-push"]?.commands.gitward;
    expect(push?.use_stdin).toBe(true);
    const remote = createRepo({ bare: true });
    repos.track(remote);
    const r = project();
    r.commit("base", { "a.txt": "a\n" });
    r.git("remote", "add", "origin", remote.dir);
    r.git("push", "-q", "origin", "main");
    const base = r.git("rev-parse", "HEAD").trim();
    const head = r.commit("leak", { "s.env": `K=${KEY}\n` });
    const res = lefthookRun(r, push?.run as string, ["origin", remote.dir], `refs/heads/main ${head} refs/heads/main ${base}\n`);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/s\.env:1/);
  });

  it("husky: the blocks shown are the ones gitward install writes", () => {
    const r = project();
    mkdirSync(join(r.dir, ".husky"));
    expect(runBin(["install", "--pre-push"], r.dir).code).toBe(0);
    for (const hook of ["pre-commit", "pre-push"]) {
      const written = readFileSync(join(r.dir, ".husky", hook), "utf8");
      const shown = recipe(`.husky/${hook}`);
      const block = (text: string) => text.slice(text.indexOf("# >>> gitward >>>"), text.indexOf("# <<< gitward <<<"));
      expect(block(shown)).toBe(block(written));
    }
  });

  it("pre-commit: the recipe's hook ids are the ones .pre-commit-hooks.yaml declares", () => {
    const config = parse(recipe(".pre-commit-config.yaml")) as { repos: { repo: string; hooks: { id: string }[] }[] };
    // Hooks from this repository (a `repo: local` entry declares its own).
    const ids = config.repos.filter((r) => r.repo !== "local").flatMap((r) => r.hooks.map((h) => h.id));
    const declared = (parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as { id: string }[]).map((h) => h.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(declared).toContain(id);
  });
});
