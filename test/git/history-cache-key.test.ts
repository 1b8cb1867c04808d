/**
 * Issue 17 item 1 and 4: the history cache must never hide a finding that a scan without the cache
 * reports (its key covers everything that changes what a scan reports), and a finding carried from
 * the cache shows its secret with --no-redact like a fresh one.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { AWS_PACK, awsRepo, brief, fakeAwsKey, findingsOf } from "./git-helpers.js";

const repos = reposPerTest();
const repo = (): TempRepo => repos.track(awsRepo());
const K = fakeAwsKey("cache-key-1");

async function history(r: TempRepo, ...args: string[]) {
  const out = await runCli(["history", "-f", "json", ...args], r.dir);
  return { ...out, findings: out.stdout ? findingsOf(out.stdout) : [] };
}

function twoDirRepo(): TempRepo {
  const r = repo();
  r.commit("both", { "cfg/a.txt": "plain\n", "other/s.env": `x=1\nKEY=${K}\n${"# padding\n".repeat(200)}` });
  return r;
}

describe("history --cache is keyed by what changes a scan's report", () => {
  it("--path: a run limited to cfg/ does not hide other/ from the next full run", async () => {
    const r = twoDirRepo();
    const first = await history(r, "--cache", "c.json", "--path", "cfg");
    expect(first.code).toBe(0);
    expect(first.findings).toEqual([]);
    const second = await history(r, "--cache", "c.json");
    expect(second.code).toBe(1);
    expect(brief(second.findings)).toEqual(["aws-access-key-id other/s.env:2"]);
    // The same selection again is served from the cache.
    const third = await history(r, "--cache", "c.json");
    expect(third.stderr).toMatch(/skipped 1 of 1 commits/);
    expect(brief(third.findings)).toEqual(["aws-access-key-id other/s.env:2"]);
  });

  it("a config allowlist, a baseline, --max-file-size and --rule of an earlier run do not carry over", async () => {
    const r = twoDirRepo();
    writeFileSync(join(r.dir, ".gitward.yaml"), `extends:\n  - ${JSON.stringify(AWS_PACK)}\nallowlist:\n  paths: ["other/**"]\n`);
    expect((await history(r, "--cache", "c.json")).findings).toEqual([]);
    writeFileSync(join(r.dir, ".gitward.yaml"), `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`);
    const afterAllowlist = await history(r, "--cache", "c.json");
    expect(afterAllowlist.code).toBe(1);
    expect(brief(afterAllowlist.findings)).toEqual(["aws-access-key-id other/s.env:2"]);

    expect((await history(r, "--cache", "d.json", "--max-file-size", "1KB")).findings).toEqual([]);
    expect(brief((await history(r, "--cache", "d.json")).findings)).toEqual(["aws-access-key-id other/s.env:2"]);

    expect((await history(r, "--cache", "e.json", "--rule", "aws-secret-access-key")).findings).toEqual([]);
    expect(brief((await history(r, "--cache", "e.json")).findings)).toEqual(["aws-access-key-id other/s.env:2"]);

    // A baseline that covers the finding, then none.
    const created = await runCli(["baseline", "create", "--history", "--file", "b.json"], r.dir);
    expect(created.code).toBe(0);
    expect((await history(r, "--cache", "f.json", "--baseline", "b.json")).findings).toEqual([]);
    expect(brief((await history(r, "--cache", "f.json", "--no-baseline")).findings)).toEqual(["aws-access-key-id other/s.env:2"]);
  });

  it("a finding carried from the cache shows its secret and line with --no-redact, and stays masked without", async () => {
    const r = twoDirRepo();
    await history(r, "--cache", "c.json");
    const hit = await history(r, "--cache", "c.json", "--no-redact");
    expect(hit.stderr).toMatch(/skipped 1 of 1 commits/);
    const f = hit.findings[0] as unknown as { secret: string; redacted: boolean };
    expect(f.secret).toBe(K);
    expect(f.redacted).toBe(false);
    const masked = await history(r, "--cache", "c.json");
    expect((masked.findings[0] as unknown as { secret: string }).secret).toBe(`${K.slice(0, 4)}****`);
    const text = await runCli(["history", "--cache", "c.json"], r.dir);
    expect(text.stdout).toContain(`KEY=${K.slice(0, 4)}****`);
    expect(text.stdout).not.toContain(K);
  });
});
