// Build: compile TypeScript to dist/ and write the validated built-in pack cache.
// Runs on `npm install` (prepare) so a fresh clone is usable with one command.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");

rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });

const { buildBuiltinCache } = await import(join(root, "dist/packs/builtin-packs.js"));
const cache = await buildBuiltinCache();
writeFileSync(join(root, "dist/builtin-packs.json"), JSON.stringify(cache));
const rules = cache.packs.reduce((n, p) => n + p.rules.length, 0);
console.log(`built dist/ with ${cache.packs.length} packs, ${rules} rules`);
if (!existsSync(join(root, "dist/cli/run.js"))) process.exit(1);
