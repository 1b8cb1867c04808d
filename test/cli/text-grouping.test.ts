/**
 * One secret copied into many files: text output shows it once with its other places counted
 * (--verbose lists them); JSON and SARIF keep every location.
 */
import { describe, expect, it } from "vitest";
import { fakeAwsKey } from "../git/git-helpers.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const KEY = fakeAwsKey("grouping-1");
const OTHER = fakeAwsKey("grouping-2");

function copied() {
  const r = repos();
  for (let i = 0; i < 200; i++) r.write(`jobs/job-${String(i).padStart(3, "0")}/config.env`, `AWS_ACCESS_KEY_ID=${KEY}\n`);
  r.write("other.env", `AWS_ACCESS_KEY_ID=${OTHER}\n`);
  return r;
}

describe("repeated secrets in text output", () => {
  it("are shown once, with the other places counted", async () => {
    const r = copied();
    const res = await runCli(["scan", "--rule", "aws-access-key-id"], r.dir);
    expect(res.code).toBe(1);
    const blocks = res.stdout.split("\n").filter((l) => l.startsWith("error[aws-access-key-id]"));
    expect(blocks).toHaveLength(2);
    expect(res.stdout).toContain("  --> jobs/job-000/config.env:1:19");
    expect(res.stdout).not.toContain("jobs/job-001/config.env");
    expect(res.stdout).toContain("  --> other.env:1:19");
    expect(res.stdout.match(/and 199 more places; --verbose lists them/g)).toHaveLength(1);
    expect(res.stdout.split("\n").length).toBeLessThan(30);
    expect(res.stdout).toMatch(/201 findings/);
  });

  it("--verbose lists every other place", async () => {
    const r = copied();
    const res = await runCli(["scan", "--rule", "aws-access-key-id", "--verbose"], r.dir);
    const also = res.stdout.split("\n").filter((l) => l.startsWith("  also at "));
    expect(also).toHaveLength(199);
    expect(also[0]).toBe("  also at jobs/job-001/config.env:1:19");
    expect(res.stdout).not.toContain("more places");
  });

  it("JSON and SARIF keep every location", async () => {
    const r = copied();
    const json = JSON.parse((await runCli(["scan", "--rule", "aws-access-key-id", "-f", "json"], r.dir)).stdout);
    expect(json.findings).toHaveLength(201);
    const sarif = JSON.parse((await runCli(["scan", "--rule", "aws-access-key-id", "-f", "sarif"], r.dir)).stdout);
    expect(sarif.runs[0].results).toHaveLength(201);
  });
});
