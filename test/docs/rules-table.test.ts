import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import { renderRulesTable, TABLE_END, TABLE_START } from "../../src/packs/rules-table.js";

describe("rule catalogue (docs/rules.md)", () => {
  it("matches the packs (run `npm run build && npm run docs` to regenerate)", async () => {
    const packs = await Promise.all(builtinPackFiles().map((f) => loadPackFile(f)));
    const page = readFileSync(join(import.meta.dirname, "../../docs/rules.md"), "utf8");
    const start = page.indexOf(TABLE_START);
    const end = page.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(page.slice(start + TABLE_START.length + 1, end - 1)).toBe(renderRulesTable(packs));
  });

  it("lists every built-in rule id", async () => {
    const packs = await Promise.all(builtinPackFiles().map((f) => loadPackFile(f)));
    const table = renderRulesTable(packs);
    for (const rule of packs.flatMap((p) => p.rules)) expect(table).toContain(`\`${rule.id}\``);
  });
});
