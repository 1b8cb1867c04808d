/**
 * --verify end to end through the CLI, in real temp repositories, against a
 * loopback server standing in for the GitHub API (verify.endpoints.github).
 * The server counts requests, so "no request" is measured, not assumed.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, reposPerTest, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";
import { type Answer, type ProviderServer, startProvider } from "./provider-server.js";

const LIVE = expandFakes("{{fake:crc32:ghp_:30}}", "cli-live");
const DEAD = expandFakes("{{fake:crc32:ghp_:30}}", "cli-dead");
const FILE = `GITHUB_TOKEN=${LIVE}\nOLD_GITHUB_TOKEN=${DEAD}\n`;

let github: ProviderServer;
/** How the fake GitHub answers a token it does not know (tests switch it to slow or garbage). */
let otherwise: () => Answer = () => ({ status: 401, body: { message: "Bad credentials" } });

beforeAll(async () => {
  github = await startProvider((req) =>
    req.path === "/user" && req.headers.authorization === `token ${LIVE}`
      ? { status: 200, body: { login: "octocat" } }
      : otherwise(),
  );
});
afterAll(() => github.close());
beforeEach(() => {
  github.requests.length = 0;
  otherwise = () => ({ status: 401, body: { message: "Bad credentials" } });
});

const repos = reposPerTest();

function project(config: string, files: Record<string, string> = { "app.env": FILE }): TempRepo {
  const r = createRepo();
  repos.track(r);
  r.write(".gitward.yaml", config);
  for (const [p, c] of Object.entries(files)) r.write(p, c);
  return r;
}

const endpoint = () => `verify:\n  endpoints:\n    github: ${github.url}\n`;
const env = () => ({ GITWARD_CACHE_DIR: tempDir("gitward-vc-") });

function verdicts(stdout: string) {
  const doc = JSON.parse(stdout) as {
    findings: { ruleId: string; startLine: number; verification?: { status: string; detail: string; checkedAt: string } }[];
    summary: Record<string, unknown>;
  };
  return { doc, byLine: new Map(doc.findings.map((f) => [f.startLine, f.verification])) };
}

