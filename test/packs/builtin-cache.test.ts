/**
 * The built pack cache (dist/builtin-packs.json + dist/builtin-docs.json, written
 * by `npm run build`, which the test command runs first) must load the same
 * rules as the YAML packs: everything but the examples, with each rule's docs
 * read from the docs file on first use.
 */
import { describe, expect, it } from "vitest";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedPack, LoadedRule } from "../../src/packs/pack-types.js";
import { buildRuleSet, ruleScope } from "../../src/packs/rule-set.js";
import { createDetectors } from "../../src/pipeline.js";

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
});
