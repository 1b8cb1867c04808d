/**
 * The generic rule test: every built-in rule's positive and negative examples
 * run through the real engine (positives also wrapped in six file syntaxes),
 * plus the meta-tests that fail when a rule lacks examples or docs, has a
 * keyword missing from its positives, duplicates an id, or has a filter no
 * negative example proves.
 */
import { describe, expect, it } from "vitest";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import { exampleProblems, filterProofProblems, testPacks } from "../../src/packs/pack-tester.js";

const files = builtinPackFiles();
const packs = await Promise.all(files.map((f) => loadPackFile(f)));

describe("built-in packs", () => {
  it("exist", () => {
    expect(packs.length).toBeGreaterThan(0);
  });

  it("have globally unique rule ids", () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const pack of packs) {
      for (const rule of pack.rules) {
        const previous = seen.get(rule.id);
        if (previous) duplicates.push(`${rule.id} in ${pack.name} and ${previous}`);
        seen.set(rule.id, pack.name);
      }
    }
    expect(duplicates).toEqual([]);
  });

  for (const pack of packs) {
    describe(pack.name, () => {
      it("every rule has docs, positive and negative examples, and keywords present in each positive", () => {
        const problems = pack.rules.flatMap((rule) => exampleProblems(rule).map((p) => `${rule.id}: ${p}`));
        expect(problems).toEqual([]);
      });

      it("every filter (entropy, validator, allowlist, requires) is proven by a negative only it rejects", async () => {
        const problems: string[] = [];
        for (const rule of pack.rules)
          for (const p of await filterProofProblems(pack, rule)) problems.push(`${rule.id}: ${p.message}`);
        expect(problems).toEqual([]);
      });

      it("every example behaves (positives found at the right line, also wrapped; negatives not found)", async () => {
        const report = await testPacks([pack]);
        expect(report.failures.map((f) => `${f.ruleId}: ${f.message} [${f.example}]`)).toEqual([]);
        expect(report.examples).toBeGreaterThanOrEqual(pack.rules.length * 2);
      });
    });
  }
});
