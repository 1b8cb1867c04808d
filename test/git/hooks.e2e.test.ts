/**
 * End to end through real hooks: the built binary (npm run build) is linked as
 * node_modules/.bin/gitward in temp repositories, installed with `gitward
 * install`, and triggered by real `git commit` / `git push`.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, createRepo, GIT_ENV, reposPerTest, runBin, type TempRepo } from "../helpers/temp-repo.js";
import { awsRepo, fakeAwsKey, installGitward, ROOT, snapshot } from "./git-helpers.js";

const repos = reposPerTest();

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli/run.js"))) throw new Error("run `npm run build` before the hook e2e tests");
});

const K1 = fakeAwsKey("hooks-1");
const K2 = fakeAwsKey("hooks-2");

/** A repo where gitward is installed as a dev dependency would be (node_modules/.bin/gitward). */
function project(): TempRepo {
  return installGitward(repos.track(awsRepo()));
}

/** Runs git like a user would: hooks enabled, output captured. */
function git(r: TempRepo, args: string[], env: Record<string, string> = {}) {
  const p = spawnSync("git", args, {
    cwd: r.dir,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV, NO_COLOR: "1", CI: "true", ...env },
  });
  return { code: p.status ?? -1, out: `${p.stdout}${p.stderr}` };
}

function commitFile(r: TempRepo, path: string, content: string, extra: string[] = []) {
  r.write(path, content);
  r.git("add", "--", path);
  return git(r, ["commit", "-m", `add ${path}`, ...extra]);
}

describe("plain git hook", () => {
  it("blocks a commit with a planted secret, lets a clean one through, and says how to bypass", () => {
    const r = project();
    const inst = runBin(["install"], r.dir);
    expect(inst.code).toBe(0);
    expect(inst.stdout).toMatch(/installed the pre-commit hook/);
    const bad = commitFile(r, "creds.env", `AWS=${K1}\n`);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/aws-access-key-id/);
    expect(bad.out).toMatch(/creds\.env:1:5/);
    expect(bad.out).toMatch(/--no-verify/);
    expect(bad.out).not.toContain(K1);
    expect(r.git("rev-list", "--all")).toBe("");
    r.git("reset", "-q");
    const good = commitFile(r, "readme.md", "hello\n");
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/scanned 1 staged file/);
  });

  it("respects partial staging and leaves the unstaged part in the work tree", () => {
    const r = project();
    r.commit("base", { "p.txt": `${Array.from({ length: 12 }, (_, i) => `l${i}`).join("\n")}\n` });
    runBin(["install"], r.dir);
    const lines = r.read("p.txt").split("\n");
    lines[1] = "clean change";
    r.write("p.txt", lines.join("\n"));
    r.git("add", "p.txt");
    lines[10] = `unstaged ${K1}`;
    r.write("p.txt", lines.join("\n"));
    const before = r.read("p.txt");
    const res = git(r, ["commit", "-m", "partial"]);
    expect(res.code).toBe(0);
    expect(r.read("p.txt")).toBe(before);
    expect(r.git("show", "HEAD:p.txt")).not.toContain(K1);
    expect(r.git("diff", "--name-only").trim()).toBe("p.txt");
  });

  it("honours core.hooksPath, keeps and chains an existing hook, is idempotent, and uninstall restores it", () => {
    const r = project();
    r.git("config", "core.hooksPath", ".githooks");
    mkdirSync(join(r.dir, ".githooks"));
    const legacy = '#!/bin/sh\necho "legacy hook ran" >> legacy.log\n';
    writeFileSync(join(r.dir, ".githooks/pre-commit"), legacy, { mode: 0o755 });
    appendFileSync(join(r.dir, ".git/info/exclude"), "legacy.log\n");
    expect(runBin(["install"], r.dir).stdout).toMatch(/kept the existing pre-commit hook/);
    const again = runBin(["install"], r.dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already installed/);
    expect(readFileSync(join(r.dir, ".githooks/pre-commit.gitward-chained"), "utf8")).toBe(legacy);

    expect(commitFile(r, "a.txt", `k ${K1}\n`).code).not.toBe(0);
    r.git("reset", "-q");
    expect(commitFile(r, "b.txt", "fine\n").code).toBe(0);
    expect(r.read("legacy.log")).toBe("legacy hook ran\n");

    const un = runBin(["uninstall"], r.dir);
    expect(un.stdout).toMatch(/restored the previous pre-commit hook/);
    expect(readFileSync(join(r.dir, ".githooks/pre-commit"), "utf8")).toBe(legacy);
    expect(existsSync(join(r.dir, ".githooks/pre-commit.gitward-chained"))).toBe(false);
    expect(commitFile(r, "c.txt", `k ${K2}\n`).code).toBe(0);
  });

  it("fails closed with a clear message when gitward cannot be found (the recorded one gone too)", () => {
    const r = createRepo();
    repos.track(r);
    expect(runBin(["install"], r.dir).code).toBe(0);
    // The gitward that installed the hook has since been removed.
    const hookFile = join(r.dir, ".git/hooks/pre-commit");
    const hook = readFileSync(hookFile, "utf8");
    expect(hook).toContain(`installed_script='${BIN}'`);
    writeFileSync(hookFile, hook.replace(`installed_script='${BIN}'`, "installed_script='/nonexistent/gitward.cjs'"));
    r.write("a.txt", "a\n");
    r.git("add", "a.txt");
    const res = git(r, ["commit", "-m", "x"], { PATH: `/usr/bin:/bin`, GITWARD_BIN: "" });
    // No node_modules/.bin, no gitward on PATH, the recorded one gone, npx --no-install finds none.
    expect(res.code).not.toBe(0);
    expect(res.out).toMatch(/gitward: cannot find gitward/);
    expect(res.out).toContain("/nonexistent/gitward.cjs");
  });
});

