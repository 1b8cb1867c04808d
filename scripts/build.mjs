// Build, run on `npm install` (prepare) so a fresh clone works with one command:
// 1. tsc → dist/ (the library, with .d.ts types);
// 2. esbuild → dist/bin/ (the CLI bundled with its dependencies, code-split so
//    each command loads only what it uses: the hook path starts fast);
// 3. the validated built-in pack cache → dist/builtin-packs.json.
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

const { build } = await import("esbuild");
await build({
  entryPoints: { main: join(root, "src/cli/main.ts") },
  outdir: join(root, "dist/bin"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  keepNames: false,
  legalComments: "linked",
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import{createRequire as __gwRequire}from'node:module';const require=__gwRequire(import.meta.url);" },
  // recheck ships a native analyser binary resolved relative to its own package.
  external: ["recheck"],
  logLevel: "warning",
});

const { buildBuiltinCache } = await import(join(root, "dist/packs/builtin-packs.js"));
const cache = await buildBuiltinCache();
writeFileSync(join(root, "dist/builtin-packs.json"), JSON.stringify(cache));
const rules = cache.packs.reduce((n, p) => n + p.rules.length, 0);
console.log(`built dist/ with ${cache.packs.length} packs, ${rules} rules`);
if (!existsSync(join(root, "dist/bin/main.js"))) process.exit(1);
