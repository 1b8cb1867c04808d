/**
 * Issue 17 item 10: the baseline covers history. `baseline create|update --history` records secrets
 * that are only in history; `baseline prune` keeps entries the history scan still matches (written
 * by --history or by hand) and drops them only with --no-history.
 */
import { describe, expect, it } from "vitest";
import { awsRepo, fakeAwsKey } from "../git/git-helpers.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const repo = (): TempRepo => repos.track(awsRepo());
const OLD = fakeAwsKey("baseline-history-old");
const NOW = fakeAwsKey("baseline-history-now");

type Entry = { path: string; ruleId: string; secretHash: string; reason?: string };
const entries = (r: TempRepo) =>
  (JSON.parse(r.read(".gitward-baseline.json")) as { entries: (Entry | null)[] }).entries.filter((e): e is Entry => e !== null);

function leakyRepo(): TempRepo {
  const r = repo();
  r.commit("leak", { "old.env": `KEY=${OLD}\n` });
  r.commit("remove", { "old.env": "KEY=\n" });
  r.write("now.env", `KEY=${NOW}\n`);
  return r;
}

describe("baseline --history", () => {
  it("create --history records history-only secrets too, and history then passes", async () => {
    const r = leakyRepo();
    expect((await runCli(["history"], r.dir)).code).toBe(1);
    const created = await runCli(["baseline", "create", "--history", "--reason", "rotated"], r.dir);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("recorded 2 findings in 2 files to .gitward-baseline.json");
    expect(entries(r).map((e) => `${e.path} ${e.ruleId} ${e.reason}`)).toEqual([
      "now.env aws-access-key-id rotated",
      "old.env aws-access-key-id rotated",
    ]);
    const history = await runCli(["history"], r.dir);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/0 findings, 1 suppressed/);
  });

  it("without --history only the work tree is recorded (as before)", async () => {
    const r = leakyRepo();
    await runCli(["baseline", "create"], r.dir);
    expect(entries(r).map((e) => e.path)).toEqual(["now.env"]);
    const up = await runCli(["baseline", "update", "--history"], r.dir);
    expect(up.stdout).toContain("added 1 entry to .gitward-baseline.json, kept 1");
    expect(entries(r).map((e) => e.path)).toEqual(["now.env", "old.env"]);
  });

  it("prune keeps entries the history still matches (hand-written too); --no-history drops them", async () => {
    const r = leakyRepo();
    await runCli(["baseline", "create", "--history"], r.dir);
    const written = entries(r);
    const prune = await runCli(["baseline", "prune"], r.dir);
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain("removed 0 entries that no longer match from .gitward-baseline.json, kept 2");
    expect(entries(r)).toEqual(written);
    const tree = await runCli(["baseline", "prune", "--no-history"], r.dir);
    expect(tree.stdout).toContain("removed 1 entry that no longer match from .gitward-baseline.json, kept 1");
    expect(entries(r).map((e) => e.path)).toEqual(["now.env"]);
  });
});