describe("a hook installed by running gitward by its path (no node_modules, not on PATH)", () => {
  /** PATH without gitward: the system directories only. */
  const PATH = "/usr/bin:/bin";

  it("records that gitward, says so, blocks a commit with a secret (finding shown) and lets a clean one through", () => {
    const r = createRepo();
    repos.track(r);
    // The executable itself, by its path, as after `node bin/gitward.js` from a clone or a global
    // install whose bin directory is not on the PATH git gives hooks.
    const inst = spawnSync(BIN, ["install"], { cwd: r.dir, encoding: "utf8", env: { ...process.env, ...GIT_ENV, PATH } });
    expect(inst.status).toBe(0);
    expect(inst.stdout).toContain(`the hook will run ${process.execPath} ${BIN}`);
    expect(inst.stderr).not.toMatch(/warning/);
    expect(existsSync(join(r.dir, "node_modules"))).toBe(false);

    const bad = commitFile(r, "creds.env", `AWS=${K1}\n`);
    // commitFile uses the test's PATH; run again with the bare one to be sure nothing else is found.
    r.git("reset", "-q");
    r.write("creds.env", `AWS=${K1}\n`);
    r.git("add", "creds.env");
    const bare = git(r, ["commit", "-m", "secret"], { PATH });
    for (const res of [bad, bare]) {
      expect(res.code).toBe(1);
      expect(res.out).toMatch(/aws-access-key-id/);
      expect(res.out).toMatch(/creds\.env:1:5/);
      expect(res.out).not.toContain(K1);
    }
    expect(r.git("rev-list", "--all")).toBe("");
    r.git("reset", "-q");
    r.write("readme.md", "hello\n");
    r.git("add", "readme.md");
    const good = git(r, ["commit", "-m", "clean"], { PATH });
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/scanned 1 staged file/);
  });

  it("warns at install time when the hook would find nothing", async () => {
    const r = createRepo();
    repos.track(r);
    const { hookWouldUse } = await import("../../src/cli/commands/install.js");
    expect(hookWouldUse(r.dir, { PATH }, undefined)).toBeUndefined();
    expect(hookWouldUse(r.dir, { PATH, GITWARD_BIN: "/opt/gw" }, undefined)).toMatch(/GITWARD_BIN/);
    expect(hookWouldUse(r.dir, { PATH }, { node: process.execPath, script: BIN })).toMatch(/recorded now/);
    // husky hooks are committed, so they do not record a path: with no gitward to find, install warns.
    mkdirSync(join(r.dir, ".husky"));
    const inst = runBin(["install"], r.dir, { env: { PATH } });
    expect(inst.code).toBe(0);
    expect(inst.stderr).toMatch(/warning: the hook will not find gitward \(not in node_modules\/\.bin, not on PATH\)/);
  });
});

