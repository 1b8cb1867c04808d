/**
 * The real binary, spawned: version, help with exit codes, a scan of a temp
 * tree, and the npm package installed into another project (npx gitward and
 * the library's types). Requires `npm run build` (npm test does it first).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, GIT_ENV, runBin, type TempRepo, tempDir } from "../helpers/temp-repo.js";

const ROOT = join(import.meta.dirname, "../..");
let repo: TempRepo;
const KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "bin");

beforeAll(() => {
  repo = createRepo();
  repo.write("app/.env", `AWS_ACCESS_KEY_ID=${KEY}\n`);
  repo.write("app/ok.txt", "nothing here\n");
});
afterAll(() => repo.cleanup());

describe("bin/gitward.cjs", () => {
  it("prints its version", () => {
    const r = runBin(["--version"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("documents exit codes in --help", () => {
    const r = runBin(["--help"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("0  no blocking findings");
    expect(r.stdout).toContain("1  blocking findings");
    expect(r.stdout).toContain("2  usage, config or pack error");
  });

  it("history and pre-push (their relay thread started early) work where Node forbids code from strings", () => {
    const history = createRepo();
    try {
      history.commit("key", { "app/.env": `AWS_ACCESS_KEY_ID=${KEY}\n` });
      const head = history.git("rev-parse", "HEAD").trim();
      // A hardened Node (NODE_OPTIONS) refuses eval and new Function, in worker threads too.
      const env = { NODE_OPTIONS: "--disallow-code-generation-from-strings" };
      const h = runBin(["history", "--format", "json"], history.dir, { env });
      expect(h.stderr).not.toMatch(/thread failed|internal error/);
      expect(h.code).toBe(1);
      expect(JSON.parse(h.stdout).findings.map((f: { path: string; startLine: number }) => [f.path, f.startLine])).toEqual([
        ["app/.env", 1],
      ]);
      const p = runBin(["pre-push", "origin", "x"], history.dir, {
        env,
        input: `refs/heads/main ${head} refs/heads/main ${"0".repeat(40)}\n`,
      });
      expect(p.stderr).not.toMatch(/thread failed|internal error/);
      expect(p.code).toBe(1);
      expect(p.stdout).toContain("app/.env:1:19");
    } finally {
      history.cleanup();
    }
  });

  it("history where Node's permission model forbids threads: a clear error and exit 2, not an internal error", () => {
    const r = runBin(["history"], repo.dir, { env: { NODE_OPTIONS: "--experimental-permission --allow-fs-read=*" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("gitward: cannot start the thread that reads git");
    expect(r.stderr).not.toContain("internal error");
  });

  it("exits 1 on a finding, 0 when clean, 2 on a usage error", () => {
    const dirty = runBin(["scan", "app"], repo.dir);
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toContain("app/.env:1:19");
    expect(dirty.stdout).not.toContain(KEY);
    expect(runBin(["scan", "app/ok.txt"], repo.dir).code).toBe(0);
    expect(runBin(["scan", "--fail-on", "sometimes"], repo.dir).code).toBe(2);
  });

  it("runs the hook commands through the hook bundle, and hands what it leaves to the full CLI", () => {
    expect(readdirSync(join(ROOT, "dist/bin"))).toContain("gitward-hook.cjs");
    const hook = createRepo();
    try {
      hook.write("app/.env", `AWS_ACCESS_KEY_ID=${KEY}\n`);
      hook.git("add", "-A");
      const env = { GITWARD_CODE_CACHE: "debug" };
      // Plain arguments: the hook bundle alone (its own code cache), the finding and exit 1.
      const staged = runBin(["staged"], hook.dir, { env });
      expect(staged.code).toBe(1);
      expect(staged.stdout).toContain("app/.env:1:19");
      expect(staged.stderr).toMatch(/-hook-staged\.bin|not typical/);
      expect(staged.stderr).not.toMatch(/code-cache\/[^/\n]*-cli\.bin/);
      // -C before the command is the hook bundle's too, and so is its error.
      expect(runBin(["-C", hook.dir, "staged", "--quiet"], repo.dir).code).toBe(1);
      const badDir = runBin(["-C", join(hook.dir, "missing"), "staged"], repo.dir);
      expect(badDir.code).toBe(2);
      expect(badDir.stderr).toContain("-C ");
      expect(badDir.stderr).toContain("missing: not a directory");
      // Help and unknown options are yargs': the hook bundle ran nothing, the full CLI answers.
      const help = runBin(["staged", "--help"], hook.dir, { env });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("gitward staged [files..]");
      expect(help.stderr).toMatch(/-cli\.bin/);
      const unknown = runBin(["pre-push", "--no-such-option"], hook.dir);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown argument");
    } finally {
      hook.cleanup();
    }
  });

  it("is also reachable as node bin/gitward.js (the ESM entry delegates to it)", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/gitward.js"), "scan", "app"], {
      cwd: repo.dir,
      encoding: "utf8",
      env: { ...process.env, ...GIT_ENV, NO_COLOR: "1" },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("app/.env:1:19");
  });
});

describe("npm package", () => {
  it("installs into another project with a working npx gitward and library types", () => {
    const work = tempDir("gitward-pack-");
    execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: ROOT, stdio: "pipe" });
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const project = join(work, "consumer");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", private: true }),
    );
    execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", join(work, tarball as string), "typescript@5"], {
      cwd: project,
      stdio: "pipe",
    });
    const version = execFileSync("npx", ["--no-install", "gitward", "--version"], { cwd: project, encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The installed hook uses the build's caches although npm dates every file at the extraction: a
    // finding that needs the service names is reported (not "older than ...; run npm run build").
    const hookRepo = createRepo();
    try {
      const token = ["Zx9kQ2mN", "7pL4vR8t", "W3yB6cH1"].join("");
      hookRepo.write("c.env", `service: acme\napi_key = "${token}"\n`);
      hookRepo.git("add", "-A");
      const staged = spawnSync(join(project, "node_modules", ".bin", "gitward"), ["staged", "-f", "json"], {
        cwd: hookRepo.dir,
        encoding: "utf8",
        env: { ...process.env, ...GIT_ENV },
      });
      expect(staged.stderr).not.toMatch(/older than/);
      expect(staged.status).toBe(1);
      const found = (JSON.parse(staged.stdout) as { findings: { ruleId: string; path: string; startLine: number }[] }).findings;
      expect(found.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`)).toEqual(["service-credential-assignment c.env:2"]);
    } finally {
      hookRepo.cleanup();
    }
    writeFileSync(
      join(project, "use.ts"),
      'import { scan, type Finding } from "gitward";\nconst r = await scan({ texts: [{ path: "a.env", text: "x" }] });\nconst f: Finding[] = r.findings;\nconsole.log(f.length, r.stats.files);\n',
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
      }),
    );
    execFileSync("npx", ["--no-install", "tsc", "-p", "."], { cwd: project, stdio: "pipe" });
    writeFileSync(
      join(project, "use.mjs"),
      'import { scan } from "gitward";\nconst r = await scan({ texts: [{ path: "a.env", text: "x=1" }] });\nconsole.log(JSON.stringify(r.stats.files));\n',
    );
    expect(execFileSync(process.execPath, ["use.mjs"], { cwd: project, encoding: "utf8" }).trim()).toBe("1");
  }, 180_000);
});
