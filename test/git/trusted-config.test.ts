/**
 * A pull request cannot talk CI out of its findings: with `--trusted-config-from <base>` a ranged
 * history scan reads config and baseline from the base revision, and lists every suppression the
 * range adds (config allowlist, baseline entries, inline allows) in text, JSON, SARIF (as results
 * that stay visible) and the job summary. Real repositories, real branches.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { sarifProblems } from "../helpers/sarif-validate.js";
import { createRepo, GIT_ENV, reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { AWS_PACK, fakeAwsKey, installGitward, ROOT } from "./git-helpers.js";

const repos = reposPerTest();
const K1 = fakeAwsKey("trusted-1");
const K2 = fakeAwsKey("trusted-2");
const K3 = fakeAwsKey("trusted-3");
const K4 = fakeAwsKey("trusted-4");
const K5 = fakeAwsKey("trusted-5");
const hash = (s: string) => createHash("sha256").update(s).digest("hex");

const baseline = (entries: object[]) => `${JSON.stringify({ "gitward-baseline": 1, entries: [...entries, null] }, null, 2)}\n`;

/**
 * main: a committed config (AWS rules only) and a baseline that accepts K5 in old/k5.env.
 * pr: adds K1 and allowlists its folder in the config; adds K3 with a baseline entry of its own;
 * adds K2 next to a bare gitward:allow, K4 next to gitleaks:allow; adds K5 where main accepted it.
 */
function pullRequestRepo(): TempRepo {
  const r = createRepo();
  repos.track(r);
  const config = `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`;
  r.commit("base", {
    ".gitward.yaml": config,
    ".gitward-baseline.json": baseline([
      { path: "old/k5.env", ruleId: "aws-access-key-id", secretHash: hash(K5), reason: "rotated" },
    ]),
    "README.md": "app\n",
  });
  r.git("checkout", "-q", "-b", "pr");
  r.commit("add service credentials", {
    "app/creds.env": `AWS_ACCESS_KEY_ID=${K1}\n`,
    ".gitward.yaml": `${config}allowlist:\n  paths:\n    - "app/**"\n`,
  });
  r.commit("vendor a key, accept it", {
    "x/y.env": `KEY=${K3}\n`,
    ".gitward-baseline.json": baseline([
      { path: "old/k5.env", ruleId: "aws-access-key-id", secretHash: hash(K5), reason: "rotated" },
      { path: "x/y.env", ruleId: "aws-access-key-id", secretHash: hash(K3), reason: "fine" },
    ]),
  });
  r.commit("allows from other tools", {
    "lib/k.env": `KEY=${K2} # gitward:allow\n`,
    "legacy.txt": `key ${K4} # gitleaks:allow\n`,
    "old/k5.env": `KEY=${K5}\n`,
  });
  return r;
}

interface JsonReport {
  findings: { ruleId: string; path: string; startLine: number; suppressions?: { kind: string; justification: string }[] }[];
  summary: { blocking: number; addedSuppressions?: number };
  trusted?: {
    rev: string;
    sha: string;
    config?: string;
    baseline?: string;
    addedSuppressions: { kind: string; path: string; line: number; commit?: string; message: string }[];
  };
}

