/**
 * `gitward scan` end to end, in-process: planted fake secrets in a real
 * directory tree (and a real git repo for .gitignore), every report format,
 * exit codes, stdin, skip notices and redaction.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, runCli, type TempRepo } from "../helpers/temp-repo.js";

const KEY1 = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "scan-1");
const KEY2 = expandFakes("ASIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "scan-2");

let repo: TempRepo;

beforeAll(() => {
  repo = createRepo();
  repo.write("config/app.env", `# app\nREGION=eu-west-1\nAWS_ACCESS_KEY_ID=${KEY1}\n`);
  repo.write("src/my file.py", `import os\n\nclient = make("${KEY2}")\n`);
  repo.write("docs/readme.md", "Use AKIAIOSFODNN7EXAMPLE in examples.\n");
  repo.write("ignored/leak.env", `AWS_ACCESS_KEY_ID=${KEY1}\n`);
  repo.write(".gitignore", "ignored/\n");
  repo.write("assets/logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d]));
  repo.write("dist/app.min.js", `var a=1;${"x".repeat(100)}\n`);
});
afterAll(() => repo.cleanup());

describe("gitward scan", () => {
  it("finds every planted secret at the right line, skipping ignored and binary files", async () => {
    const r = await runCli(["scan", ".", "--format", "json"], repo.dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(
      doc.findings.map((f: { ruleId: string; path: string; startLine: number; startColumn: number }) => [
        f.ruleId,
        f.path,
        f.startLine,
        f.startColumn,
      ]),
    ).toEqual([
      ["aws-access-key-id", "config/app.env", 3, 19],
      ["aws-access-key-id", "src/my file.py", 3, 16],
    ]);
    expect(doc.summary).toMatchObject({ findings: 2, blocking: 2, notScanned: 0 });
    expect(doc.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason])).toEqual(
      expect.arrayContaining([
        ["assets/logo.png", "binary"],
        ["dist/app.min.js", "minified"],
      ]),
    );
  });

  it("redacts secrets in every format unless --no-redact", async () => {
    for (const format of ["text", "json", "sarif"]) {
      const r = await runCli(["scan", ".", "--format", format], repo.dir);
      expect(r.stdout + r.stderr).not.toContain(KEY1);
      expect(r.stdout + r.stderr).not.toContain(KEY2);
      expect(r.stdout).toContain(`${KEY1.slice(0, 4)}****`);
    }
    const open = await runCli(["scan", "config", "--no-redact", "--format", "json"], repo.dir);
    expect(JSON.parse(open.stdout).findings[0].secret).toBe(KEY1);
  });

  it("prints a text block per finding with location, masked line, fix and allow hints, and a summary", async () => {
    const r = await runCli(["scan", "config"], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[aws-access-key-id] AWS access key ID (critical)");
    expect(r.stdout).toContain("  --> config/app.env:3:19");
    expect(r.stdout).toContain(`  3 | AWS_ACCESS_KEY_ID=${KEY1.slice(0, 4)}****`);
    expect(r.stdout).toContain("fix: Deactivate and delete the key in IAM");
    expect(r.stdout).toContain('allow: add "gitward:allow aws-access-key-id -- <reason>"');
    expect(r.stdout).toMatch(/scanned 1 file \(62 B, 3 lines\) in \d+ ms, 1 finding, 1 blocking, 0 warnings\n$/);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("scans .gitignore'd files with --no-ignore", async () => {
    const r = await runCli(["scan", "ignored", "--no-ignore", "--format", "json"], repo.dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { path: string; startLine: number }) => [f.path, f.startLine])).toEqual([
      ["ignored/leak.env", 1],
    ]);
  });

  it("exits 0 on a clean tree and honours the documented example key allowlist", async () => {
    const r = await runCli(["scan", "docs"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scanned 1 file .* 0 findings\n$/);
  });

  it("writes --output and keeps the summary on stderr", async () => {
    const r = await runCli(["scan", ".", "--format", "sarif", "--output", "out.sarif"], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/scanned \d+ files .*2 findings/);
    const sarif = JSON.parse(repo.read("out.sarif"));
    expect(
      sarif.runs[0].results.map(
        (x: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }) => [
          x.ruleId,
          x.locations[0]?.physicalLocation.artifactLocation.uri,
          x.locations[0]?.physicalLocation.region.startLine,
        ],
      ),
    ).toEqual([
      ["aws-access-key-id", "config/app.env", 3],
      ["aws-access-key-id", "src/my%20file.py", 3],
    ]);
  });

  it("scans stdin with --stdin-filename", async () => {
    const r = await runCli(["scan", "-", "--stdin-filename", "deploy/.env", "--format", "json"], repo.dir, {
      stdin: `X=1\nKEY=${KEY2}\n`,
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { path: string; startLine: number }) => [f.path, f.startLine])).toEqual([
      ["deploy/.env", 2],
    ]);
  });

  it("a named path that does not exist is a usage error (exit 2) naming it", async () => {
    const r = await runCli(["scan", "config", "does-not-exist"], repo.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gitward: scan: does-not-exist: no such file or directory\n");
  });

  it("does not follow symlinks (they can point outside the tree)", async () => {
    const outside = join(repo.dir, "..", `outside-${Date.now()}.env`);
    writeFileSync(outside, `AWS_ACCESS_KEY_ID=${KEY1}\n`);
    mkdirSync(join(repo.dir, "links"), { recursive: true });
    symlinkSync(outside, join(repo.dir, "links", "outside.env"));
    symlinkSync(join(repo.dir, "nowhere"), join(repo.dir, "links", "dangling.env"));
    const r = await runCli(["scan", "links", "--format", "json"], repo.dir);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([]);
    expect(doc.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]).sort()).toEqual([
      ["links/dangling.env", "symlink"],
      ["links/outside.env", "symlink"],
    ]);
    expect(r.code).toBe(0);
  });

  it("traces dropped candidates with --debug, without leaking the secret", async () => {
    repo.write("debug/app.env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n");
    const r = await runCli(["scan", "debug", "--debug"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("debug: aws-access-key-id debug/app.env:1 dropped at allowlist: ");
    expect(r.stderr).toMatch(/debug: \d+ rule\/fragment pairs skipped by the keyword prefilter/);
    const leak = await runCli(["scan", "config", "--debug"], repo.dir);
    expect(leak.stdout + leak.stderr).not.toContain(KEY1);
  });

  it("exits 2 with a clear message on usage errors", async () => {
    const r = await runCli(["scan", "--format", "xml"], repo.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid values:\s+Argument: format, Given: "xml", Choices: "text", "json", "sarif"/);
    const unknown = await runCli(["scna"], repo.dir);
    expect(unknown.code).toBe(2);
  });

  it("lists and explains rules", async () => {
    const list = await runCli(["rules", "--format", "json"], repo.dir);
    expect(list.code).toBe(0);
    const rules = JSON.parse(list.stdout);
    expect(rules.find((r: { id: string }) => r.id === "aws-access-key-id")).toMatchObject({
      pack: "gitward-secrets-aws",
      severity: "critical",
      mode: "block",
    });
    const explain = await runCli(["explain", "aws-access-key-id"], repo.dir);
    expect(explain.stdout).toContain("Why this matters");
    expect(explain.stdout).toContain("How to fix");
    const missing = await runCli(["explain", "aws-nope"], repo.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('unknown rule "aws-nope"');
  });
});
