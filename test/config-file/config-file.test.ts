/**
 * The config file on real temp repositories: discovery (walk up to the repo
 * root, both names, --config), schema errors that name file, line and field,
 * allowlists (gitignore-style paths, regexes, stopwords), failOn and rule
 * modes, and layering through shareable configs in npm packages.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { compileGitignoreGlobs } from "../../src/filters/config-allowlist.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "config-file");

const newRepo = reposPerTest();
function repo(files: Record<string, string> = {}): TempRepo {
  const r = newRepo();
  for (const [p, c] of Object.entries(files)) r.write(p, c);
  return r;
}

describe("config discovery", () => {
  it("walks up from the working directory to the repository root", async () => {
    const r = repo({ ".gitward.yaml": "rules:\n  aws-access-key-id: warn\n", "a/b/k.env": `K=${KEY}\n` });
    const res = await runCli(["scan", "."], join(r.dir, "a/b"));
    expect(res.code).toBe(0); // warn: reported, not blocking
    expect(res.stdout).toContain("warning[aws-access-key-id]");
  });

  it("finds gitward.config.yaml, honours --config PATH and --no-config", async () => {
    const r = repo({ "gitward.config.yaml": "rules:\n  aws-access-key-id: off\n", "k.env": `K=${KEY}\n` });
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
    r.write("strict.yaml", "failOn: info\n");
    expect((await runCli(["scan", "--config", "strict.yaml"], r.dir)).code).toBe(1);
    expect((await runCli(["scan", "--no-config"], r.dir)).code).toBe(1);
    const missing = await runCli(["scan", "--config", "nope.yaml"], r.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config file .*nope\.yaml not found/);
  });
});

describe("config errors name file, line and field", () => {
  it.each([
    [
      "an invalid mode",
      "failOn: high\nallowlist:\n  paths: [a]\nrules:\n  aws-access-key-id:\n    mode: blocking\n",
      '.gitward.yaml:6: rules.aws-access-key-id.mode: must be one of "block", "warn", "off"',
    ],
    [
      "an invalid short mode",
      "rules:\n  aws-access-key-id: sometimes\n",
      '.gitward.yaml:2: rules.aws-access-key-id: must be one of "block", "warn", "off"',
    ],
    ["an unknown field", "failOn: high\nallowlists:\n  paths: []\n", '.gitward.yaml:2: unknown field "allowlists"'],
    ["a bad severity", "failOn: severe\n", '.gitward.yaml:1: failOn: must be one of "critical", "high", "medium", "low", "info"'],
    [
      "a bad rule field",
      "rules:\n  aws-access-key-id:\n    level: high\n",
      '.gitward.yaml:3: rules.aws-access-key-id: unknown field "level"',
    ],
    [
      "a regex that does not compile",
      "allowlist:\n  regexes:\n    - ok\n    - '(unclosed'\n",
      ".gitward.yaml:4: allowlist.regexes[1]: does not compile",
    ],
    ["invalid YAML", "rules:\n  a: [\n", ".gitward.yaml:3"],
  ])("%s", async (_name, yaml, expected) => {
    const r = repo({ ".gitward.yaml": yaml });
    const res = await runCli(["scan"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(expected);
  });

  it("shows only the relevant problem for a mode typo (no oneOf noise)", async () => {
    const r = repo({ ".gitward.yaml": "rules:\n  aws-access-key-id:\n    mode: blok\n" });
    const res = await runCli(["scan"], r.dir);
    expect(res.stderr.trim().split("\n")).toHaveLength(2);
  });

  it("warns about overrides of unknown rules", async () => {
    const r = repo({ ".gitward.yaml": "rules:\n  aws-acces-key-id: off\n" });
    const res = await runCli(["scan"], r.dir);
    expect(res.stderr).toContain('rules: unknown rule "aws-acces-key-id"');
  });
});

describe("allowlist", () => {
  it("paths are gitignore-style globs", () => {
    const m = compileGitignoreGlobs(["fixtures/", "*.pem", "/root-only.env", "docs/**/*.md", "build/out", "!fixtures/real.env"]);
    expect(m("fixtures/a.env")).toBe(true);
    expect(m("fixtures/deep/a.env")).toBe(true);
    expect(m("src/fixtures/a.env")).toBe(true); // only a trailing slash: any depth
    expect(m("build/out/x.js")).toBe(true);
    expect(m("pkg/build/out/x.js")).toBe(false); // a slash inside: anchored at the root
    expect(m("fixtures/real.env")).toBe(false); // re-included
    expect(m("a/b/key.pem")).toBe(true); // no slash: any depth
    expect(m("root-only.env")).toBe(true);
    expect(m("sub/root-only.env")).toBe(false);
    expect(m("docs/x/y.md")).toBe(true);
    expect(m("src/a.ts")).toBe(false);
    const names = compileGitignoreGlobs(["testdata"]);
    expect(names("pkg/testdata/x.env")).toBe(true);
  });

  it("paths, regexes (secret, match, line) and stopwords suppress with a justification", async () => {
    const r = repo({
      "testdata/a.env": `K=${KEY}\n`,
      "b.env": `SAMPLE_KEY=${KEY}\n`,
      ".gitward.yaml": "allowlist:\n  paths: [testdata]\n  regexTarget: line\n  regexes: ['^SAMPLE_']\n",
    });
    const res = JSON.parse((await runCli(["scan", "-f", "json", "--show-suppressed"], r.dir)).stdout) as {
      findings: { path: string; suppressions?: { justification: string }[] }[];
    };
    const by = Object.fromEntries(res.findings.map((f) => [f.path, f.suppressions?.[0]?.justification]));
    expect(by["testdata/a.env"]).toContain("allowlist.paths");
    expect(by["b.env"]).toContain("allowlist.regexes /^SAMPLE_/");

    // From a subdirectory, paths are shown relative to it; the allowlist still means the root-relative path.
    r.write("pkg/testdata/c.env", `K=${KEY}\n`);
    r.write("pkg/src/d.env", `K=${KEY}\n`);
    r.write(".gitward.yaml", "allowlist:\n  paths: [/pkg/testdata/]\n");
    const sub = JSON.parse((await runCli(["scan", "-f", "json", "--show-suppressed"], join(r.dir, "pkg"))).stdout) as {
      findings: { path: string; suppressions?: { justification: string }[] }[];
    };
    expect(sub.findings.map((f) => [f.path, f.suppressions?.[0]?.justification ?? "active"])).toEqual([
      ["src/d.env", "active"],
      ["testdata/c.env", '.gitward.yaml: allowlist.paths "/pkg/testdata/"'],
    ]);
    r.write("pkg/testdata/c.env", "");
    r.write("pkg/src/d.env", "");

    r.write(".gitward.yaml", `allowlist:\n  regexTarget: match\n  regexes: ['^${KEY.slice(0, 8)}']\n`);
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
    r.write(".gitward.yaml", `allowlist:\n  stopwords: ['${KEY.slice(4, 10).toLowerCase()}']\n`);
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
  });
});