describe("history --trusted-config-from", () => {
  it("without it, the pull request's own config, baseline and allows make CI green", async () => {
    const r = pullRequestRepo();
    const res = await runCli(["history", "main..pr", "-f", "json"], r.dir);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.summary.blocking).toBe(0);
    expect(report.trusted).toBeUndefined();
  });

  it("reads config and baseline from the base: the allowlisted and baselined keys block, and every added suppression is listed", async () => {
    const r = pullRequestRepo();
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "main", "-f", "json", "--show-suppressed"], r.dir);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    const state = report.findings.map(
      (f) => `${f.path}:${f.startLine} ${f.suppressions ? f.suppressions[0]?.justification : "open"}`,
    );
    expect(state.sort()).toEqual([
      "app/creds.env:1 open",
      "legacy.txt:1 gitleaks:allow (all rules)",
      "lib/k.env:1 gitward:allow (all rules)",
      "old/k5.env:1 rotated (main:.gitward-baseline.json)",
      "x/y.env:1 open",
    ]);
    // The base's baseline entry is named by revision and path.
    const k5 = report.findings.find((f) => f.path === "old/k5.env");
    expect(k5?.suppressions?.[0]?.kind).toBe("baseline");
    expect(res.stdout).toContain("main:.gitward-baseline.json");

    const t = report.trusted;
    expect(t?.rev).toBe("main");
    expect(t?.sha).toBe(r.git("rev-parse", "main").trim());
    expect(t?.config).toBe(".gitward.yaml");
    expect(t?.baseline).toBe(".gitward-baseline.json");
    const added = (t?.addedSuppressions ?? []).map((s) => `${s.kind} ${s.path}:${s.line} ${s.message}`);
    expect(added).toEqual([
      `config .gitward.yaml:5 allowlist.paths adds "app/**"`,
      `baseline .gitward-baseline.json:13 baseline entry for aws-access-key-id at x/y.env (sha256 ${hash(K3).slice(0, 12)}; reason "fine")`,
      "inline-allow legacy.txt:1 inline allow (gitleaks:allow) for every rule, no reason; suppressed aws-access-key-id",
      "inline-allow lib/k.env:1 inline allow (gitward:allow) for every rule, no reason; suppressed aws-access-key-id",
    ]);
    const allowCommit = r.git("rev-parse", "pr").trim();
    expect(t?.addedSuppressions[2]?.commit).toBe(allowCommit);
    expect(report.summary.addedSuppressions).toBe(4);
    expect(res.stdout).not.toContain(K1);
  });

  it("text: says where config and baseline came from and lists each added suppression", async () => {
    const r = pullRequestRepo();
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "main"], r.dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      `config and baseline read from the trusted revision main (${r.git("rev-parse", "main").trim().slice(0, 12)}): .gitward.yaml and .gitward-baseline.json`,
    );
    expect(res.stdout).toContain("the range adds 4 suppressions:");
    expect(res.stdout).toMatch(/ {2}config: \.gitward\.yaml:5: allowlist\.paths adds "app\/\*\*"/);
    expect(res.stdout).toMatch(/ {2}inline-allow: lib\/k\.env:1 \(commit [0-9a-f]{12}\): inline allow \(gitward:allow\)/);
  });

  it("SARIF: each added suppression is a visible (unsuppressed) result, and the log is valid for GitHub", async () => {
    const r = pullRequestRepo();
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "main", "-f", "sarif", "-o", "out.sarif"], r.dir);
    expect(res.code).toBe(1);
    // The summary on stderr (what a CI log shows) lists them too.
    expect(res.stderr).toContain("the range adds 4 suppressions:");
    const log = JSON.parse(r.read("out.sarif"));
    const run = log.runs[0];
    const added = run.results.filter((x: { ruleId: string }) => x.ruleId === "gitward-suppression-added");
    expect(added).toHaveLength(4);
    for (const a of added) {
      expect(a.suppressions).toBeUndefined();
      expect(a.level).toBe("warning");
      expect(run.tool.driver.rules[a.ruleIndex].id).toBe("gitward-suppression-added");
    }
    expect(added[0].locations[0].physicalLocation.artifactLocation.uri).toBe(".gitward.yaml");
    expect(added[0].locations[0].physicalLocation.region.startLine).toBe(5);
    expect(sarifProblems(join(r.dir, "out.sarif"))).toEqual([]);
  });

  it("--step-summary appends a Markdown job summary with the findings (masked) and the added suppressions", async () => {
    const r = pullRequestRepo();
    r.write("summary.md", "earlier step\n");
    const res = await runCli(
      ["history", "main..pr", "--trusted-config-from", "main", "-f", "sarif", "-o", "out.sarif", "--step-summary", "summary.md"],
      r.dir,
    );
    expect(res.code).toBe(1);
    const md = readFileSync(join(r.dir, "summary.md"), "utf8");
    expect(md.startsWith("earlier step\n## gitward\n")).toBe(true);
    expect(md).toContain("2 blocking findings, 0 warnings, 3 suppressed, in 3 commits (exit 1)");
    expect(md).toContain("| `aws-access-key-id` | `app/creds.env:1` |");
    expect(md).toContain("### Suppressions this range adds: 4");
    expect(md).toContain('| config | `.gitward.yaml:5` |  | allowlist.paths adds "app/**" |');
    expect(md).not.toContain(K1);
  });

  it("a base without config or baseline: defaults apply, and the pull request's new config is listed", async () => {
    const r = createRepo();
    repos.track(r);
    r.commit("base", { "README.md": "app\n" });
    r.git("checkout", "-q", "-b", "pr");
    r.commit("pr", {
      "app/creds.env": `AWS_ACCESS_KEY_ID=${K1}\n`,
      "gitward.config.yaml": 'failOn: critical\nrules:\n  aws-access-key-id: "off"\nallowlist:\n  regexes: ["AKIA"]\n',
    });
    expect((await runCli(["history", "main..pr"], r.dir)).code).toBe(0);
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "main", "-f", "json"], r.dir);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(["aws-access-key-id app/creds.env"]);
    expect(report.trusted?.config).toBeUndefined();
    expect(report.trusted?.addedSuppressions.map((s) => `${s.path}:${s.line} ${s.message}`)).toEqual([
      'gitward.config.yaml:5 allowlist.regexes adds "AKIA"',
      'gitward.config.yaml:3 rules.aws-access-key-id: "off" (was unset)',
      'gitward.config.yaml:1 failOn: "critical" (was unset)',
    ]);
  });

  it("a local pack the config extends is read from the base too", async () => {
    const r = createRepo();
    repos.track(r);
    const pack = readFileSync(AWS_PACK, "utf8");
    r.commit("base", { ".gitward.yaml": "extends:\n  - ./packs/aws.yaml\n", "packs/aws.yaml": pack });
    r.git("checkout", "-q", "-b", "pr");
    // The pull request empties the pack's rules and adds a key.
    r.commit("pr", { "packs/aws.yaml": pack.replace(/\nrules:[\s\S]*$/, "\nrules: []\n"), "a.env": `K=${K1}\n` });
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "main", "-f", "json"], r.dir);
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as JsonReport).findings.map((f) => f.path)).toEqual(["a.env"]);
  });

  it("an unknown revision is a usage error", async () => {
    const r = pullRequestRepo();
    const res = await runCli(["history", "main..pr", "--trusted-config-from", "no-such-branch"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'gitward: --trusted-config-from: unknown revision "no-such-branch" (fetch it first: actions/checkout fetch-depth: 0)\n',
    );
  });
});

