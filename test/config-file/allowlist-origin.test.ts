/**
 * Issue 17 item 11: a suppression names the config file its allowlist entry came from: an entry
 * inherited from a shareable config package is credited to that package's file, not to the
 * repository's .gitward.yaml.
 */
import { describe, expect, it } from "vitest";
import { fakeAwsKey } from "../git/git-helpers.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const K1 = fakeAwsKey("origin-1");
const K2 = fakeAwsKey("origin-2");
const K3 = fakeAwsKey("origin-3");

type Doc = { findings: { path: string; suppressions?: { kind: string; justification: string }[] }[] };

describe("allowlist suppressions name the file of their entry", () => {
  it("paths, regexes and stopwords from @acme/gitward-config/gitward.yaml and from .gitward.yaml", async () => {
    const r = repos();
    r.write(
      "node_modules/@acme/gitward-config/package.json",
      JSON.stringify({ name: "@acme/gitward-config", version: "1.0.0", gitward: { config: "gitward.yaml" } }),
    );
    r.write(
      "node_modules/@acme/gitward-config/gitward.yaml",
      `allowlist:\n  paths: ["fixtures/**"]\n  regexes: ["${K2.slice(0, 10)}"]\n`,
    );
    r.write(
      ".gitward.yaml",
      `extends:\n  - gitward:builtin\n  - "@acme/gitward-config"\nallowlist:\n  paths: ["docs/**"]\n  stopwords: ["${K3.slice(4, 12).toLowerCase()}"]\n`,
    );
    r.write(".gitignore", "node_modules/\n");
    r.commit("secrets", {
      "fixtures/a.env": `KEY=${K1}\n`,
      "docs/b.env": `KEY=${K1}\n`,
      "src/c.env": `KEY=${K2}\n`,
      "src/d.env": `KEY=${K3}\n`,
    });
    const out = await runCli(["history", "-f", "json", "--show-suppressed"], r.dir);
    expect(out.code).toBe(0);
    const why = Object.fromEntries(
      (JSON.parse(out.stdout) as Doc).findings.map((f) => [f.path, f.suppressions?.map((s) => s.justification)]),
    );
    expect(why).toEqual({
      "fixtures/a.env": ['@acme/gitward-config/gitward.yaml: allowlist.paths "fixtures/**"'],
      "docs/b.env": ['.gitward.yaml: allowlist.paths "docs/**"'],
      "src/c.env": [`@acme/gitward-config/gitward.yaml: allowlist.regexes /${K2.slice(0, 10)}/`],
      "src/d.env": [`.gitward.yaml: allowlist.stopwords "${K3.slice(4, 12).toLowerCase()}"`],
    });
  });
});
