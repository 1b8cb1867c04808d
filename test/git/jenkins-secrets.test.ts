/**
 * Jenkins' secret store committed with JENKINS_HOME (issue 19, class 2): the
 * binary secrets/hudson.util.Secret and the hex secrets/master.key are findings
 * by path (the binary one reaches the engine as base64, like a key store), and
 * the encrypted {AQAAABAAAA…} values in credentials.xml are findings, in `scan`
 * and `staged`, also under test paths (key material stays blocking).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";
import { brief, findingsOf } from "./git-helpers.js";

const repo = reposPerTest();

function jenkinsHome(prefix: string): Record<string, string | Buffer> {
  return {
    // hudson.util.Secret: the AES key encrypted with master.key, 272 random-looking bytes.
    [`${prefix}secrets/hudson.util.Secret`]: randomBytes(272),
    [`${prefix}secrets/master.key`]: expandFakes("{{fake:hex:512}}", `${prefix}mk`),
    [`${prefix}credentials.xml`]: expandFakes(
      "<?xml version='1.1' encoding='UTF-8'?>\n<list>\n  <password>{AQAAABAAAAAQ{{fake:b64:64}}}</password>\n</list>\n",
      `${prefix}cx`,
    ),
  };
}

describe("Jenkins secret store", () => {
  it("scan reports hudson.util.Secret, master.key and encrypted values, also in a test path", async () => {
    const r = repo();
    for (const [p, c] of Object.entries({ ...jenkinsHome("jenkins_home/"), ...jenkinsHome("test/fixtures/jenkins/") }))
      r.write(p, c);
    const out = await runCli(["scan", "-f", "json"], r.dir);
    const findings = findingsOf(out.stdout);
    expect(brief(findings).sort()).toEqual(
      [
        "jenkins-encrypted-secret jenkins_home/credentials.xml:3",
        "jenkins-hudson-util-secret jenkins_home/secrets/hudson.util.Secret:1",
        "jenkins-master-key jenkins_home/secrets/master.key:1",
        "jenkins-encrypted-secret test/fixtures/jenkins/credentials.xml:3",
        "jenkins-hudson-util-secret test/fixtures/jenkins/secrets/hudson.util.Secret:1",
        "jenkins-master-key test/fixtures/jenkins/secrets/master.key:1",
      ].sort(),
    );
    expect(findings.filter((f) => f.path.startsWith("test/")).map((f) => (f as { mode?: string }).mode)).toEqual([
      "block",
      "block",
      "block",
    ]);
    expect(out.code).toBe(1);
  });

  it("staged reports them when they are added", async () => {
    const r = repo();
    r.commit("base", { "README.md": "# jenkins\n" });
    for (const [p, c] of Object.entries(jenkinsHome(""))) r.write(p, c);
    r.git("add", "-A");
    const out = await runCli(["staged", "-f", "json"], r.dir);
    expect(brief(findingsOf(out.stdout)).sort()).toEqual([
      "jenkins-encrypted-secret credentials.xml:3",
      "jenkins-hudson-util-secret secrets/hudson.util.Secret:1",
      "jenkins-master-key secrets/master.key:1",
    ]);
    expect(out.code).toBe(1);
  });
});