describe("action.yml on a pull request", () => {
  /** Runs the action's scan step as the runner would: bash, the step's env, gitward from node_modules. */
  function runScanStep(r: TempRepo, event: Record<string, string>, inputs: Record<string, string> = {}) {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { runs: { steps: { id?: string; run?: string }[] } };
    const script = action.runs.steps.find((s) => s.id === "scan")?.run ?? "";
    installGitward(r);
    const env = {
      ...process.env,
      ...GIT_ENV,
      INPUT_RANGE: "",
      INPUT_ARGS: "",
      INPUT_VERSION: "latest",
      INPUT_SARIF: "gitward.sarif",
      INPUT_TRUSTED: "true",
      INPUT_SUMMARY: "true",
      PUSH_BEFORE: "",
      PUSH_AFTER: "",
      GITHUB_OUTPUT: join(r.dir, "output.txt"),
      GITHUB_STEP_SUMMARY: join(r.dir, "summary.md"),
      ...inputs,
      ...event,
    };
    const p = spawnSync("bash", ["-e", "-c", script], { cwd: r.dir, encoding: "utf8", env });
    return { code: p.status, out: `${p.stdout}${p.stderr}` };
  }

  it("reads config and baseline from the base, reports the added suppressions in SARIF and the job summary", () => {
    const r = pullRequestRepo();
    const event = {
      EVENT_NAME: "pull_request",
      PR_BASE: r.git("rev-parse", "main").trim(),
      PR_HEAD: r.git("rev-parse", "pr").trim(),
    };
    const res = runScanStep(r, event);
    expect(res.code).toBe(0); // the step records the exit code; a later step fails the job
    expect(r.read("output.txt")).toBe("exit-code=1\n");
    const summary = r.read("summary.md");
    expect(summary).toContain("2 blocking findings");
    expect(summary).toContain("### Suppressions this range adds: 4");
    const log = JSON.parse(r.read("gitward.sarif"));
    const added = log.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "gitward-suppression-added");
    expect(added).toHaveLength(4);

    // trusted-config: false lets the pull request's own config decide (and it goes green).
    const off = runScanStep(r, event, { INPUT_TRUSTED: "false" });
    expect(off.code).toBe(0);
    expect(r.read("output.txt")).toBe("exit-code=1\nexit-code=0\n");
  });
});
