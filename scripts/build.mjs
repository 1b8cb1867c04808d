// Build, run on `npm install` (prepare) so a fresh clone works with one command:
// 1. tsc → dist/ (the library, with .d.ts types);
// 2. esbuild → dist/bin/gitward.cjs (the CLI bundled with its dependencies, one
//    CommonJS file that bin/gitward.cjs loads through V8's code cache; code not
//    needed by a command stays unevaluated behind esbuild's lazy module wrappers), and
//    dist/bin/gitward-hook.cjs (the hook commands' fast path alone, src/cli/hook-main.ts);
// 3. the JSON Schema validators → dist/schema-validators.cjs (Ajv standalone code, scripts/schema-validators.mjs);
//    the validated built-in pack cache → dist/builtin-packs.json (the rules' docs: dist/builtin-docs.json, secret rules' bodies: dist/builtin-rule-bodies.txt);
// 4. the built-in keyword automaton → dist/keyword-automaton.bin (with the pack cache, whose rules hold their keywords' ids in it);
// 5. the built-in globs as RegExps → dist/glob-regexes.json, and the validated service names → dist/service-names.json;
// 6. a first `gitward staged` run in a scratch repository, which writes the hook bundle's
//    code cache for this Node version (bin/gitward.cjs explains the cache).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(root, "dist/bin/gitward.cjs");
const HOOK_BUNDLE = join(root, "dist/bin/gitward-hook.cjs");
const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");

rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });

const { build } = await import("esbuild");
const { cliBundleOptions } = await import("./bundle-options.mjs");
await build(cliBundleOptions({ entry: join(root, "src/cli/main.ts"), outfile: BUNDLE, minify: true }));
// The hook bundle: the hook commands' fast path alone (src/cli/hook-main.ts; bin/gitward.cjs explains).
await build(cliBundleOptions({ entry: join(root, "src/cli/hook-main.ts"), outfile: HOOK_BUNDLE, minify: true }));

// 3a. the JSON Schema validators, compiled (validating the built-in packs below uses them too).
const { buildSchemaValidators, VALIDATORS_FILE } = await import("./schema-validators.mjs");
writeFileSync(VALIDATORS_FILE, await buildSchemaValidators());

const { buildBuiltinCache, writeBuiltinCache } = await import(join(root, "dist/packs/builtin-packs.js"));
const built = await buildBuiltinCache();
const { cache } = built;
// 4. the keyword automaton of every built-in secret rule (written with the cache, below, whose rules
//    hold their keywords' ids in it), so the hook does not build it per run.
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
// 5b. the validated service names of the service-context rules (parsing their YAML takes most of a second).
const { writeServicesCache } = await import(join(root, "dist/detectors/service-names-file.js"));
writeServicesCache();
// Written last: its presence tells bench/lib/paths.mjs that dist/ is complete.
writeBuiltinCache(built);
const rules = cache.packs.reduce((n, p) => n + p.rules.length, 0);
for (const bundle of [BUNDLE, HOOK_BUNDLE]) {
  const name = relative(root, bundle);
  if (!existsSync(bundle)) process.exit(1);
  // bin/gitward.cjs runs the bundles through vm.Script, which has no loader for import() on every Node 20
  // release: esbuild turns imports of bundled modules into require(), so one left here names a built-in
  // or an external module (use a static import, or createRequire for a lazy one).
  const dynamicImport = /\bimport\("([^"]+)"\)/.exec(readFileSync(bundle, "latin1"));
  if (dynamicImport) {
    console.error(`build: ${name} has import("${dynamicImport[1]}"); it would fail at run time`);
    process.exit(1);
  }
  // bin/gitward.cjs reads an ASCII bundle as Latin-1 (fast); say where a non-ASCII character slipped in
  // (esbuild leaves them in regular expression literals: write \uXXXX there).
  const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(bundle, "latin1"));
  if (nonAscii) console.warn(`warning: ${name} is not ASCII (at offset ${nonAscii.index}); it loads slower`);
}
writeCodeCache();
console.log(`built dist/ with ${cache.packs.length} packs, ${rules} rules`);

/**
 * 6. Runs the hook path once so that bin/gitward.cjs writes the pre-commit
 * hook's V8 code cache of the bundle for this Node (a later Node version, and
 * the other commands, write their own on first use).
 * Also a smoke test of the bundle: the build fails if the CLI cannot scan.
 */
function writeCodeCache() {
  const repo = mkdtempSync(join(tmpdir(), "gitward-build-"));
  try {
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
    execFileSync("git", ["init", "-q"], { cwd: repo, env });
    // Lines that meet keywords (so the rules' code paths run and are cached) without a finding.
    const app = [
      'export const greeting = "hello";',
      "// The API key and the auth token come from the environment, never from the source.",
      "export const apiKey = process.env.API_KEY;",
      "export const password = process.env.DB_PASSWORD;",
    ];
    writeFileSync(join(repo, "app.js"), `${app.join("\n")}\n`);
    execFileSync("git", ["add", "app.js"], { cwd: repo, env });
    execFileSync(process.execPath, [join(root, "bin/gitward.cjs"), "staged", "--quiet"], { cwd: repo, env, stdio: "pipe" });
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