describe("a chained hook runs under its own name, with the same arguments and stdin", () => {
  // Dispatches on its own name like husky 4's hooks (hookName=`basename "$0"`).
  const byName = (log: string) =>
    `#!/bin/sh\nname=$(basename "$0")\nprintf 'ran as %s args [%s] stdin [%s]\\n' "$name" "$*" "$(cat)" >> ${log}\n[ "$name" = pre-commit ] || [ "$name" = pre-push ] || exit 7\n`;

  it("pre-commit and pre-push, in a plain hooks directory", () => {
    const remote = createRepo({ bare: true });
    repos.track(remote);
    const r = project();
    r.commit("base", { "a.txt": "a\n" });
    r.git("remote", "add", "origin", remote.dir);
    r.git("push", "-q", "origin", "main");
    appendFileSync(join(r.dir, ".git/info/exclude"), "chained.log\n");
    writeFileSync(join(r.dir, ".git/hooks/pre-commit"), byName("chained.log"), { mode: 0o755 });
    writeFileSync(join(r.dir, ".git/hooks/pre-push"), byName("chained.log"), { mode: 0o755 });
    expect(runBin(["install", "--pre-push"], r.dir).code).toBe(0);
    expect(commitFile(r, "b.txt", "fine\n").code).toBe(0);
    const sha = r.git("rev-parse", "HEAD").trim();
    const push = git(r, ["push", "origin", "main"]);
    expect(push.code).toBe(0);
    const log = r.read("chained.log").split("\n");
    expect(log[0]).toBe("ran as pre-commit args [] stdin []");
    expect(log[1]).toBe(
      `ran as pre-push args [origin ${remote.dir}] stdin [refs/heads/main ${sha} refs/heads/main ${r.git("rev-parse", "HEAD~1").trim()}]`,
    );
  });

  it("husky 9's own hook (.husky/_/pre-commit) chained by a plain install still runs the user's .husky/pre-commit", () => {
    const r = project();
    mkdirSync(join(r.dir, ".husky"));
    writeFileSync(join(r.dir, ".husky/pre-commit"), "echo user-husky-step-ran\n");
    initHusky(r);
    const inst = runBin(["install", "--no-husky"], r.dir);
    expect(inst.stdout).toMatch(/kept the existing pre-commit hook/);
    expect(existsSync(join(r.dir, ".husky/_/pre-commit.gitward-chained"))).toBe(true);
    const bad = commitFile(r, "k.txt", `k ${K1}\n`);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/aws-access-key-id/);
    r.git("reset", "-q");
    const good = commitFile(r, "ok.txt", "ok\n");
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/user-husky-step-ran/);
  });

  it("a failing chained hook still blocks the commit", () => {
    const r = project();
    writeFileSync(join(r.dir, ".git/hooks/pre-commit"), "#!/bin/sh\necho chained-says-no >&2\nexit 3\n", { mode: 0o755 });
    runBin(["install"], r.dir);
    const res = commitFile(r, "ok.txt", "ok\n");
    expect(res.code).not.toBe(0);
    expect(res.out).toMatch(/chained-says-no/);
  });
});

describe("uninstall", () => {
  it("says so when there is nothing to remove", () => {
    const r = createRepo();
    repos.track(r);
    const un = runBin(["uninstall"], r.dir);
    expect(un.code).toBe(0);
    expect(un.stdout).toMatch(/^nothing to uninstall: no gitward hook in .*hooks or .*\.husky\n$/);
  });
});

