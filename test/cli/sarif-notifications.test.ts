/**
 * Issue 17 item 13: SARIF records what was not scanned (invocations[].toolExecutionNotifications)
 * and says executionSuccessful: false when the run failed closed, so code scanning shows an
 * incomplete scan as incomplete. Validated by Microsoft's SARIF multitool (GitHub rules).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsRepo, fakeAwsKey } from "../git/git-helpers.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const require = createRequire(import.meta.url);
const repos = reposPerTest();
const K = fakeAwsKey("sarif-notes");

function validate(dir: string, file: string): string[] {
  const pkg = require.resolve("@microsoft/sarif-multitool-linux/package.json");
  const bin = join(dirname(pkg), "Sarif.Multitool");
  chmodSync(bin, 0o755);
  const out = join(dir, "validation.sarif");
  execFileSync(bin, ["validate", join(dir, file), "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"], {
    stdio: "pipe",
  });
  const validation = JSON.parse(readFileSync(out, "utf8"));
  return validation.runs.flatMap((run: { results?: { ruleId: string; level: string; message: { text?: string } }[] }) =>
    (run.results ?? []).map((x) => `${x.level} ${x.ruleId}: ${x.message.text ?? ""}`),
  );
}

type Invocation = {
  executionSuccessful: boolean;
  toolExecutionNotifications?: {
    level: string;
    message: { text: string };
    descriptor: { id: string };
    locations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
  }[];
};

function sarifRepo(): TempRepo {
  const r = repos.track(awsRepo());
  r.write("app.env", `KEY=${K}\n`);
  r.write("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]));
  // A compose file that does not parse: its config rules cannot run (a fail-closed skip).
  r.write("docker-compose.yml", "services:\n  web:\n    ports: [80\n  - oops\n");
  return r;
}

describe("SARIF invocations", () => {
  it("lists skipped files as notifications and fails the invocation when the run fails closed", async () => {
    const r = sarifRepo();
    const out = await runCli(["scan", ".", "--no-config", "-f", "sarif", "-o", "out.sarif"], r.dir);
    expect(out.code).toBe(2);
    const inv = JSON.parse(r.read("out.sarif")).runs[0].invocations[0] as Invocation;
    expect(inv.executionSuccessful).toBe(false);
    const notes = (inv.toolExecutionNotifications ?? []).map((n) => [
      n.level,
      n.descriptor.id,
      n.locations?.[0]?.physicalLocation.artifactLocation.uri,
    ]);
    expect(notes).toContainEqual(["error", "gitward/not-scanned/unparsable", "docker-compose.yml"]);
    expect(notes).toContainEqual(["note", "gitward/not-scanned/binary", "logo.png"]);
    expect(validate(r.dir, "out.sarif")).toEqual([]);

    const allowed = await runCli(["scan", ".", "--no-config", "--allow-skip", "-f", "sarif", "-o", "ok.sarif"], r.dir);
    expect(allowed.code).toBe(1);
    const ok = JSON.parse(r.read("ok.sarif")).runs[0].invocations[0] as Invocation;
    expect(ok.executionSuccessful).toBe(true);
    expect(ok.toolExecutionNotifications?.length).toBe(inv.toolExecutionNotifications?.length);
  });

  it("a clean complete run: executionSuccessful true, no notifications; history too", async () => {
    const r = repos.track(awsRepo());
    r.commit("clean", { "a.txt": "a\n", "logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) });
    const scan = await runCli(["scan", "a.txt", "-f", "sarif", "-o", "s.sarif"], r.dir);
    expect(scan.code).toBe(0);
    expect(JSON.parse(r.read("s.sarif")).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    const history = await runCli(["history", "-f", "sarif", "-o", "h.sarif"], r.dir);
    expect(history.code).toBe(0);
    const inv = JSON.parse(r.read("h.sarif")).runs[0].invocations[0] as Invocation;
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.toolExecutionNotifications?.map((n) => n.message.text)).toEqual([
      "logo.png: not scanned (binary): binary content",
    ]);
    expect(validate(r.dir, "h.sarif")).toEqual([]);
  });
});
