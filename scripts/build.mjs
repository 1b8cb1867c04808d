// Build, run on `npm install` (prepare) so a fresh clone works with one command:
// 1. tsc → dist/ (the library, with .d.ts types);
// 2. esbuild → dist/bin/ (the CLI bundled with its dependencies, code-split so
//    each command loads only what it uses: the hook path starts fast);
// 3. the validated built-in pack cache → dist/builtin-packs.json;
// 4. the built-in keyword automaton → dist/keyword-automaton.bin;
// 5. the built-in globs as RegExps → dist/glob-regexes.json.
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
// 4. the keyword automaton of every built-in secret rule, so the hook does not build it per run.
const { KeywordAutomaton, PREBUILT_FILE } = await import(join(root, "dist/detectors/keyword-automaton.js"));
const keywords = [
  ...new Set(
    cache.packs
      .flatMap((p) => p.rules.filter((r) => r.kind !== "config").flatMap((r) => r.keywords ?? []))
      .map((k) => k.toLowerCase()),
  ),
];
writeFileSync(PREBUILT_FILE, KeywordAutomaton.build(keywords).serialize());
// 5. RegExps of the globs the built-in packs and config file types use, so the hook needs no micromatch.
const { precompileGlobs, GLOB_CACHE_FILE } = await import(join(root, "dist/util/glob-regex.js"));
const { FILE_TYPES } = await import(join(root, "dist/detectors/config/file-types.js"));
const globOptions = { dot: true, nocase: true };
const globs = new Set(FILE_TYPES.flatMap((t) => [...t.globs, ...(t.exclude ?? [])]));
for (const rule of cache.packs.flatMap((p) => p.rules)) {
  for (const g of [...(rule.paths ?? []), ...(rule.allowlist?.paths ?? []), ...(rule.files ?? [])]) {
    globs.add(g.startsWith("!") ? g.slice(1) : g);
  }
}
writeFileSync(GLOB_CACHE_FILE, JSON.stringify(precompileGlobs([...globs].map((glob) => ({ glob, options: globOptions })))));
// Written last: its presence tells bench/lib/paths.mjs that dist/ is complete.
writeFileSync(join(root, "dist/builtin-packs.json"), JSON.stringify(cache));
const rules = cache.packs.reduce((n, p) => n + p.rules.length, 0);
console.log(`built dist/ with ${cache.packs.length} packs, ${rules} rules`);
if (!existsSync(join(root, "dist/bin/main.js"))) process.exit(1);
