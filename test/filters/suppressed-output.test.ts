/**
 * Suppressed findings are not lost: --show-suppressed lists them in text and
 * JSON, and SARIF always carries them with `suppressions` (inSource for inline
 * allows, external for the baseline and the config allowlist) and the
 * justification.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, runCli, type TempRepo } from "../helpers/temp-repo.js";

const key = (seed: string) => expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", seed);
let r: TempRepo;

beforeAll(async () => {
  r = createRepo();
  r.write("baselined.env", `KEY=${key("s1")}\n`);
  expect((await runCli(["baseline", "create", "--reason", "rotated in 2024", "--owner", "@sec"], r.dir)).code).toBe(0);
  r.write("inline.env", `KEY=${key("s2")} # gitward:allow aws-access-key-id -- unit test fixture\n`);
  r.write("fixtures/c.env", `KEY=${key("s3")}\n`);
  r.write(".gitward.yaml", "allowlist:\n  paths: [fixtures/]\n");
  r.write("live.env", `KEY=${key("s4")}\n`);
});
afterAll(() => r.cleanup());

describe("suppressed findings in reports", () => {
  it("text: hidden by default, counted; listed with --show-suppressed with kind and justification", async () => {
    const plain = await runCli(["scan"], r.dir);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain("live.env:1:");
    expect(plain.stdout).not.toContain("inline.env");
    expect(plain.stdout).toContain("1 finding, 1 blocking, 0 warnings, 3 suppressed");

    const shown = await runCli(["scan", "--show-suppressed"], r.dir);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain("suppressed (inline): unit test fixture");
    expect(shown.stdout).toContain("suppressed (baseline): rotated in 2024; owner @sec (.gitward-baseline.json)");
    expect(shown.stdout).toMatch(/suppressed \(config\): .*\.gitward\.yaml: allowlist\.paths/);
  });

  it("JSON: --show-suppressed includes them with suppressions", async () => {
    const plain = JSON.parse((await runCli(["scan", "-f", "json"], r.dir)).stdout) as {
      findings: unknown[];
      summary: { suppressed: number };
    };
    expect(plain.findings).toHaveLength(1);
    expect(plain.summary.suppressed).toBe(3);
    const doc = JSON.parse((await runCli(["scan", "-f", "json", "--show-suppressed"], r.dir)).stdout) as {
      findings: { path: string; suppressions?: { kind: string; justification: string }[] }[];
    };
    const kinds = Object.fromEntries(doc.findings.map((f) => [f.path, f.suppressions?.map((s) => s.kind)]));
    expect(kinds).toEqual({
      "baselined.env": ["baseline"],
      "fixtures/c.env": ["config"],
      "inline.env": ["inline"],
      "live.env": undefined,
    });
  });

  it("SARIF: suppressed results carry inSource/external suppressions with the justification", async () => {
    const res = await runCli(["scan", "-f", "sarif"], r.dir);
    const log = JSON.parse(res.stdout) as {
      runs: {
        results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; suppressions?: unknown[] }[];
      }[];
    };
    const results = log.runs[0]?.results ?? [];
    const by = Object.fromEntries(results.map((x) => [x.locations[0]?.physicalLocation.artifactLocation.uri, x.suppressions]));
    expect(by["inline.env"]).toEqual([{ kind: "inSource", status: "accepted", justification: "unit test fixture" }]);
    expect(by["baselined.env"]).toEqual([
      { kind: "external", status: "accepted", justification: "rotated in 2024; owner @sec (.gitward-baseline.json)" },
    ]);
    expect(by["fixtures/c.env"]).toMatchObject([{ kind: "external", status: "accepted" }]);
    expect(by["live.env"]).toBeUndefined();
  });
});
