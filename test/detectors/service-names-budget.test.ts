/**
 * The service names are loaded on the first service-context candidate of a run (a few ms from the
 * build's cache, most of a second from the YAML). That one-time load is not regex time: counted in
 * the rule's per-fragment budget, it disabled `service-credential-assignment` on a loaded machine
 * (31 ms > a 20 ms budget) with a "slow or catastrophic-backtracking regex" warning.
 */
import { describe, expect, it, vi } from "vitest";

// A load that takes 400 ms, far above the budget below (a busy machine once took 31 ms against 20).
vi.mock("../../src/detectors/service-names.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/detectors/service-names.js")>();
  let loaded = false;
  return {
    ...real,
    builtinServiceNamesLoaded: () => loaded,
    builtinServiceNames: () => {
      if (!loaded) {
        const until = performance.now() + 400;
        while (performance.now() < until) {
          // busy: the load's own time
        }
        loaded = true;
      }
      return real.builtinServiceNames();
    },
  };
});

const { PatternEngine } = await import("../../src/detectors/pattern-engine.js");
const { RegexBudget } = await import("../../src/detectors/regex-budget.js");
const { loadBuiltinPacks } = await import("../../src/packs/builtin-packs.js");
const { buildRuleSet } = await import("../../src/packs/rule-set.js");
const { expandFakes } = await import("../../src/packs/fake-secrets.js");

describe("regex time budget and the service-names load", () => {
  it("the first service-context candidate of a run is not charged for loading the service names (nor its rule for its body)", async () => {
    const packs = (await loadBuiltinPacks()).filter((p) => p.name === "gitward-secrets-service-context");
    const rules = buildRuleSet(packs).secretRules.filter((r) => r.spec.id === "service-credential-assignment");
    const engine = new PatternEngine(rules, { budget: new RegexBudget({ baseMs: 200 }) });
    const text = expandFakes("NODE_ENV=production\nACME_SYNC_TOKEN={{fake:alnum:40}}\n", "budget");
    const out = engine.detect({ path: "app.env", text, startLine: 1, source: "file" });
    expect(out.warnings).toEqual([]);
    expect(out.findings.map((f) => `${f.ruleId}:${f.startLine}`)).toEqual(["service-credential-assignment:2"]);
  });
});