describe("husky", () => {
  it("adds gitward to .husky/pre-commit (husky 9 layout: core.hooksPath=.husky/_) and blocks the secret", () => {
    const r = project();
    mkdirSync(join(r.dir, ".husky"));
    writeFileSync(join(r.dir, ".husky/pre-commit"), "echo existing-husky-step\n");
    // Initialise husky exactly as `npx husky` does.
    initHusky(r);
    expect(r.git("config", "core.hooksPath").trim()).toBe(".husky/_");
    const inst = runBin(["install", "--pre-push"], r.dir);
    expect(inst.stdout).toMatch(/added gitward to the husky pre-commit hook/);
    expect(runBin(["install", "--pre-push"], r.dir).stdout).toMatch(/already runs gitward/);
    const hook = readFileSync(join(r.dir, ".husky/pre-commit"), "utf8");
    expect(hook).toBe("echo existing-husky-step\n# >>> gitward >>>\ngitward staged\n# <<< gitward <<<\n");
    expect(existsSync(join(r.dir, ".git/hooks/pre-commit"))).toBe(false);

    const bad = commitFile(r, "k.txt", `k ${K1}\n`);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/existing-husky-step/);
    expect(bad.out).toMatch(/aws-access-key-id/);
    r.git("reset", "-q");
    expect(commitFile(r, "ok.txt", "ok\n").code).toBe(0);

    runBin(["uninstall"], r.dir);
    expect(readFileSync(join(r.dir, ".husky/pre-commit"), "utf8")).toBe("echo existing-husky-step\n");
    expect(existsSync(join(r.dir, ".husky/pre-push"))).toBe(false);
  });
});

describe("pre-push hook", () => {
  it("catches a commit made with --no-verify when pushing; a clean push passes", () => {
    const remote = createRepo({ bare: true });
    repos.track(remote);
    const r = project();
    r.commit("base", { "a.txt": "a\n" });
    r.git("remote", "add", "origin", remote.dir);
    r.git("push", "-q", "origin", "main");
    expect(runBin(["install", "--pre-push"], r.dir).stdout).toMatch(/installed the pre-push hook/);
    const sneaky = commitFile(r, "s.txt", `k ${K1}\n`, ["--no-verify"]);
    expect(sneaky.code).toBe(0);
    const push = git(r, ["push", "origin", "main"]);
    expect(push.code).not.toBe(0);
    expect(push.out).toMatch(/aws-access-key-id/);
    expect(push.out).toMatch(/s\.txt:1/);
    expect(push.out).toMatch(/introduced in [0-9a-f]{12}/);
    expect(r.git("ls-remote", "origin", "main").slice(0, 40)).not.toBe(r.git("rev-parse", "HEAD").slice(0, 40));

    // Fix it by amending, then the push goes through (including a new branch).
    r.write("s.txt", "clean\n");
    r.git("add", "s.txt");
    expect(git(r, ["commit", "--amend", "-m", "clean"]).code).toBe(0);
    expect(git(r, ["push", "origin", "main"]).code).toBe(0);
    r.git("checkout", "-q", "-b", "topic");
    expect(commitFile(r, "t.txt", "t\n").code).toBe(0);
    expect(git(r, ["push", "origin", "topic"]).code).toBe(0);
    expect(git(r, ["push", "origin", ":topic"]).code).toBe(0);
  });
});

describe("install: bad paths", () => {
  it("outside a repository and in a bare repository", () => {
    const bare = createRepo({ bare: true });
    repos.track(bare);
    const out = runBin(["install"], bare.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/bare repository/);
  });

  it("leaves the index and work tree untouched while installing", () => {
    const r = project();
    r.commit("base", { "a.txt": "a\n" });
    r.write("a.txt", "changed\n");
    const before = snapshot(r.dir);
    runBin(["install"], r.dir);
    const after = snapshot(r.dir);
    after.delete(".git/hooks/pre-commit");
    before.delete(".git/hooks/pre-commit");
    expect(after).toEqual(before);
  });
});

/** Initialises husky 9 in the repository exactly as `npx husky` does (core.hooksPath=.husky/_). */
function initHusky(r: TempRepo): void {
  const init = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import h from ${JSON.stringify(join(ROOT, "node_modules/husky/index.js"))}; console.log(h());`,
    ],
    { cwd: r.dir, encoding: "utf8" },
  );
  expect(init.status, init.stderr).toBe(0);
}
