/** The rule → verifier table is data: every entry must point at a real rule and a real verifier. */
import { describe, expect, it } from "vitest";
import { loadBuiltinPacks } from "../../src/packs/builtin-packs.js";
import { FORESEEN_RULES, RULE_VERIFIERS, VERIFIERS, verifierForRule } from "../../src/verify/registry.js";

describe("verifier registry", () => {
  it("every mapped rule is a built-in secret rule (or a foreseen one), every target a verifier", async () => {
    const ids = new Set((await loadBuiltinPacks()).flatMap((p) => p.rules.filter((r) => r.kind !== "config").map((r) => r.id)));
    const unknownRules = Object.keys(RULE_VERIFIERS).filter((id) => !ids.has(id) && !FORESEEN_RULES.has(id));
    expect(unknownRules).toEqual([]);
    const badTargets = Object.entries(RULE_VERIFIERS).filter(([rule]) => !verifierForRule(rule));
    expect(badTargets).toEqual([]);
  });

  it("every verifier is used by a rule, has a documented call and an https base on the provider's host", () => {
    const used = new Set(Object.values(RULE_VERIFIERS).map((v) => v.split(":")[0]));
    for (const [id, v] of VERIFIERS) {
      expect(used.has(id), id).toBe(true);
      expect(v.docs, id).toMatch(/^https:\/\//);
      expect(v.base, id).toMatch(/^https:\/\/[^/]+$/);
      if (v.base.includes("{")) expect(v.hostPattern, `${id} has a templated host and needs hostPattern`).toBeDefined();
    }
  });

  it("pair roles name a companion of their verifier", () => {
    for (const [rule, target] of Object.entries(RULE_VERIFIERS)) {
      const [id, role] = target.split(":");
      if (!role) continue;
      expect(
        VERIFIERS.get(id as string)?.companions?.map((c) => c.name),
        rule,
      ).toContain(role);
    }
  });
});
