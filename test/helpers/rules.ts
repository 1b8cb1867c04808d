import type { LoadedRule, SecretRuleSpec } from "../../src/packs/pack-types.js";

/** A loaded secret rule for engine tests, with defaults for everything the test does not care about. */
export function secretRule(spec: Partial<SecretRuleSpec> & Pick<SecretRuleSpec, "id" | "regex">): LoadedRule<SecretRuleSpec> {
  return {
    spec: {
      description: `${spec.id} test rule`,
      severity: "high",
      docs: { why: "Because.", fix: "Rotate it." },
      examples: { positive: ["x"], negative: ["y"] },
      ...spec,
    },
    pack: "test-pack",
    packVersion: "1.0.0",
    file: "test-pack.yaml",
    mode: "block",
    severity: spec.severity ?? "high",
    overrides: [],
  };
}
