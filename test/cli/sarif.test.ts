/**
 * SARIF output is validated by Microsoft's SARIF multitool with the GitHub
 * ruleset ("Gh;Sarif"): zero errors and zero warnings.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, runCli, type TempRepo } from "../helpers/temp-repo.js";

const require = createRequire(import.meta.url);

function multitool(): string {
  const pkg = require.resolve("@microsoft/sarif-multitool-linux/package.json");
  const bin = join(dirname(pkg), "Sarif.Multitool");
  // npm here does not run the package's postinstall (chmod u+x); do it ourselves.
  chmodSync(bin, 0o755);
  return bin;
}

let repo: TempRepo;
const KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "sarif");

beforeAll(() => {
  repo = createRepo();
  repo.write("deploy/prod env/app.env", `A=1\nAWS_ACCESS_KEY_ID=${KEY}\n`);
  repo.write("src/fixture.py", `KEY = "${KEY}"  # gitward:allow aws-access-key-id -- test fixture\n`);
});
afterAll(() => repo.cleanup());

describe("SARIF", () => {
  it("passes `sarif-multitool validate --rule-kind Gh;Sarif` with zero errors and warnings", async () => {
    const r = await runCli(["scan", ".", "--format", "sarif", "--output", "out.sarif"], repo.dir);
    expect(r.code).toBe(1);
    const out = join(repo.dir, "validation.sarif");
    execFileSync(
      multitool(),
      ["validate", join(repo.dir, "out.sarif"), "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"],
      {
        stdio: "pipe",
      },
    );
    expect(existsSync(out)).toBe(true);
    const validation = JSON.parse(readFileSync(out, "utf8"));
    const problems = validation.runs.flatMap(
      (run: { results?: { ruleId: string; level: string; message: { text?: string } }[] }) =>
        (run.results ?? []).map((x) => `${x.level} ${x.ruleId}: ${x.message.text ?? ""}`),
    );
    expect(problems).toEqual([]);
  });

  it("describes rules with help, security-severity and pack provenance, and carries fingerprints and suppressions", async () => {
    await runCli(["scan", ".", "--format", "sarif", "--output", "out.sarif"], repo.dir);
    const log = JSON.parse(repo.read("out.sarif"));
    const run = log.runs[0];
    expect(log.version).toBe("2.1.0");
    expect(run.tool.driver.name).toBe("gitward");
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.tool.extensions.map((e: { name: string }) => e.name)).toContain("gitward-secrets-aws");
    const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === "aws-access-key-id");
    expect(rule.properties["security-severity"]).toBe("9.5");
    expect(rule.properties.pack).toBe("gitward-secrets-aws");
    expect(rule.help.markdown).toContain("## How to fix");
    expect(rule.fullDescription.text.length).toBeGreaterThan(20);
    const [active, suppressed] = run.results;
    expect(active.locations[0].physicalLocation.artifactLocation.uri).toBe("deploy/prod%20env/app.env");
    expect(active.partialFingerprints["gitward/v1"]).toMatch(/^[0-9a-f]{64}$/);
    expect(active.message.text).toContain(`${KEY.slice(0, 4)}****`);
    expect(JSON.stringify(log)).not.toContain(KEY);
    expect(suppressed.suppressions).toEqual([{ kind: "inSource", status: "accepted", justification: "test fixture" }]);
  });

  it("keeps fingerprints stable when the secret moves to another line", async () => {
    await runCli(["scan", "deploy", "--format", "sarif", "--output", "a.sarif"], repo.dir);
    repo.write("deploy/prod env/app.env", `# moved\n\n\nA=1\nAWS_ACCESS_KEY_ID=${KEY}\n`);
    await runCli(["scan", "deploy", "--format", "sarif", "--output", "b.sarif"], repo.dir);
    const fp = (f: string) => JSON.parse(repo.read(f)).runs[0].results[0];
    expect(fp("b.sarif").locations[0].physicalLocation.region.startLine).toBe(5);
    expect(fp("b.sarif").partialFingerprints).toEqual(fp("a.sarif").partialFingerprints);
  });
});
