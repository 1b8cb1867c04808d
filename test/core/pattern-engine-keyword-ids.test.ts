/**
 * The built-in rules come from the pack cache with their keywords' ids in the
 * prebuilt keyword automaton (CachedSecretRule.prebuiltKeywordIds), so the
 * engine does not look up every keyword on each hook's start-up. The ids must
 * select exactly the rules the keywords themselves select: the same engine
 * built from plain copies of the same rules (which carry no ids) must run the
 * same rules on the same text and find the same secrets, with a local rule
 * whose keyword the prebuilt automaton lacks beside them.
 */
import { describe, expect, it } from "vitest";
import { KeywordAutomaton } from "../../src/detectors/keyword-automaton.js";
import { PatternEngine } from "../../src/detectors/pattern-engine.js";
import type { LoadedPack, LoadedRule, SecretRuleSpec } from "../../src/packs/pack-types.js";
import { buildRuleSet } from "../../src/packs/rule-set.js";
import type { TraceEvent } from "../../src/types.js";
import { secretRule } from "../helpers/rules.js";

const distModule = new URL("../../dist/packs/builtin-packs.js", import.meta.url).href;

async function builtinSecretRules(): Promise<LoadedRule<SecretRuleSpec>[]> {
  const { loadBuiltinPacks } = (await import(distModule)) as { loadBuiltinPacks: () => Promise<LoadedPack[]> };
  return buildRuleSet(await loadBuiltinPacks()).secretRules;
}

type WithIds = SecretRuleSpec & { prebuiltKeywordIds?(stamp: string): readonly number[] | undefined };

describe("PatternEngine with the pack cache's keyword ids", () => {
  it("the cache gives each built-in rule the ids of its own keywords, for its own automaton only", async () => {
    const prebuilt = KeywordAutomaton.prebuilt() as KeywordAutomaton;
    const rules = await builtinSecretRules();
    let withKeywords = 0;
    for (const rule of rules) {
      const spec = rule.spec as WithIds;
      const ids = spec.prebuiltKeywordIds?.(prebuilt.stamp as string);
      const expected = [...new Set((spec.keywords ?? []).map((k) => k.toLowerCase()))];
      if (expected.length === 0) continue;
      withKeywords++;
      expect(
        ids?.map((id) => prebuilt.keywords[id]),
        spec.id,
      ).toEqual(expected);
      // Another build's automaton numbers its keywords differently: no ids for it.
      expect(spec.prebuiltKeywordIds?.("another-build")).toBeUndefined();
    }
    expect(withKeywords).toBeGreaterThan(1000);
  });

  it("selects and finds exactly what the keywords select, beside a local rule with a new keyword", async () => {
    const prebuilt = KeywordAutomaton.prebuilt() as KeywordAutomaton;
    const cached = await builtinSecretRules();
    // The same rules as plain objects (JSON gives the whole spec, without the ids).
    const plain = cached.map((r) => ({ ...r, spec: JSON.parse(JSON.stringify(r.spec)) as SecretRuleSpec }));
    expect(((plain[0] as LoadedRule<SecretRuleSpec>).spec as WithIds).prebuiltKeywordIds).toBeUndefined();
    const local = secretRule({
      id: "zz-local-token",
      keywords: ["zzlocal_"],
      regex: "\\b(zzlocal_[a-z0-9]{24})\\b",
      secretGroup: 1,
    });
    // Every 7th built-in keyword in text, an AWS-shaped key and the local token.
    const awsKey = `AKIA${"QWERTYUIOPASDFGH".split("").reverse().join("")}`;
    const text = [
      ...prebuilt.keywords.filter((_, i) => i % 7 === 0).map((k) => `${k}=value-${k.length}`),
      `aws_access_key_id = ${awsKey}`,
      `LOCAL=zzlocal_${"a1b2c3d4".repeat(3)}`,
    ].join("\n");
    const run = (rules: LoadedRule<SecretRuleSpec>[]) => {
      const events: TraceEvent[] = [];
      const out = new PatternEngine(rules).detect({ path: "config/app.env", text, startLine: 1, source: "file" }, (e) =>
        events.push(e),
      );
      return { findings: out.findings, events };
    };
    const withIds = run([...cached, local]);
    const withoutIds = run([...plain, local]);
    expect(withIds.events).toEqual(withoutIds.events);
    expect(withIds.findings).toEqual(withoutIds.findings);
    const skipped = withIds.events.filter((e) => e.stage === "keyword").length;
    // Some rules ran and some did not: the comparison is about the selection.
    expect(skipped).toBeGreaterThan(100);
    expect(skipped).toBeLessThan(cached.length);
    expect(withIds.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["aws-access-key-id", "zz-local-token"]));
  });
});