/** Writes a fake npm package into the repo's node_modules. */
function fakePackage(r: TempRepo, name: string, files: Record<string, string>, gitward: Record<string, unknown>) {
  const dir = join(r.dir, "node_modules", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.2.3", gitward }));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
}

describe("layering: org → team → repo", () => {
  it("an org config in an npm package sets a rule to warn; the repo sets it back to block", async () => {
    const r = repo({ "k.env": `K=${KEY}\n` });
    fakePackage(
      r,
      "@acme/gitward-config",
      { "gitward.yaml": "extends: [gitward:builtin]\nrules:\n  aws-access-key-id: warn\nallowlist:\n  paths: [vendor/]\n" },
      { config: "gitward.yaml" },
    );
    r.write(".gitward.yaml", "extends: ['@acme/gitward-config']\n");
    const org = await runCli(["scan"], r.dir);
    expect(org.stderr).toBe("");
    expect(org.code).toBe(0);
    expect(org.stdout).toContain("warning[aws-access-key-id]");

    r.write(
      ".gitward.yaml",
      "extends: ['@acme/gitward-config']\nrules:\n  aws-access-key-id:\n    mode: block\n    severity: high\n",
    );
    expect((await runCli(["scan"], r.dir)).code).toBe(1);

    const rules = await runCli(["rules", "--format", "json"], r.dir);
    const rule = (JSON.parse(rules.stdout) as { id: string; mode: string; severity: string; overrides: string[] }[]).find(
      (x) => x.id === "aws-access-key-id",
    );
    expect(rule).toMatchObject({ mode: "block", severity: "high" });
    expect(rule?.overrides).toEqual([
      "@acme/gitward-config/gitward.yaml: mode warn",
      ".gitward.yaml: severity high",
      ".gitward.yaml: mode block",
    ]);

    // The org allowlist is merged in.
    r.write("vendor/k.env", `K=${KEY}\n`);
    r.write(".gitward.yaml", "extends: ['@acme/gitward-config']\n");
    const merged = await runCli(["scan", "-f", "json"], r.dir);
    expect((JSON.parse(merged.stdout) as { findings: { path: string }[] }).findings.map((f) => f.path)).toEqual(["k.env"]);
  });

  it("team configs chain (org → team → repo) and packs from packages load once", async () => {
    const r = repo({ "k.env": `K=${KEY}\n` });
    const pack = [
      "name: acme-pack",
      "version: 1.0.0",
      "rules:",
      "  - id: acme-internal-token",
      "    description: ACME internal token",
      "    severity: high",
      "    keywords: [acmetok_]",
      "    regex: 'acmetok_[a-z0-9]{12}'",
      "    docs:",
      "      why: Internal tokens grant access to ACME systems.",
      "      fix: Rotate it in the ACME console.",
      "    examples:",
      "      positive: ['acmetok_{{fake:loweralnum:12}}']",
      "      negative: ['acmetok_short']",
      "",
    ].join("\n");
    fakePackage(r, "@acme/gitward-pack", { "pack.yaml": pack }, { packs: ["pack.yaml"] });
    fakePackage(
      r,
      "@acme/gitward-config",
      { "org.yaml": "extends: [gitward:builtin, '@acme/gitward-pack']\nrules:\n  aws-access-key-id: off\n" },
      { config: "org.yaml" },
    );
    r.write("team.yaml", "extends: ['@acme/gitward-config', '@acme/gitward-pack']\nrules:\n  aws-access-key-id: warn\n");
    r.write(".gitward.yaml", "extends: [./team.yaml]\n");
    r.write("t.txt", `token = acmetok_${"abcdef123456"}\n`);
    const res = await runCli(["scan", "-f", "json"], r.dir);
    expect(res.stderr).toBe("");
    const doc = JSON.parse(res.stdout) as { findings: { ruleId: string; mode: string }[] };
    expect(doc.findings.map((f) => [f.ruleId, f.mode]).sort()).toEqual([
      ["acme-internal-token", "block"],
      ["aws-access-key-id", "warn"],
    ]);
    const loaded = await loadConfig(r.dir);
    expect(loaded.layers.map((l) => (l.builtin ? "builtin" : l.ref))).toEqual(["builtin", "@acme/gitward-pack"]);
    expect(loaded.files?.map((f) => f.split("/").pop())).toEqual([".gitward.yaml", "team.yaml", "org.yaml"]);
  });

  it("a cycle is an error naming the chain", async () => {
    const r = repo({
      "a.yaml": "extends: [./b.yaml]\n",
      "b.yaml": "extends: [./a.yaml]\n",
      ".gitward.yaml": "extends: [./a.yaml]\n",
    });
    const res = await runCli(["scan"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/b\.yaml: extends: "\.\/a\.yaml" forms a cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml/);
  });

  it("errors in a shared config name that file; a missing package says how to install it", async () => {
    const r = repo();
    fakePackage(r, "@acme/bad", { "gitward.yaml": "rules:\n  aws-access-key-id: maybe\n" }, { config: "gitward.yaml" });
    r.write(".gitward.yaml", "extends: ['@acme/bad']\n");
    const bad = await runCli(["scan"], r.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'node_modules/@acme/bad/gitward.yaml:2: rules.aws-access-key-id: must be one of "block", "warn", "off"',
    );
    r.write(".gitward.yaml", "extends: ['@acme/missing/strict.yaml']\n");
    const missing = await runCli(["scan"], r.dir);
    expect(missing.stderr).toContain('package "@acme/missing/strict.yaml" is not installed (npm install -D @acme/missing)');
  });
});
