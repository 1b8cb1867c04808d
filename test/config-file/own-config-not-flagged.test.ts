/**
 * Issue 17 item 7: gitward's own config files are read as what they are. Rule overrides (a rule id
 * with a mode or severity) are settings, not passwords or API keys, in the repository's
 * .gitward.yaml, in a shareable config it extends, staged or in history; a real secret in such a
 * file is still found.
 */
import { describe, expect, it } from "vitest";
import { fakeAwsKey } from "../git/git-helpers.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();

const OVERRIDES = `rules:
  generic-password: warn
  acme-internal-token: { severity: critical }
  db-password: block
  aws-secret-access-key: {severity: high, mode: warn}
  generic-api-key:
    severity: low
    mode: "off"
failOn: high
`;

type Doc = { findings: { ruleId: string; path: string; startLine: number }[] };
const brief = (stdout: string) => (JSON.parse(stdout) as Doc).findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`);

describe("gitward's own config files", () => {
  it("the README's example and rule overrides are not findings (scan, staged, history)", async () => {
    const r = repos();
    r.write(".gitward.yaml", "rules:\n  generic-password: warn\n");
    const readme = await runCli(["scan", "-f", "json"], r.dir);
    expect(readme.code).toBe(0);
    expect(brief(readme.stdout)).toEqual([]);

    r.write(".gitward.yaml", "extends:\n  - gitward:builtin\n  - ./org/gitward.yaml\n  - ./org/strict.yaml\n");
    r.write("org/gitward.yaml", OVERRIDES);
    r.write("org/strict.yaml", `# the org's strict settings\n${OVERRIDES}`);
    r.write("packages/api/.gitward.yml", OVERRIDES);
    r.git("add", "-A");
    for (const argv of [["scan", "."], ["staged"]]) {
      const out = await runCli([...argv, "-f", "json"], r.dir);
      expect({ argv, code: out.code, findings: brief(out.stdout) }).toEqual({ argv, code: 0, findings: [] });
    }
    r.commit("configs");
    const history = await runCli(["history", "-f", "json"], r.dir);
    expect(brief(history.stdout)).toEqual([]);
    expect(history.code).toBe(0);
  });

  it("a secret written into a config file is still found", async () => {
    const r = repos();
    const key = fakeAwsKey("own-config");
    r.write(".gitward.yaml", `rules:\n  generic-password: warn\n# deploy key ${key}\n`);
    const out = await runCli(["scan", "-f", "json"], r.dir);
    expect(out.code).toBe(1);
    expect(brief(out.stdout)).toEqual(["aws-access-key-id .gitward.yaml:3"]);
  });

  it("the same lines in a file that is not a gitward config are still scanned", async () => {
    const r = repos();
    r.write("app/settings.yaml", "db-password: block\n");
    const out = await runCli(["scan", "-f", "json", "--no-config"], r.dir);
    expect(brief(out.stdout)).toEqual(["generic-password-unquoted app/settings.yaml:1"]);
  });
});
