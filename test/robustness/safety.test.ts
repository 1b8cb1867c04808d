/**
 * Safety properties, each with a test that fails if it breaks:
 * - the index, work tree, stash and refs are byte-identical after every
 *   read-only command;
 * - no secret appears in any output, report file, cache or debug log unless
 *   --no-redact;
 * - repo-local config that could run programs (core.fsmonitor,
 *   diff.external, textconv, filters) never runs;
 * - no network access (a preload that makes any attempt loud);
 * - fail closed on what could not be read.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_PACK, awsRepo, fakeAwsKey, snapshot } from "../git/git-helpers.js";
import { runBin, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const COMMITTED = fakeAwsKey("safety-committed");
const STAGED = fakeAwsKey("safety-staged");
const UNSTAGED = fakeAwsKey("safety-unstaged");
const STASHED = fakeAwsKey("safety-stashed");
const MERGED = fakeAwsKey("safety-merged");
const ALL = [COMMITTED, STAGED, UNSTAGED, STASHED, MERGED];
/** A user pack: loading it runs the ReDoS analysis, which writes the verdict cache. */
const USER_PACK = `name: acme-pack
version: 1.0.0
rules:
  - id: acme-token
    description: Acme token
    severity: high
    keywords: [acme_]
    regex: 'acme_([a-z0-9]{20})'
    docs: { why: "It grants access.", fix: "Revoke it." }
    examples: { positive: ["acme_abcdefghij0123456789"], negative: ["acme_short"] }
`;

let repo: TempRepo;
let out: string;
beforeAll(() => {
  repo = awsRepo();
  out = tempDir("gitward-out-");
  repo.commit("one", { "app.env": `AWS_ACCESS_KEY_ID=${COMMITTED}\n`, "README.md": "hello\n" });
  repo.commit("two", { "other.txt": "nothing\n" });
  // A merge whose conflict resolution adds a secret: history reads it as a remerge diff, which makes
  // git merge in memory (temporary objects, merge machinery): nothing of that may stay behind.
  repo.git("checkout", "-q", "-b", "side");
  repo.commit("side", { "merge.txt": "side\n" });
  repo.git("checkout", "-q", "main");
  repo.commit("main side", { "merge.txt": "main\n" });
  expect(() => repo.git("merge", "-q", "side")).toThrow();
  repo.write("merge.txt", `resolved\nAWS_ACCESS_KEY_ID=${MERGED}\n`);
  repo.git("add", "merge.txt");
  repo.git("commit", "-q", "--no-edit");
  repo.write("stash.env", `AWS_ACCESS_KEY_ID=${STASHED}\n`);
  repo.git("add", "stash.env");
  repo.git("stash", "push", "-q", "-m", "wip");
  repo.git("branch", "feature");
  repo.git("tag", "v1");
  repo.write("staged.env", `AWS_ACCESS_KEY_ID=${STAGED}\n`);
  repo.git("add", "staged.env");
  repo.write("README.md", `hello\nAWS_ACCESS_KEY_ID=${UNSTAGED}\n`); // unstaged change
  repo.write("untracked.env", `AWS_ACCESS_KEY_ID=${UNSTAGED}\n`);
  // Make the index stat data stale, so that any command refreshing the index would rewrite it.
  const future = new Date(Date.now() + 60_000);
  for (const f of ["app.env", "other.txt"]) {
    writeFileSync(join(repo.dir, f), readFileSync(join(repo.dir, f)));
    utimesSync(join(repo.dir, f), future, future);
  }
});
afterAll(() => {
  repo.cleanup();
  rmSync(out, { recursive: true, force: true });
});

/** What git passes to a pre-push hook for pushing main as a new branch (every commit is new). */
const prePushInput = () => `refs/heads/main ${repo.git("rev-parse", "main").trim()} refs/heads/main ${"0".repeat(40)}\n`;

const READ_ONLY_COMMANDS: string[][] = [
  ["scan", "."],
  ["scan", ".", "--format", "json"],
  ["scan", "--staged"],
  ["staged"],
  ["staged", "--format", "sarif"],
  ["staged", "README.md", "app.env", "untracked.env"],
  ["history"],
  ["history", "--format", "json", "--all"],
  ["history", "main~1..main"],
  ["pre-push", "origin", "url"],
  ["rules"],
  ["explain", "aws-access-key-id"],
  ["packs", "lint", AWS_PACK, "--no-redos"],
];

