/** docs/verification.md lists every verifier with the host it sends credentials to, and every rule mapped to one. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULE_VERIFIERS, VERIFIERS } from "../../src/verify/registry.js";

const doc = readFileSync(join(import.meta.dirname, "../../docs/verification.md"), "utf8");

describe("docs/verification.md", () => {
  it("has a table row per verifier naming its host and its rules", () => {
    for (const [id, v] of VERIFIERS) {
      const row = doc.split("\n").find((l) => new RegExp(`^\\| \`${id}\` +\\|`).test(l));
      expect(row, id).toBeDefined();
      expect(row, id).toContain(`\`${v.base.replace(/^https:\/\//, "")}\``);
      expect(row, id).toContain(v.docs);
      for (const [rule, target] of Object.entries(RULE_VERIFIERS))
        if (target.split(":")[0] === id) expect(row, rule).toContain(`\`${rule}\``);
    }
  });
});
