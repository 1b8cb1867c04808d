import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultJobs } from "../../src/cli/commands/history.js";
import { createRepo, reposPerTest, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";
import { AWS_PACK, awsRepo, brief, fakeAwsKey, findingsOf } from "./git-helpers.js";

const repos = reposPerTest();
/** A repository with the test AWS pack configured (see git-helpers), removed after the test. */
const repo = (): TempRepo => repos.track(awsRepo());

const K1 = fakeAwsKey("history-1");
const K2 = fakeAwsKey("history-2");

async function history(r: TempRepo, ...args: string[]) {
  const out = await runCli(["history", "-f", "json", ...args], r.dir);
  const findings = out.stdout ? findingsOf(out.stdout) : [];
  if (!args.includes("--jobs") && !args.includes("--cache")) {
    // One git log walking the history (--jobs 1) and the commit list split over processes (--jobs 2)
    // must give the same report.
    for (const jobs of ["1", "2"]) {
      const other = await runCli(["history", "-f", "json", "--jobs", jobs, ...args], r.dir);
      expect(other.code).toBe(out.code);
      expect(other.stdout ? findingsOf(other.stdout) : []).toEqual(findings);
    }
  }
  return { ...out, findings };
}

describe("gitward history", () => {
  it("finds a secret added and later removed: introducing commit, presentAtHead false", async () => {
    const r = repo();
    r.commit("one", { "a.txt": "x\n" });
    const added = r.commit("add key", { "a.txt": `x\nkey = ${K1}\n` });
    r.commit("remove key", { "a.txt": "x\n" });
    const out = await history(r);
    expect(out.code).toBe(1);
    expect(brief(out.findings)).toEqual(["aws-access-key-id a.txt:2"]);
    const f = out.findings[0];
    expect(f?.commit?.sha).toBe(added);
    expect(f?.commit?.author).toBe("Test Author");
    expect(f?.presentAtHead).toBe(false);
    expect(f?.occurrences).toBe(1);
  });

  it("one finding per secret per location: the oldest commit, occurrences counted, presentAtHead true", async () => {
    const r = repo();
    const first = r.commit("add", { "a.txt": `k ${K1}\n` });
    r.commit("remove", { "a.txt": "none\n" });
    r.commit("re-add on another line", { "a.txt": `none\nagain ${K1}\n` });
    r.commit("other file", { "b.txt": `k ${K2}\n` });
    const out = await history(r);
    expect(brief(out.findings)).toEqual(["aws-access-key-id a.txt:1", "aws-access-key-id b.txt:1"]);
    expect(out.findings[0]?.commit?.sha).toBe(first);
    expect(out.findings[0]?.occurrences).toBe(2);
    expect(out.findings[0]?.presentAtHead).toBe(true);
    expect(out.findings[1]?.presentAtHead).toBe(true);
  });

  it("scans every ref by default, a range, --max-count, --since <rev> and --path", async () => {
    const r = repo();
    const base = r.commit("base", { "a.txt": "a\n" });
    r.git("checkout", "-q", "-b", "feature");
    r.commit("feature key", { "f.txt": `k ${K1}\n` });
    r.git("checkout", "-q", "main");
    r.commit("main key", { "dir/m.txt": `k ${K2}\n` });
    expect(brief((await history(r)).findings)).toEqual(["aws-access-key-id dir/m.txt:1", "aws-access-key-id f.txt:1"]);
    expect(brief((await history(r, "main..feature")).findings)).toEqual(["aws-access-key-id f.txt:1"]);
    expect(brief((await history(r, "main", "--max-count", "1")).findings)).toEqual(["aws-access-key-id dir/m.txt:1"]);
    expect(brief((await history(r, "--since", base)).findings)).toHaveLength(2);
    expect(brief((await history(r, "--path", "dir")).findings)).toEqual(["aws-access-key-id dir/m.txt:1"]);
  });

  it("--since accepts a date", async () => {
    const r = repo();
    r.commit("k", { "a.txt": `k ${K1}\n` });
    expect((await history(r, "--since", "2000-01-01")).findings).toHaveLength(1);
    expect((await history(r, "--since", "2090-01-01")).findings).toHaveLength(0);
  });

  it("--cache: rescans skip scanned commits, keep reporting old findings, store no secret; a changed rule set rescans", async () => {
    const r = repo();
    const c1 = r.commit("k", { "a.txt": `k ${K1}\n` });
    r.commit("clean", { "b.txt": "b\n" });
    const first = await history(r, "--cache", ".cache/gw.json");
    expect(first.stderr).toMatch(/skipped 0 of 2 commits/);
    const cacheText = readFileSync(join(r.dir, ".cache/gw.json"), "utf8");
    expect(cacheText).not.toContain(K1);
    expect(cacheText).not.toContain(K1.slice(4));
    r.commit("more", { "c.txt": `k ${K2}\n` });
    const second = await history(r, "--cache", ".cache/gw.json");
    expect(second.stderr).toMatch(/skipped 2 of 3 commits already scanned/);
    expect(second.code).toBe(1);
    expect(brief(second.findings)).toEqual(["aws-access-key-id a.txt:1", "aws-access-key-id c.txt:1"]);
    expect(second.findings[0]?.commit?.sha).toBe(c1);
    expect(second.findings[0]?.presentAtHead).toBe(true);
    // Another rule set (an extra pack): everything is rescanned.
    const third = await history(r, "--cache", ".cache/gw.json", "--rule", "aws-access-key-id", "--fail-on", "high");
    expect(third.stderr).toMatch(/skipped (0|3) of 3/);
  });

  it("SARIF carries the commit of each result and versionControlProvenance", async () => {
    const r = repo();
    const sha = r.commit("k", { "a.txt": `k ${K1}\n` });
    r.git("remote", "add", "origin", "https://user:tok@example.com/acme/app.git");
    const out = await runCli(["history", "-f", "sarif"], r.dir);
    expect(out.code).toBe(1);
    const sarif = JSON.parse(out.stdout);
    const run = sarif.runs[0];
    expect(run.results[0].properties.commitSha).toBe(sha);
    expect(run.results[0].properties.presentAtHead).toBe(true);
    expect(run.versionControlProvenance[0]).toMatchObject({
      repositoryUri: "https://example.com/acme/app.git",
      revisionId: sha,
      branch: "main",
    });
    expect(out.stdout).not.toContain(K1);
  });

  it("empty repository, detached HEAD, bare repository, shallow clone", async () => {
    const empty = repo();
    const e = await runCli(["history"], empty.dir);
    expect(e.code).toBe(0);
    expect(e.stderr).toMatch(/no commits yet/);

    const r = repo();
    const sha = r.commit("k", { "a.txt": `k ${K1}\n` });
    r.commit("clean", { "b.txt": "b\n" });
    r.git("checkout", "-q", "--detach", sha);
    expect(brief((await history(r)).findings)).toEqual(["aws-access-key-id a.txt:1"]);

    const bare = createRepo({ bare: true });
    repos.track(bare);
    r.git("push", "-q", bare.dir, "main");
    const b = await runCli(["history", "-f", "json", "--config", join(r.dir, ".gitward.yaml")], bare.dir);
    expect(brief(findingsOf(b.stdout))).toEqual(["aws-access-key-id a.txt:1"]);

    const shallow = createRepo();
    repos.track(shallow);
    shallow.git("fetch", "-q", "--depth=1", `file://${bare.dir}`, "main");
    shallow.git("checkout", "-q", "FETCH_HEAD");
    const s = await runCli(["history", "-f", "json", "--config", join(r.dir, ".gitward.yaml")], shallow.dir);
    expect(s.stderr).toMatch(/shallow clone/);
    expect(brief(findingsOf(s.stdout))).toEqual(["aws-access-key-id a.txt:1"]);
  });

  it("bad paths: outside a repository, an unknown revision", async () => {
    const r = repo();
    r.commit("a", { "a.txt": "a\n" });
    for (const jobs of ["1", "2"]) {
      const bad = await runCli(["history", "--jobs", jobs, "nope..main"], r.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/history: "nope\.\.main": unknown revision or range \(bad revision 'nope\.\.main'\)/);
    }
    const dir = createRepo();
    repos.track(dir);
    const out = await runCli(["history", "--config", AWS_PACK.replace("aws.yaml", "nope.yaml")], join(dir.dir, ".git", ".."));
    expect(out.code).toBe(2);
    const outside = tempDir();
    try {
      for (const jobs of ["1", "2"]) {
        const none = await runCli(["history", "--jobs", jobs], outside);
        expect(none.code).toBe(2);
        expect(none.stderr).toBe("gitward: history: not a git repository (run it inside a clone)\n");
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("checks the revisions without --path by rev-parse: an empty range scans nothing, an unknown side is a usage error", async () => {
    const r = repo();
    r.commit("a", { "a.txt": `key ${K1}\n` });
    r.commit("b", { "b.txt": "b\n" });
    const empty = await runCli(["history", "-f", "json", "HEAD..HEAD~1"], r.dir);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe("gitward: no commits in the selected range\n");
    expect(findingsOf(empty.stdout)).toEqual([]);
    for (const argv of [["main..nope"], ["nope..main", "--max-count", "1"]]) {
      const bad = await runCli(["history", ...argv], r.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(`gitward: history: "${argv[0]}": unknown revision or range (bad revision '${argv[0]}')\n`);
    }
    const one = await runCli(["history", "-f", "json", "HEAD~1..HEAD"], r.dir);
    expect(one.code).toBe(0);
    expect(findingsOf(one.stdout)).toEqual([]);
    const all = await runCli(["history", "-f", "json", "HEAD~1"], r.dir);
    expect(brief(findingsOf(all.stdout))).toEqual(["aws-access-key-id a.txt:1"]);
  });

  it("the size limit of a config file applies although the walk was started before the config was read", async () => {
    const r = repo();
    r.commit("big", { "big.txt": `${"x".repeat(3000)}\nkey ${K1}\n`, "small.txt": `key ${K2}\n` });
    // Started with the default limit (5 MB), before .gitward.yaml said 1 KB: not the walk the scan needs.
    r.write(".gitward.yaml", `extends:\n  - ${JSON.stringify(AWS_PACK)}\nmaxFileSize: 1KB\n`);
    const limited = await runCli(["history", "-f", "json", "--jobs", "1"], r.dir);
    expect(brief(findingsOf(limited.stdout))).toEqual(["aws-access-key-id small.txt:1"]);
    const data = JSON.parse(limited.stdout) as { skipped: { path: string; reason: string }[] };
    expect(data.skipped.map((s) => `${s.reason} ${s.path}`)).toEqual(["too-large big.txt"]);
    // The command line's limit is known before: the early walk is the scan's.
    const flag = await runCli(["history", "-f", "json", "--jobs", "1", "--max-file-size", "1KB"], r.dir);
    expect(brief(findingsOf(flag.stdout))).toEqual(["aws-access-key-id small.txt:1"]);
    r.write(".gitward.yaml", `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`);
    const whole = await runCli(["history", "-f", "json", "--jobs", "1"], r.dir);
    expect(brief(findingsOf(whole.stdout))).toEqual(["aws-access-key-id big.txt:2", "aws-access-key-id small.txt:1"]);
  });

  it("one git log by default on up to two cores, the rest of the cores otherwise (at most 4)", () => {
    expect([1, 2, 3, 4, 8, 64].map((n) => defaultJobs(n))).toEqual([1, 1, 2, 3, 4, 4]);
  });

  it("uses several git processes (--jobs) with the same result", async () => {
    const r = repo();
    for (let i = 0; i < 150; i++) r.commit(`c${i}`, { [`f${i % 7}.txt`]: `v${i}\n${i === 77 ? `k ${K1}\n` : ""}` });
    const one = await history(r, "--jobs", "1");
    const three = await history(r, "--jobs", "3");
    expect(brief(three.findings)).toEqual(["aws-access-key-id f0.txt:2"]);
    expect(three.findings).toEqual(one.findings);
  });
});

describe("gitward pre-push", () => {
  const ZERO = "0".repeat(40);

  function pushSetup() {
    const remote = createRepo({ bare: true });
    repos.track(remote);
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    r.git("remote", "add", "origin", remote.dir);
    r.git("push", "-q", "origin", "main");
    return r;
  }

  it("catches a commit made with --no-verify (fast-forward)", async () => {
    const r = pushSetup();
    const remoteSha = r.git("rev-parse", "origin/main").trim();
    const bad = r.commit("oops", { "s.txt": `k ${K1}\n` });
    const out = await runCli(["pre-push", "origin", "url", "-f", "json"], r.dir, {
      stdin: `refs/heads/main ${bad} refs/heads/main ${remoteSha}\n`,
    });
    expect(out.code).toBe(1);
    expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id s.txt:1"]);
    expect(findingsOf(out.stdout)[0]?.commit?.sha).toBe(bad);
  });

  it("new branch: only commits not on any remote-tracking ref", async () => {
    const r = pushSetup();
    r.git("checkout", "-q", "-b", "topic");
    const c = r.commit("topic", { "t.txt": `k ${K2}\n` });
    const out = await runCli(["pre-push", "origin", "url", "-f", "json"], r.dir, {
      stdin: `refs/heads/topic ${c} refs/heads/topic ${ZERO}\n`,
    });
    expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id t.txt:1"]);
    expect(out.stdout).toMatch(/"commits": 1|commits/);
  });

  it("deleted refs and already-pushed commits: nothing to scan", async () => {
    const r = pushSetup();
    const head = r.git("rev-parse", "HEAD").trim();
    const del = await runCli(["pre-push", "origin", "url"], r.dir, { stdin: `(delete) ${ZERO} refs/heads/old ${head}\n` });
    expect(del.code).toBe(0);
    expect(del.stderr).toMatch(/nothing to scan/);
    const same = await runCli(["pre-push", "origin", "url", "-f", "json"], r.dir, {
      stdin: `refs/heads/main ${head} refs/heads/main ${head}\n`,
    });
    expect(same.code).toBe(0);
    expect(findingsOf(same.stdout)).toEqual([]);
  });

  it("force push over a remote commit this clone does not have", async () => {
    const r = pushSetup();
    const bad = r.commit("rewrite", { "s.txt": `k ${K1}\n` });
    const unknown = "1234567890abcdef1234567890abcdef12345678";
    const out = await runCli(["pre-push", "origin", "url", "-f", "json"], r.dir, {
      stdin: `refs/heads/main ${bad} refs/heads/main ${unknown}\n`,
    });
    expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id s.txt:1"]);
  });

  it("malformed stdin: exit 2 with the expected format", async () => {
    const r = pushSetup();
    const out = await runCli(["pre-push"], r.dir, { stdin: "garbage\n" });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/<local ref> <local sha> <remote ref> <remote sha>/);
  });
});
