/**
 * Issue 17 item 9: a secret that is not at HEAD but is still in the tip of another branch was
 * never removed: history says where it is present instead of "removed since".
 */
import { describe, expect, it } from "vitest";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { awsRepo, fakeAwsKey, findingsOf } from "./git-helpers.js";

const repos = reposPerTest();
const repo = (): TempRepo => repos.track(awsRepo());
const K = fakeAwsKey("present-on-1");
const K2 = fakeAwsKey("present-on-2");

describe("history: where a secret not at HEAD is still present", () => {
  it("names the branches whose tip holds it; says removed only when no tip does", async () => {
    const r = repo();
    r.commit("base", { "a.txt": "a\n" });
    r.git("checkout", "-q", "-b", "feature");
    r.commit("feature key", { "f.env": `KEY=${K}\n` });
    r.git("checkout", "-q", "main");
    r.commit("added then removed", { "g.env": `KEY=${K2}\n` });
    r.commit("removed", { "g.env": "KEY=\n" });

    const json = await runCli(["history", "-f", "json"], r.dir);
    expect(json.code).toBe(1);
    const findings = findingsOf(json.stdout) as unknown as { path: string; presentAtHead: boolean; presentIn?: string[] }[];
    const f = findings.find((x) => x.path === "f.env");
    expect(f).toMatchObject({ presentAtHead: false, presentIn: ["feature"] });
    const g = findings.find((x) => x.path === "g.env");
    expect(g).toMatchObject({ presentAtHead: false, presentIn: [] });

    const text = await runCli(["history"], r.dir);
    expect(text.stdout).toMatch(
      /f\.env:1:5\n {6}introduced in [0-9a-f]{12} by Test Author on \S+, not at HEAD but still present in feature \(rotate it\)/,
    );
    expect(text.stdout).toMatch(
      /g\.env:1:5\n {6}introduced in [0-9a-f]{12} by Test Author on \S+, removed since \(still leaked: rotate it\)/,
    );
    expect(text.stdout).not.toMatch(/f\.env:1:5\n.*removed since/);
  });
});
