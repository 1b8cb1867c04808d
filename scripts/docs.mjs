// Regenerates the README's rule catalogue from the packs (npm run docs).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { builtinPackFiles } = await import(join(root, "dist/packs/builtin-packs.js"));
const { loadPackFile } = await import(join(root, "dist/packs/load-pack.js"));
const { updateReadme } = await import(join(root, "dist/packs/rules-table.js"));
const packs = [];
for (const file of builtinPackFiles()) packs.push(await loadPackFile(file));
const readmePath = join(root, "README.md");
const before = readFileSync(readmePath, "utf8");
const after = updateReadme(before, packs);
writeFileSync(readmePath, after);
console.log(before === after ? "README rules table already up to date" : "README rules table updated");
