/**
 * Rule `paths:` globs and files at the repository root.
 *
 * A glob like `**\/.npmrc` matches `.npmrc` at the root on its own, but once
 * the engine compiled a rule's globs into one micromatch pattern `{a,b,...}`,
 * and micromatch's brace form of `**\/x` does not match a root-level `x` (it
 * requires a "/"). The built-in packs then listed every glob twice (`**\/.env`
 * and `.env`); now that each glob is matched on its own they list it once.
 * These tests scan real temp directories:
 *
 * 1. every built-in rule with `paths:` finds its positive example in a file at
 *    the root and in a subdirectory;
 * 2. a rule with two `**\/` globs and no root duplicates finds the root file:
 *    fails with the `{a,b}` join (compileGlobs up to commit ccb7935), passes
 *    once each glob is matched on its own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { loadBuiltinPacks } from "../../src/packs/builtin-packs.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import type { RuleExample, SecretRuleSpec } from "../../src/packs/pack-types.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gitward-globs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file name a `**\/NAME` glob matches: `*.p12` → `sample.p12`, `.env.*` → `.env.local`. */
function sampleName(glob: string): string | undefined {
  const rest = glob.slice(3);
  if (/[/{}[\]?]/.test(rest) || rest.includes("**")) return undefined;
  return rest.replace(/^\*/, "sample").replace(/\*/g, "local");
}

const exampleText = (e: RuleExample) => (typeof e === "string" ? e : e.text);

async function findingsIn(root: string, files: Record<string, string>): Promise<Set<string>> {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const result = await scan({ cwd: root, configFile: false, kinds: { config: false } });
  return new Set(result.findings.map((f) => `${f.ruleId} ${f.path}`));
}

describe("rule paths: globs match files at the repository root", () => {
  it("every built-in rule with paths finds its example at the root as in a subdirectory", async () => {
    const packs = await loadBuiltinPacks();
    const cases: { rule: string; glob: string; name: string; text: string }[] = [];
    for (const pack of packs) {
      for (const rule of pack.rules) {
        if (rule.kind === "config") continue;
        const spec = rule as SecretRuleSpec;
        const include = (spec.paths ?? []).filter((g) => !g.startsWith("!") && g.startsWith("**/"));
        const positive = spec.examples.positive[0];
        if (include.length === 0 || positive === undefined) continue;
        const text = expandFakes(exampleText(positive), `${spec.id}#globs`);
        for (const glob of include) {
          const name = sampleName(glob);
          if (name) cases.push({ rule: spec.id, glob, name, text });
        }
      }
    }
    expect(cases.length).toBeGreaterThan(20);
    // Cases share a scanned directory unless their file names collide; each file is written at the
    // directory's root and under deep/er/.
    const groups: (typeof cases)[] = [];
    for (const c of cases) {
      const group = groups.find((g) => !g.some((o) => o.name === c.name));
      if (group) group.push(c);
      else groups.push([c]);
    }
    const missing: string[] = [];
    let checked = 0;
    for (const [i, group] of groups.entries()) {
      const files: Record<string, string> = {};
      for (const c of group) {
        files[c.name] = c.text;
        files[`deep/er/${c.name}`] = c.text;
      }
      const found = await findingsIn(join(dir, `group-${i}`), files);
      for (const c of group) {
        // Only meaningful when the example is found in the subdirectory at all.
        if (!found.has(`${c.rule} deep/er/${c.name}`)) continue;
        checked++;
        if (!found.has(`${c.rule} ${c.name}`)) missing.push(`${c.rule}: ${c.glob} does not match root-level ${c.name}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  }, 120_000);

  it("a rule whose paths are all **/ globs (no root duplicates) finds a root-level file", async () => {
    const root = mkdtempSync(join(dir, "synthetic-"));
    const pack = join(root, "..", `${root.split("/").pop()}-pack.yaml`);
    writeFileSync(
      pack,
      [
        "name: glob-test-pack",
        "version: 1.0.0",
        "rules:",
        "  - id: test-registry-token",
        "    description: test registry token",
        "    severity: high",
        "    keywords: [gwtest_]",
        '    paths: ["**/.npmrc", "**/.yarnrc"]',
        "    regex: '\\b(gwtest_[a-z0-9]{12})\\b'",
        "    docs: { why: test, fix: test }",
        "    examples: { positive: ['gwtest_abcdefabcdef'], negative: ['gwtest_'] }",
        "",
      ].join("\n"),
    );
    const text = `//registry.acme.io/:_authToken=gwtest_${"a1b2c3".repeat(2)}\n`;
    for (const p of [".npmrc", "pkg/web/.npmrc"]) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    const result = await scan({ cwd: root, configFile: false, kinds: { config: false }, packs: [pack] });
    const found = result.findings.filter((f) => f.ruleId === "test-registry-token").map((f) => f.path);
    expect(found).toContain("pkg/web/.npmrc"); // the subdirectory works
    expect(found).toContain(".npmrc"); // the root does not: this is the bug
  });
});