describe("gitward scan --verify (Done when)", () => {
  it("marks the token GitHub accepts live and the one it rejects invalid; exit 1 as without --verify", async () => {
    const r = project(endpoint());
    const run = await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(1);
    const { doc, byLine } = verdicts(run.stdout);
    expect(doc.findings.map((f) => [f.ruleId, f.startLine])).toEqual([
      ["github-personal-access-token", 1],
      ["github-personal-access-token", 2],
    ]);
    expect(byLine.get(1)).toMatchObject({ status: "live", detail: "GitHub accepted it (octocat)" });
    expect(byLine.get(2)).toMatchObject({ status: "invalid", detail: "GitHub rejected it (HTTP 401)" });
    expect(Date.parse(byLine.get(1)?.checkedAt ?? "")).not.toBeNaN();
    expect(doc.summary.verification).toMatchObject({ live: 1, invalid: 1, unknown: 0, error: 0, notVerifiable: 0, requests: 2 });
    expect(github.requests).toHaveLength(2);
    expect(run.stderr).toContain(`GitHub credentials go to ${new URL(github.url).host} (verify.endpoints.github)`);
    expect(run.stdout + run.stderr).not.toContain(LIVE);
    expect(run.stdout + run.stderr).not.toContain(DEAD);
  });

  it("without --verify no request is made (config with endpoints only), nor with --no-verify over verify.enabled", async () => {
    const r = project(endpoint());
    const plain = await runCli(["scan", ".", "--format", "json"], r.dir, { env: env() });
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout).findings[0].verification).toBeUndefined();
    expect(JSON.parse(plain.stdout).summary.verification).toBeUndefined();
    const enabled = project(`${endpoint()}  enabled: true\n`);
    const off = await runCli(["scan", ".", "--no-verify", "--format", "json"], enabled.dir, { env: env() });
    expect(off.code).toBe(1);
    expect(github.requests).toHaveLength(0);
  });

  it("verify.enabled: true verifies scan without the flag", async () => {
    const r = project(`${endpoint()}  enabled: true\n`);
    const run = await runCli(["scan", ".", "--format", "json"], r.dir, { env: env() });
    expect(verdicts(run.stdout).byLine.get(1)?.status).toBe("live");
  });

  it("a rerun answers from the verification cache: no second request", async () => {
    const r = project(endpoint());
    const e = env();
    await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: e });
    expect(github.requests).toHaveLength(2);
    const again = await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: e });
    expect(github.requests).toHaveLength(2);
    expect(verdicts(again.stdout).doc.summary.verification).toMatchObject({ live: 1, invalid: 1, requests: 0, cached: 2 });
    const cache = readFileSync(join(e.GITWARD_CACHE_DIR, "verify-cache.json"), "utf8");
    expect(cache).not.toContain(LIVE);
    expect(cache).not.toContain(DEAD);
  });

  it("a provider that times out: error with the reason, the finding is still reported, exit by the usual rules", async () => {
    otherwise = () => ({ status: 200, body: { login: "late" }, delayMs: 2000 });
    const r = project(`${endpoint()}  timeoutMs: 150\n  retries: 0\n`);
    const run = await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(1);
    const { byLine } = verdicts(run.stdout);
    expect(byLine.get(1)?.status).toBe("live");
    expect(byLine.get(2)).toMatchObject({ status: "error", detail: "GitHub: no answer from 127.0.0.1 within 150 ms" });
  });

  it("garbage from the provider: error (malformed), reported, and a warn-only finding still exits 0", async () => {
    otherwise = () => ({ status: 200, body: "<html>not json</html>" });
    const r = project(`${endpoint()}rules:\n  github-personal-access-token: warn\n`, { "app.env": `OLD=${DEAD}\n` });
    const run = await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(0);
    expect(verdicts(run.stdout).byLine.get(1)).toMatchObject({
      status: "error",
      detail: "GitHub answered 200 with a body that is not JSON",
    });
  });

  it("--only-verified reports only live findings (and implies --verify); nothing live: exit 0", async () => {
    const r = project(endpoint());
    const run = await runCli(["scan", ".", "--only-verified", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(1);
    const { doc } = verdicts(run.stdout);
    expect(doc.findings.map((f) => f.startLine)).toEqual([1]);
    expect(doc.summary.verification).toMatchObject({ live: 1, invalid: 1, hiddenNotLive: 1 });
    const dead = project(endpoint(), { "app.env": `OLD=${DEAD}\n` });
    expect((await runCli(["scan", ".", "--only-verified"], dead.dir, { env: env() })).code).toBe(0);
    expect((await runCli(["scan", ".", "--only-verified", "--no-verify"], dead.dir, { env: env() })).code).toBe(2);
  });

  it("text output: a LIVE marker, the verdict line, and the summary counts", async () => {
    const r = project(endpoint());
    const run = await runCli(["scan", "."], r.dir, { env: { ...env(), NO_COLOR: "1" } });
    expect(run.stdout).not.toContain("LIVE");
    const v = await runCli(["scan", ".", "--verify"], r.dir, { env: { ...env(), NO_COLOR: "1" } });
    expect(v.stdout).toContain("error[github-personal-access-token] LIVE GitHub personal access token");
    expect(v.stdout).toMatch(/verified: live: GitHub accepted it \(octocat\) \(checked \d{4}-/);
    expect(v.stdout).toMatch(/verified: invalid: GitHub rejected it \(HTTP 401\)/);
    expect(v.stdout).toContain("verification: 1 live, 1 invalid, 0 unknown, 0 error; 0 without a verifier, 2 requests, 0 cached");
  });

  it("SARIF: verification in result properties, live results get security-severity 10.0", async () => {
    const r = project(endpoint());
    const run = await runCli(["scan", ".", "--verify", "--format", "sarif"], r.dir, { env: env() });
    const results = JSON.parse(run.stdout).runs[0].results as {
      properties: Record<string, unknown>;
      level: string;
      message: { text: string };
    }[];
    expect(results.map((x) => [x.properties.verification, x.properties["security-severity"]])).toEqual([
      ["live", "10.0"],
      ["invalid", undefined],
    ]);
    expect(results[0]?.properties.verificationDetail).toBe("GitHub accepted it (octocat)");
    expect(results[0]?.message.text).toContain("LIVE");
    expect(run.stdout).not.toContain(LIVE);
  });

  it("SARIF with verification passes `sarif-multitool validate --rule-kind Gh;Sarif` with zero problems", async () => {
    const r = project(endpoint());
    await runCli(["scan", ".", "--verify", "--format", "sarif", "--output", "out.sarif"], r.dir, { env: env() });
    const pkg = createRequire(import.meta.url).resolve("@microsoft/sarif-multitool-linux/package.json");
    const tool = join(dirname(pkg), "Sarif.Multitool");
    chmodSync(tool, 0o755);
    const out = join(r.dir, "validation.sarif");
    execFileSync(
      tool,
      ["validate", join(r.dir, "out.sarif"), "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"],
      {
        stdio: "pipe",
      },
    );
    const validation = JSON.parse(readFileSync(out, "utf8")) as {
      runs: { results?: { level: string; message: { text?: string } }[] }[];
    };
    expect(validation.runs.flatMap((x) => (x.results ?? []).map((y) => `${y.level}: ${y.message.text ?? ""}`))).toEqual([]);
  }, 60_000);

  it("a bad endpoint in the config: exit 2 naming the field, no request", async () => {
    const r = project("verify:\n  endpoints:\n    github: http://ghe.example.com/api/v3\n");
    const run = await runCli(["scan", ".", "--verify"], r.dir, { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\.gitward\.yaml: verify\.endpoints\.github: plain http is only allowed to loopback addresses/);
    const schema = project("verify:\n  endpoint:\n    github: https://x\n");
    const bad = await runCli(["scan", "."], schema.dir, { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.gitward\.yaml:2: verify: unknown field "endpoint"/);
  });
});

describe("hooks never verify unless the config enables it for hooks", () => {
  function staged(config: string): TempRepo {
    const r = project(config, {});
    r.commit("init", { "README.md": "x\n" });
    r.write("app.env", FILE);
    r.git("add", "app.env");
    return r;
  }

  it("staged: no request with verify.enabled alone; staged --verify and scan --staged --verify are refused", async () => {
    const r = staged(`${endpoint()}  enabled: true\n`);
    const run = await runCli(["staged", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings[0].verification).toBeUndefined();
    const flag = await runCli(["staged", "--verify"], r.dir, { env: env() });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown argument: verify/);
    const scanStaged = await runCli(["scan", "--staged", "--verify"], r.dir, { env: env() });
    expect(scanStaged.code).toBe(2);
    expect(scanStaged.stderr).toMatch(/--verify is not available for staged scans/);
    expect(github.requests).toHaveLength(0);
  });

  it("pre-push: no request with verify.enabled alone", async () => {
    const r = staged(`${endpoint()}  enabled: true\n`);
    r.git("commit", "-q", "-m", "tokens");
    const sha = r.git("rev-parse", "HEAD").trim();
    const run = await runCli(["pre-push", "origin", "url"], r.dir, {
      env: env(),
      stdin: `refs/heads/main ${sha} refs/heads/main ${"0".repeat(40)}\n`,
    });
    expect(run.code).toBe(1);
    expect(github.requests).toHaveLength(0);
  });

  it("staged verifies when the config sets verify.enabled and verify.hooks", async () => {
    const r = staged(`${endpoint()}  enabled: true\n  hooks: true\n`);
    const run = await runCli(["staged", "--format", "json"], r.dir, { env: env() });
    expect(run.code).toBe(1);
    expect(verdicts(run.stdout).byLine.get(1)?.status).toBe("live");
    expect(github.requests).toHaveLength(2);
  });
});

describe("gitward history --verify", () => {
  it("verifies findings from history; with --cache the verdicts go beside it and a rerun asks nothing", async () => {
    const r = project(endpoint(), {});
    r.commit("add tokens", { "app.env": FILE });
    r.commit("remove them", { "app.env": "GITHUB_TOKEN=\n" });
    const e = env();
    const first = await runCli(["history", "--verify", "--cache", ".cache/history.json", "--format", "json"], r.dir, { env: e });
    expect(first.code).toBe(1);
    const { byLine, doc } = verdicts(first.stdout);
    expect(byLine.get(1)?.status).toBe("live");
    expect(byLine.get(2)?.status).toBe("invalid");
    expect(doc.summary.verification).toMatchObject({ requests: 2 });
    const beside = join(r.dir, ".cache/history.json.verify.json");
    expect(existsSync(beside)).toBe(true);
    expect(readFileSync(beside, "utf8")).not.toContain(LIVE);
    // The rerun skips every commit (history cache): findings carry only hashes, the verdicts come from the cache.
    const again = await runCli(["history", "--verify", "--cache", ".cache/history.json", "--format", "json"], r.dir, { env: e });
    const second = verdicts(again.stdout);
    expect(second.byLine.get(1)).toMatchObject({ status: "live", cached: true });
    expect(second.doc.summary.verification).toMatchObject({ requests: 0, cached: 2 });
    expect(github.requests).toHaveLength(2);
  });
});