describe("gitward never changes the repository", () => {
  it("index, work tree, stash, refs and every file under .git are byte-identical after each read-only command", async () => {
    const before = snapshot(repo.dir);
    const stash = repo.git("stash", "list");
    for (const argv of READ_ONLY_COMMANDS) {
      const r = await runCli(argv, repo.dir, argv[0] === "pre-push" ? { stdin: prePushInput() } : {});
      expect(r.stderr, argv.join(" ")).not.toMatch(/internal error/);
      const after = snapshot(repo.dir);
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
      expect(changed, `gitward ${argv.join(" ")}`).toEqual([]);
    }
    expect(repo.git("stash", "list")).toBe(stash);
  }, 120_000);
});

describe("no secret in any output unless --no-redact", () => {
  const leaks = (text: string) => ALL.filter((k) => text.includes(k));

  it("stdout, stderr, JSON, SARIF, --output files, --debug and --verbose traces are masked", async () => {
    const runs: string[][] = [];
    for (const cmd of [["scan", "."], ["staged"], ["history", "--all"], ["pre-push", "origin", "url"]]) {
      for (const format of ["text", "json", "sarif"]) {
        runs.push([...cmd, "--format", format]);
        runs.push([...cmd, "--format", format, "--debug", "--verbose", "--show-suppressed"]);
        runs.push([...cmd, "--format", format, "--output", join(out, `${cmd[0]}.${format}`)]);
      }
    }
    let found = 0;
    for (const argv of runs) {
      const r = await runCli(argv, repo.dir, argv[0] === "pre-push" ? { stdin: prePushInput() } : {});
      expect(r.code, argv.join(" ")).toBe(1);
      found++;
      expect(leaks(r.stdout + r.stderr), argv.join(" ")).toEqual([]);
    }
    for (const file of readdirSync(out)) expect(leaks(readFileSync(join(out, file), "utf8")), file).toEqual([]);
    expect(found).toBe(runs.length);
  }, 180_000);

  it("an inline-allowed or baselined secret is not printed either", async () => {
    const dir = awsRepo();
    try {
      dir.write("a.env", `AWS_ACCESS_KEY_ID=${COMMITTED} # gitward:allow aws-access-key-id -- test fixture\n`);
      const r = await runCli(["scan", ".", "--show-suppressed", "--format", "json", "--debug"], dir.dir);
      expect(r.code).toBe(0);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });

  it("the history cache stores hashes only", async () => {
    const cache = join(out, "history-cache.json");
    const first = await runCli(["history", "--all", "--cache", cache, "--format", "json"], repo.dir);
    expect(first.code).toBe(1);
    const second = await runCli(["history", "--all", "--cache", cache, "--format", "json"], repo.dir);
    expect(second.code).toBe(1);
    const text = readFileSync(cache, "utf8");
    expect(JSON.parse(text).findings.length).toBeGreaterThanOrEqual(3); // not vacuous: it holds the findings
    expect(leaks(text)).toEqual([]);
    expect(text).not.toContain("AWS_ACCESS_KEY_ID"); // no line text
    expect(leaks(second.stdout + second.stderr)).toEqual([]);
  });

  it("the ReDoS verdict cache holds regex hashes and verdicts only", async () => {
    const pack = join(out, "user-pack.yaml");
    writeFileSync(pack, USER_PACK);
    const r = await runCli(["scan", ".", "--pack", pack, "--format", "json"], repo.dir);
    expect(r.code).toBe(1);
    const dir = process.env.GITWARD_CACHE_DIR as string;
    const text = readFileSync(join(dir, "redos-verdicts.json"), "utf8");
    expect(leaks(text)).toEqual([]);
    expect(text).not.toContain("acme_");
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc).length).toBeGreaterThan(0); // the user pack's regexes were analysed and cached
    expect(Object.keys(doc).every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  it("the validated-pack cache holds the pack's hash and rules, not its text or example tokens", async () => {
    const pack = join(out, "user-pack.yaml");
    writeFileSync(pack, USER_PACK);
    expect((await runCli(["scan", ".", "--pack", pack, "--format", "json"], repo.dir)).code).toBe(1);
    const dir = join(process.env.GITWARD_CACHE_DIR as string, "validated");
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(leaks(text), f).toEqual([]);
      expect(text).not.toContain("acme_abcdefghij0123456789"); // the example token
      expect(text).not.toContain("name: acme-pack"); // the YAML text
    }
  });

  it("--no-redact shows the secrets (the control: the assertions above can fail)", async () => {
    const r = await runCli(["scan", "app.env", "--no-redact", "--format", "json"], repo.dir);
    expect(r.stdout).toContain(COMMITTED);
    const h = await runCli(["history", "--all", "--no-redact", "--format", "json"], repo.dir);
    for (const key of [COMMITTED, STASHED, MERGED]) expect(h.stdout).toContain(key);
    const merge = repo.git("rev-parse", "main^{/Merge}").trim();
    const merged = JSON.parse(h.stdout).findings.find((f: { secret: string }) => f.secret === MERGED);
    expect([merged.path, merged.startLine, merged.commit.sha]).toEqual(["merge.txt", 2, merge]);
    const p = await runCli(["pre-push", "origin", "url", "--no-redact"], repo.dir, { stdin: prePushInput() });
    expect(p.stdout).toContain(MERGED);
  });
});

describe("repo-local config cannot make gitward run programs", () => {
  let hostile: TempRepo;
  let marker: string;
  beforeAll(() => {
    hostile = awsRepo();
    marker = join(tempDir("gitward-marker-"), "ran");
    const script = join(hostile.dir, ".git", "evil.sh");
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat "$@" 2>/dev/null\nexit 0\n`);
    chmodSync(script, 0o755);
    hostile.commit("base", { "app.env": "A=1\n", "tool.conf": "x=1\n", "merge.env": "M=base\n" });
    hostile.write(".gitattributes", "*.env diff=evil filter=evil merge=evil\n*.conf diff=evil\n");
    hostile.git("add", ".gitattributes");
    hostile.git("commit", "-q", "-m", "attributes");
    // A conflicting merge, for the remerge diffs of history (made before the hostile config exists).
    hostile.git("checkout", "-q", "-b", "side");
    hostile.commit("side", { "merge.env": "M=side\n" });
    hostile.git("checkout", "-q", "main");
    hostile.commit("main", { "merge.env": "M=main\n" });
    expect(() => hostile.git("merge", "-q", "side")).toThrow();
    hostile.write("merge.env", "M=resolved\n");
    hostile.git("add", "merge.env");
    hostile.git("commit", "-q", "--no-edit");
    for (const [k, v] of [
      ["core.fsmonitor", script],
      ["diff.external", script],
      ["diff.evil.textconv", script],
      ["diff.evil.command", script],
      ["filter.evil.clean", script],
      ["filter.evil.smudge", script],
      ["filter.evil.process", script],
      ["merge.evil.driver", `${script} %O %A %B`],
      ["merge.renormalize", "true"],
      ["core.pager", script],
      ["pager.diff", script],
      ["pager.log", script],
      ["core.askPass", script],
      ["gpg.program", script],
      ["log.showSignature", "true"],
    ] as const)
      hostile.git("config", k, v);
    hostile.write("app.env", `A=1\nAWS_ACCESS_KEY_ID=${STAGED}\n`);
    hostile.write("tool.conf", "x=2\n");
    // Staging runs the clean filter (that is git, not gitward): clear the marker afterwards.
    hostile.git("add", "app.env", "tool.conf");
    hostile.git("commit", "-q", "-m", "leak");
    hostile.write("app.env", `A=1\nAWS_ACCESS_KEY_ID=${STAGED}\nB=${STASHED}\n`);
    hostile.git("add", "app.env");
    hostile.write("tool.conf", "x=3\n");
  });
  afterAll(() => hostile.cleanup());

  it("the hostile config is live: plain git runs the marker script (the control)", () => {
    rmSync(marker, { force: true });
    hostile.git("diff", "--", "tool.conf");
    hostile.git("status");
    expect(existsSync(marker)).toBe(true);
    rmSync(marker, { force: true });
  });

  it("the hostile merge driver is live too: git's own remerge diff of the merge runs it (the control)", () => {
    rmSync(marker, { force: true });
    hostile.git("log", "-p", "--diff-merges=remerge", "--no-walk", "--no-ext-diff", "--no-textconv", "HEAD^{/Merge}");
    expect(readFileSync(marker, "utf8")).toMatch(/\.merge_file_/);
    rmSync(marker, { force: true });
  });

  for (const argv of [
    ["staged"],
    ["scan", "."],
    ["history", "--all"],
    ["history", "main~2..main"],
    ["staged", "tool.conf", "app.env"],
    ["scan", "--staged"],
  ]) {
    it(`gitward ${argv.join(" ")} runs none of it`, async () => {
      rmSync(marker, { force: true });
      const r = await runCli([...argv, "--format", "json"], hostile.dir);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(1);
      expect(existsSync(marker) ? readFileSync(marker, "utf8") : "").toBe("");
    });
  }
});

const NO_NET = fileURLToPath(new URL("./no-network-preload.mjs", import.meta.url));

describe("no network access", () => {
  it("the preload makes any network attempt fail loudly (the control)", () => {
    const marker = join(tempDir("gitward-net-"), "net");
    const r = runBin(["--version"], repo.dir, { env: { NODE_OPTIONS: `--import=${NO_NET}`, GITWARD_NET_MARKER: marker } });
    expect(r.code).toBe(0);
    const probe = join(tempDir("gitward-net-"), "probe.mjs");
    writeFileSync(probe, `import("node:dns").then((d) => d.lookup("example.com", () => {})).catch(() => {});\n`);
    spawnSync(process.execPath, [`--import=${NO_NET}`, probe], { env: { ...process.env, GITWARD_NET_MARKER: marker } });
    expect(readFileSync(marker, "utf8")).toMatch(/dns\.lookup/);
  });

  it("scan, staged, history, pre-push, rules and a user pack load make no network attempt (built binary)", () => {
    const marker = join(tempDir("gitward-net-"), "net");
    const env = { NODE_OPTIONS: `--import=${NO_NET}`, GITWARD_NET_MARKER: marker, GITWARD_CACHE_DIR: tempDir() };
    const pack = join(out, "net-pack.yaml");
    writeFileSync(pack, USER_PACK);
    for (const argv of [
      ["scan", "."],
      ["staged"],
      ["history", "--all"],
      ["pre-push", "origin", "url"],
      ["rules"],
      ["packs", "lint", AWS_PACK, "--no-redos"],
      ["scan", "app.env", "--pack", pack],
    ]) {
      const r = runBin(argv, repo.dir, { env, ...(argv[0] === "pre-push" ? { input: prePushInput() } : {}) });
      expect(r.stderr, argv.join(" ")).not.toMatch(/internal error|NETWORK/);
      expect([0, 1], `${argv.join(" ")}: ${r.stderr}`).toContain(r.code);
    }
    expect(existsSync(marker) ? readFileSync(marker, "utf8") : "").toBe("");
  }, 120_000);

  it("no source file outside src/verify/ (the opt-in --verify stage) imports a network module or calls fetch", () => {
    const src = fileURLToPath(new URL("../../src/", import.meta.url));
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = join(d, e.name);
        if (e.isDirectory() && full === join(src, "verify")) continue;
        if (e.isDirectory()) walk(full);
        else if (/\.ts$/.test(e.name)) {
          const text = readFileSync(full, "utf8");
          if (/from "node:(net|http|https|http2|dns|tls|dgram)"|import\("node:(net|http|https|dns|tls)"\)|\bfetch\(/.test(text))
            offenders.push(full);
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});

describe("fail closed", () => {
  it("a staged file argument that is neither in the index nor the work tree: exit 2 naming it; --allow-skip accepts", async () => {
    const r = await runCli(["staged", "missing.env"], repo.dir);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain("missing.env");
    expect(r.stderr).toMatch(/could not be scanned|failing closed/);
    expect((await runCli(["staged", "missing.env", "--allow-skip"], repo.dir)).code).not.toBe(2);
  });

  it("a corrupt object in history: exit 2 with a git error, not a crash or a pass", async () => {
    const broken = awsRepo();
    try {
      broken.commit("one", { "a.env": `AWS_ACCESS_KEY_ID=${COMMITTED}\n` });
      const blob = broken.git("rev-parse", "HEAD:a.env").trim();
      rmSync(join(broken.dir, ".git/objects", blob.slice(0, 2), blob.slice(2)));
      const r = await runCli(["history", "--all"], broken.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^gitward: /m);
      expect(r.stderr).not.toMatch(/internal error/);
    } finally {
      broken.cleanup();
    }
  });
});
