/**
 * The built pack cache (dist/builtin-packs.json + dist/builtin-docs.json, written
 * by `npm run build`, which the test command runs first) must load the same
 * rules as the YAML packs: everything but the examples, with each rule's docs
 * read from the docs file on first use.
 */

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BodiesFile, builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedPack, LoadedRule } from "../../src/packs/pack-types.js";
import { buildRuleSet, ruleScope } from "../../src/packs/rule-set.js";
import { createDetectors } from "../../src/pipeline.js";
import { tempDir } from "../helpers/temp-repo.js";

const distModule = new URL("../../dist/packs/builtin-packs.js", import.meta.url).href;

describe("built-in pack cache", () => {
  it("loads every rule exactly as the YAML defines it (docs included, examples left out)", async () => {
    const { loadBuiltinPacks } = (await import(distModule)) as { loadBuiltinPacks: () => Promise<LoadedPack[]> };
    const cached = await loadBuiltinPacks();
    const yaml = await Promise.all(builtinPackFiles().map((f) => loadPackFile(f)));
    expect(cached.map((p) => p.name)).toEqual(yaml.map((p) => p.name));
    let rules = 0;
    for (const [i, pack] of yaml.entries()) {
      const fromCache = cached[i] as LoadedPack;
      expect(fromCache.rules.map((r) => r.id)).toEqual(pack.rules.map((r) => r.id));
      for (const [j, rule] of pack.rules.entries()) {
        const c = fromCache.rules[j] as (typeof pack.rules)[number];
        const docs = { why: c.docs.why, fix: c.docs.fix, references: c.docs.references, benchmarks: c.docs.benchmarks };
        expect(docs).toEqual(rule.docs);
        // What the cache holds is the YAML's rule minus its examples; serialised, the docs come along
        // (a secret rule's body is read on first use: compare field by field and serialised).
        for (const key of Object.keys(rule)) {
          if (key === "docs" || key === "examples") continue;
          expect((c as unknown as Record<string, unknown>)[key], `${rule.id}.${key}`).toEqual(
            (rule as unknown as Record<string, unknown>)[key],
          );
        }
        expect({ ...JSON.parse(JSON.stringify(c)), examples: undefined }).toEqual({ ...rule, examples: undefined });
        // The scan scope comes with the rule, as the YAML pack's scopes give it.
        const loaded = { spec: c, scope: fromCache.scopes?.[c.id] } as unknown as LoadedRule;
        expect(ruleScope(loaded), `${rule.id} scope`).toEqual(pack.scopes?.[rule.id]);
        rules++;
      }
    }
    expect(rules).toBeGreaterThan(400);
  });

  it("a secret rule's body is read when the rule is used, not when the cache loads", async () => {
    // A module instance of its own (the test above used every rule of the shared one).
    const { loadBuiltinPacks } = (await import(`${distModule}?lazy-body`)) as { loadBuiltinPacks: () => Promise<LoadedPack[]> };
    const rule = (await loadBuiltinPacks()).flatMap((p) => p.rules).find((r) => r.id === "aws-access-key-id");
    expect(rule).toBeDefined();
    // Nothing of the body is parsed before first use.
    expect((rule as unknown as { parsed?: unknown }).parsed).toBeUndefined();
    expect(rule?.severity).toBe("critical");
    expect((rule as unknown as { parsed?: unknown }).parsed).toBeUndefined();
    expect(typeof (rule as { regex: string }).regex).toBe("string");
    expect(new RegExp((rule as { regex: string }).regex).test(`AKIA${"Q".repeat(16)}`)).toBe(true);
    expect((rule as unknown as { parsed?: unknown }).parsed).toBeDefined();
  });

  it("setting up a scan reads no rule's body: the rule set, the engine and the detectors use what the cache holds", async () => {
    // A module instance of its own, so no other test has used its rules.
    const { loadBuiltinPacks } = (await import(`${distModule}?setup-only`)) as { loadBuiltinPacks: () => Promise<LoadedPack[]> };
    const ruleSet = buildRuleSet(await loadBuiltinPacks());
    await createDetectors(ruleSet);
    const parsed = ruleSet.secretRules.filter((r) => (r.spec as unknown as { parsed?: unknown }).parsed !== undefined);
    expect(ruleSet.secretRules.length).toBeGreaterThan(1000);
    expect(parsed.map((r) => r.spec.id)).toEqual([]);
  });

  it("reads rule bodies one by one at their offsets, then the whole file, with the same result", () => {
    const dir = tempDir("gitward-bodies-");
    try {
      const file = join(dir, "bodies.txt");
      // Lines of every size around the reader's 4 kB and 16 kB reads; the last without a newline.
      const lines = [10, 4095, 4096, 4097, 300, 20_000, 1, 70_000, 5].map((n, i) =>
        JSON.stringify({ description: `rule ${i}`, regex: "x".repeat(n) }),
      );
      writeFileSync(file, lines.join("\n"));
      const offsets = lines.map((_, i) => lines.slice(0, i).reduce((at, l) => at + l.length + 1, 0));
      const order = [7, 0, 5, 3, 8, 1, 2, 6, 4, 7, 0];
      for (const readsFirst of [0, 3, Number.POSITIVE_INFINITY]) {
        const bodies = new BodiesFile(file, readsFirst);
        for (const i of order) {
          expect(bodies.parse(offsets[i] as number, `r${i}`), `line ${i}, ${readsFirst} reads first`).toEqual(
            JSON.parse(lines[i] as string),
          );
        }
      }
      expect(() => new BodiesFile(file, 0).parse(3, "r-mid")).toThrow(/bodies\.txt: the body of rule r-mid does not parse/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
