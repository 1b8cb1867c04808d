/**
 * Every config rule's examples, run through the config detector: positives
 * must be flagged by that rule on the given line, negatives must not be.
 */
import { describe, expect, it } from "vitest";
import type { ConfigRuleSpec, RuleExample } from "../../src/packs/pack-types.js";
import { loadPacks, scan } from "./helpers.js";

function asFile(e: RuleExample): { path: string; text: string; line?: number } {
  if (typeof e === "string") throw new Error("config rule examples must be {path, text, line} objects");
  return e;
}

for (const { file, pack } of loadPacks()) {
  describe(file, () => {
    for (const rule of pack.rules as ConfigRuleSpec[]) {
      describe(rule.id, () => {
        rule.examples.positive.forEach((ex, i) => {
          it(`positive ${i + 1} (${asFile(ex).path})`, async () => {
            const { path, text, line } = asFile(ex);
            const out = await scan(path, text);
            expect(out.warnings).toEqual([]);
            const lines = out.findings.filter((f) => f.ruleId === rule.id).map((f) => f.startLine);
            expect(lines.length, `no ${rule.id} finding`).toBeGreaterThan(0);
            if (line !== undefined) expect(lines).toContain(line);
            for (const f of out.findings.filter((x) => x.ruleId === rule.id)) {
              expect(f.lineText).toBe(text.split("\n")[f.startLine - 1]);
              expect(f.message?.length ?? 0).toBeGreaterThan(10);
            }
          });
        });
        rule.examples.negative.forEach((ex, i) => {
          it(`negative ${i + 1} (${asFile(ex).path})`, async () => {
            const { path, text } = asFile(ex);
            const out = await scan(path, text);
            expect(out.warnings).toEqual([]);
            expect(out.findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
          });
        });
      });
    }
  });
}
