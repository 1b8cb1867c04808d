/**
 * Issue 17's scenarios, end to end: the built binary (bin/gitward.cjs, as users run it) on
 * throwaway repositories, one scenario per defect of items 1–3 and 5–7. Each scenario failed
 * before its fix (the issue counted 0 of 10 passing).
 */
import { appendFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runBin, type TempRepo } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "scenario-17");
const SECRET = expandFakes("{{fake:alnum:40}}", "scenario-17-secret");

type Doc = { findings: { ruleId: string; path: string; startLine: number }[]; skipped: { path: string; reason: string }[] };
const json = (stdout: string) => JSON.parse(stdout) as Doc;
const brief = (stdout: string) => json(stdout).findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`);

function repo(): TempRepo {
  const r = repos();
  r.commit("base", { "README.md": "# app\n" });
  return r;
}

function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

describe("issue 17 scenarios (built binary)", () => {
  it("1a: history --cache after a --path run still reports the other directory's key", () => {
    const r = repo();
    r.commit("both", { "cfg/a.txt": "plain\n", "other/s.env": `KEY=${KEY}\n` });
    expect(runBin(["history", "--cache", "c.json", "--path", "cfg"], r.dir).code).toBe(0);
    const second = runBin(["history", "--cache", "c.json", "-f", "json"], r.dir);
    expect(second.code).toBe(1);
    expect(brief(second.stdout)).toEqual(["aws-access-key-id other/s.env:1"]);
  });

  it("1b: history --cache after a run whose config allowlisted the path reports the key without it", () => {
    const r = repo();
    r.commit("key", { "other/s.env": `KEY=${KEY}\n` });
    appendFileSync(join(r.dir, ".git/info/exclude"), ".gitward.yaml\nc.json\n");
    writeFileSync(join(r.dir, ".gitward.yaml"), 'allowlist:\n  paths: ["other/"]\n');
    expect(runBin(["history", "--cache", "c.json"], r.dir).code).toBe(0);
    writeFileSync(join(r.dir, ".gitward.yaml"), "extends: [gitward:builtin]\n");
    const second = runBin(["history", "--cache", "c.json", "-f", "json"], r.dir);
    expect(second.code).toBe(1);
    expect(brief(second.stdout)).toEqual(["aws-access-key-id other/s.env:1"]);
  });

  it("2: --rule aws-access-key-id does not print the secret access key on the same line", () => {
    const r = repo();
    r.write("creds.ini", `aws_access_key_id=${KEY} aws_secret_access_key=${SECRET}\n`);
    r.git("add", "creds.ini");
    for (const argv of [["scan", "creds.ini"], ["staged"]]) {
      const out = runBin([...argv, "--rule", "aws-access-key-id"], r.dir);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain("aws_access_key_id=AKIA****");
      expect(out.stdout).not.toContain(SECRET);
    }
    r.commit("creds");
    const history = runBin(["history", "--rule", "aws-access-key-id"], r.dir);
    expect(history.code).toBe(1);
    expect(history.stdout).not.toContain(SECRET);
  });

  it("3a: a UTF-16 .env committed with --no-verify is found by history", () => {
    const r = repo();
    r.commit("utf-16", { "prod.env": utf16(`A=1\r\nAWS_ACCESS_KEY_ID=${KEY}\r\n`) });
    const out = runBin(["history", "-f", "json"], r.dir);
    expect(out.code).toBe(1);
    expect(brief(out.stdout)).toEqual(["aws-access-key-id prod.env:2"]);
  });

  it("3b: ... and by pre-push, the hook that exists to catch it", () => {
    const remote = repos({ bare: true });
    const r = repo();
    r.git("remote", "add", "origin", remote.dir);
    r.git("push", "-q", "origin", "main");
    const base = r.git("rev-parse", "HEAD").trim();
    const bad = r.commit("utf-16", { "prod.env": utf16(`AWS_ACCESS_KEY_ID=${KEY}\n`) });
    const out = runBin(["pre-push", "origin", remote.dir, "-f", "json"], r.dir, {
      input: `refs/heads/main ${bad} refs/heads/main ${base}\n`,
    });
    expect(out.code).toBe(1);
    expect(brief(out.stdout)).toEqual(["aws-access-key-id prod.env:1"]);
  });

  it("5a: history --path '*.md' takes the glob as users mean it", () => {
    const r = repo();
    r.commit("docs", { "docs/setup.md": `key ${KEY}\n` });
    const out = runBin(["history", "--path", "*.md", "-f", "json"], r.dir);
    expect(out.code).toBe(1);
    expect(brief(out.stdout)).toEqual(["aws-access-key-id docs/setup.md:1"]);
  });

  it("5b: asking for what does not exist, or for a scan that can find nothing, exits 2", () => {
    const r = repo();
    r.write("real.env", `KEY=${KEY}\n`);
    symlinkSync("real.env", join(r.dir, "link.env"));
    const cases: [string[], RegExp][] = [
      [["history", "--path", "nonexistent"], /--path nonexistent: matches no file in the selected commits/],
      [["history", "--since", "no-such-ref"], /--since: "no-such-ref" is neither a commit nor a date/],
      [["scan", "--rule", "no-such-rule", "."], /--rule: unknown rule "no-such-rule"/],
      [["scan", "--max-file-size", "0", "."], /--max-file-size: 0 would skip every file/],
      [["scan", "link.env"], /scan: link\.env is a symbolic link/],
    ];
    for (const [argv, message] of cases) {
      const out = runBin(argv, r.dir);
      expect({ argv, code: out.code }).toEqual({ argv, code: 2 });
      expect(out.stderr).toMatch(message);
    }
    writeFileSync(join(r.dir, ".gitward.yaml"), "extends: []\n");
    const none = runBin(["scan", "real.env"], r.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no rules are active/);
  });

  it("6: scan - --staged is a usage error, not a crash", () => {
    const r = repo();
    const out = runBin(["scan", "-", "--staged"], r.dir, { input: "x\n" });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/'-' \(stdin\) and --staged are different sources/);
    expect(out.stderr).not.toMatch(/internal error|TypeError/);
  });

  it("7a: the README's .gitward.yaml example is not a finding", () => {
    const r = repo();
    r.write(".gitward.yaml", "rules:\n  generic-password: warn\n");
    const out = runBin(["scan", "-f", "json"], r.dir);
    expect(brief(out.stdout)).toEqual([]);
    expect(out.code).toBe(0);
  });

  it("7b: a shareable config's rule overrides are not findings", () => {
    const r = repo();
    r.write(
      "org/gitward.yaml",
      "rules:\n  acme-internal-token: { severity: critical }\n  aws-secret-access-key: {severity: high, mode: warn}\n  db-password: block\n",
    );
    r.write(".gitward.yaml", "extends:\n  - gitward:builtin\n  - ./org/gitward.yaml\n");
    r.git("add", "-A");
    for (const argv of [["scan", "."], ["staged"]]) {
      const out = runBin([...argv, "-f", "json"], r.dir);
      expect({ argv, findings: brief(out.stdout), code: out.code }).toEqual({ argv, findings: [], code: 0 });
    }
  });
});
