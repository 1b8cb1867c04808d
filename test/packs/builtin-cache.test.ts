/**
 * The built pack cache (dist/builtin-packs.json + dist/builtin-docs.json, written
 * by `npm run build`, which the test command runs first) must load the same
 * rules as the YAML packs: everything but the examples, with each rule's docs
 * read from the docs file on first use.
 */
import { describe, expect, it } from "vitest";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedPack } from "../../src/packs/pack-types.js";

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
        // What the cache holds is the YAML's rule minus its examples; serialised, the docs come along.
        expect({ ...c, docs, examples: undefined }).toEqual({ ...rule, examples: undefined });
        expect(JSON.parse(JSON.stringify(c)).docs).toEqual(rule.docs);
        rules++;
      }
    }
    expect(rules).toBeGreaterThan(400);
  });
});
