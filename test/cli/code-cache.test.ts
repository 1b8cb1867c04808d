/**
 * bin/gitward.cjs, the executable: it compiles the CLI bundle through V8's
 * code cache. Run here against a stand-in bundle in a temp copy of the
 * package layout (bin/ + dist/bin/), so each case controls the bundle, the
 * cache directory and the environment. The cache must never change what runs:
 * a rebuilt bundle, a corrupt or foreign cache, or an unwritable directory all
 * fall back to compiling the bundle as it is.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

const LOADER = join(import.meta.dirname, "../../bin/gitward.cjs");

const made: string[] = [];
afterEach(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A copy of the package layout (removed after the test) whose bundle is `bundle`. */
function fakePackage(bundle: string) {
  const root = tempDir("gitward-codecache-");
  made.push(root);
  mkdirSync(join(root, "bin"));
  mkdirSync(join(root, "dist", "bin"), { recursive: true });
  copyFileSync(LOADER, join(root, "bin", "gitward.cjs"));
  const bundleFile = join(root, "dist", "bin", "gitward.cjs");
  writeFileSync(bundleFile, bundle);
  const cacheDir = join(root, "dist", "bin", "code-cache");
  const userCache = join(root, "home-cache");
  const run = (args: string[] = [], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [join(root, "bin", "gitward.cjs"), ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", XDG_CACHE_HOME: userCache, GITWARD_CODE_CACHE: "debug", ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { root, bundleFile, cacheDir, userCache, run };
}

/** A stand-in for the CLI bundle: prints a marker and its arguments, exits with FAKE_EXIT. */
const bundle = (marker: string) =>
  `exports.main = async () => { process.stdout.write(${JSON.stringify(marker)} + " " + process.argv.slice(2).join(" ")); process.exitCode = Number(process.env.FAKE_EXIT || 0); };\n`;

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bin")) : []);

describe("bin/gitward.cjs code cache", () => {
  it("writes the cache on the first run, uses it on the next, and passes arguments and exit codes through", () => {
    const p = fakePackage(bundle("v1"));
    const first = p.run(["staged", "--quiet"]);
    expect(first.stdout).toBe("v1 staged --quiet");
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^gitward code cache: miss\ngitward code cache: written .*code-cache\/v\d[^/]*-staged\.bin\n$/);
    expect(cacheFiles(p.cacheDir)).toHaveLength(1);

    const second = p.run(["staged", "a.js"], { FAKE_EXIT: "1" });
    expect(second.stdout).toBe("v1 staged a.js");
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^gitward code cache: hit .*-staged\.bin\n$/);
  });

  it("leaves the cache to the next run when this one filled gitward's other caches (a cold run compiles code later runs skip)", () => {
    // The stand-in reports a cold run while COLD is set, as a run that validated a config does.
    const p = fakePackage(`exports.coldRunReason = () => process.env.COLD || undefined;\n${bundle("v1")}`);
    const cold = p.run(["staged"], { COLD: "validated config .gitward.yaml" });
    expect(cold.stdout).toBe("v1 staged");
    expect(cold.stderr).toBe(
      "gitward code cache: miss\ngitward code cache: not written: this run was not typical (validated config .gitward.yaml)\n",
    );
    expect(cacheFiles(p.cacheDir)).toHaveLength(0);
    expect(p.run(["staged"]).stderr).toMatch(/^gitward code cache: miss\ngitward code cache: written .*-staged\.bin\n$/);
    expect(p.run(["staged"], { COLD: "again" }).stderr).toMatch(/^gitward code cache: hit .*-staged\.bin\n$/);
  });

  it("gives each hook a cache of its own, so that the command run first (gitward install) does not fill theirs", () => {
    const p = fakePackage(bundle("v1"));
    expect(p.run(["install"]).stderr).toMatch(/written .*-cli\.bin\n$/);
    expect(p.run(["-C", "repo", "staged"]).stderr).toMatch(/^gitward code cache: miss\n.*written .*-staged\.bin\n$/);
    expect(p.run(["--cwd=repo", "pre-push", "origin"]).stderr).toMatch(/written .*-pre-push\.bin\n$/);
    expect(p.run(["scan", "."]).stderr).toMatch(/^gitward code cache: hit .*-cli\.bin\n$/);
    expect(p.run(["--cwd", "repo", "staged"]).stderr).toMatch(/^gitward code cache: hit .*-staged\.bin\n$/);
    expect(cacheFiles(p.cacheDir)).toHaveLength(3);
  });

  it("runs hook commands through the hook bundle when there is one, and what it declines through the CLI bundle", () => {
    const p = fakePackage(bundle("cli"));
    // The stand-in hook bundle declines --help (as the real one leaves help to yargs) before writing anything.
    writeFileSync(
      join(p.root, "dist", "bin", "gitward-hook.cjs"),
      'exports.main = async () => { if (process.argv.includes("--help")) return false; process.stdout.write("hook " + process.argv.slice(2).join(" ")); process.exitCode = Number(process.env.FAKE_EXIT || 0); return true; };\n',
    );
    const staged = p.run(["staged", "a.js"], { FAKE_EXIT: "1" });
    expect(staged.stdout).toBe("hook staged a.js");
    expect(staged.code).toBe(1);
    expect(staged.stderr).toMatch(/^gitward code cache: miss\ngitward code cache: written .*-hook-staged\.bin\n$/);
    expect(p.run(["-C", "repo", "pre-push", "origin"]).stdout).toBe("hook -C repo pre-push origin");
    expect(p.run(["staged"]).stderr).toMatch(/^gitward code cache: hit .*-hook-staged\.bin\n$/);
    // Declined: the CLI bundle runs the same arguments, with the cache every other command shares.
    const help = p.run(["staged", "--help"]);
    expect(help.stdout).toBe("cli staged --help");
    expect(help.stderr).toMatch(
      /^gitward code cache: hit .*-hook-staged\.bin\ngitward code cache: miss\n.*written .*-cli\.bin\n$/,
    );
    expect(p.run(["scan"]).stderr).toMatch(/^gitward code cache: hit .*-cli\.bin\n$/);
    expect(cacheFiles(p.cacheDir).sort()).toEqual([
      expect.stringMatching(/-cli\.bin$/),
      expect.stringMatching(/-hook-pre-push\.bin$/),
      expect.stringMatching(/-hook-staged\.bin$/),
    ]);
  });

  it("runs history under V8 flags of its own, with a cache of its own that the other commands never meet", () => {
    const p = fakePackage(bundle("v1"));
    // As in a real build, there is a hook bundle; history is no hook command and never loads it.
    writeFileSync(
      join(p.root, "dist", "bin", "gitward-hook.cjs"),
      'exports.main = async () => { process.stdout.write("hook"); return true; };\n',
    );
    const first = p.run(["history", "--all"]);
    expect(first.stdout).toBe("v1 history --all");
    expect(first.stderr).toMatch(/^gitward code cache: miss\n.*written .*-history\.bin\n$/);
    expect(p.run(["scan", "."]).stderr).toMatch(/^gitward code cache: miss\n.*written .*-cli\.bin\n$/);
    const again = p.run(["-C", "repo", "history", "v1..v2"]);
    expect(again.stdout).toBe("v1 -C repo history v1..v2");
    expect(again.stderr).toMatch(/^gitward code cache: hit .*-history\.bin\n$/);
    expect(p.run(["scan", "."]).stderr).toMatch(/^gitward code cache: hit .*-cli\.bin\n$/);
    // The flags are real: V8 rejects history's cache under the other commands' flags.
    const [historyCache] = cacheFiles(p.cacheDir).filter((f) => f.endsWith("-history.bin"));
    const [cliCache] = cacheFiles(p.cacheDir).filter((f) => f.endsWith("-cli.bin"));
    copyFileSync(join(p.cacheDir, historyCache as string), join(p.cacheDir, cliCache as string));
    const foreign = p.run(["scan", "."]);
    expect(foreign.stdout).toBe("v1 scan .");
    expect(foreign.stderr).toMatch(/^gitward code cache: rejected .*-cli\.bin\n/);
  });

  it("never runs a stale cache: a rebuilt bundle of the same size gets its own cache entry", () => {
    const p = fakePackage(bundle("v1"));
    p.run();
    expect(p.run().stderr).toContain("hit");
    // Same length, different code, a later mtime (what a rebuild does).
    writeFileSync(p.bundleFile, bundle("v2"));
    const later = new Date(Date.now() + 5000);
    utimesSync(p.bundleFile, later, later);
    const r = p.run();
    expect(r.stdout).toBe("v2 ");
    expect(r.stderr).toMatch(/^gitward code cache: miss\n/);
    expect(cacheFiles(p.cacheDir)).toHaveLength(2);
  });

  it("compiles normally when the cache is corrupt, and replaces it", () => {
    const p = fakePackage(bundle("v1"));
    p.run();
    const [file] = cacheFiles(p.cacheDir);
    writeFileSync(join(p.cacheDir, file as string), Buffer.alloc(512, 0x5a));
    const r = p.run();
    expect(r.stdout).toBe("v1 ");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^gitward code cache: rejected .*\ngitward code cache: written /);
    expect(p.run().stderr).toMatch(/^gitward code cache: hit /);
  });

  it("falls back to the user's cache directory when the install's is not writable", () => {
    const p = fakePackage(bundle("v1"));
    // A file where the cache directory would be: mkdir fails as on a read-only install
    // (a chmod would not stop root, which these tests may run as).
    writeFileSync(p.cacheDir, "not a directory");
    const r = p.run();
    expect(r.stdout).toBe("v1 ");
    expect(r.stderr).toContain(`written ${join(p.userCache, "gitward", "code-cache")}`);
    expect(p.run().stderr).toMatch(/^gitward code cache: hit .*home-cache\/gitward\/code-cache\//);
  });

  it("runs without a cache when none can be written, and when switched off", () => {
    const p = fakePackage(bundle("v1"));
    writeFileSync(p.cacheDir, "not a directory");
    const unwritable = p.run([], { XDG_CACHE_HOME: "", HOME: "" });
    expect(unwritable.stdout).toBe("v1 ");
    expect(unwritable.code).toBe(0);
    expect(unwritable.stderr).toContain("not written (no writable cache directory)");

    rmSync(p.cacheDir);
    const off = p.run([], { GITWARD_CODE_CACHE: "off" });
    expect(off.stdout).toBe("v1 ");
    expect(existsSync(p.cacheDir)).toBe(false);
  });

  it("exits 2 when the bundle's main fails (never a silent clean exit)", () => {
    const p = fakePackage('exports.main = async () => { throw new Error("boom"); };\n');
    const r = p.run([], { GITWARD_CODE_CACHE: "off" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("gitward: internal error: Error: boom");
  });
});
