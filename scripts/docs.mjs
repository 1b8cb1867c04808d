// Regenerates the rule catalogue in docs/rules.md from the packs (npm run docs).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { builtinPackFiles } = await import(join(root, "dist/packs/builtin-packs.js"));
const { loadPackFile } = await import(join(root, "dist/packs/load-pack.js"));
const { updateRulesDoc } = await import(join(root, "dist/packs/rules-table.js"));
const packs = [];
for (const file of builtinPackFiles()) packs.push(await loadPackFile(file));
const pagePath = join(root, "docs", "rules.md");
let before = "";
try {
  before = readFileSync(pagePath, "utf8");
} catch {
  // first run: the page is written from scratch
}
const after = updateRulesDoc(before, packs);
writeFileSync(pagePath, after);
console.log(before === after ? "docs/rules.md already up to date" : "docs/rules.md updated");
