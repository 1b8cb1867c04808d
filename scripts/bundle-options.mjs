// The esbuild options of the CLI bundle, shared by scripts/build.mjs and the
// benchmark profiler (bench/profile.mjs builds an unminified copy to attribute time).
import { fileURLToPath } from "node:url";

export function cliBundleOptions({ entry, outfile, minify }) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    // One CommonJS file: bin/gitward.cjs compiles it through V8's code cache, and code a
    // command does not need stays unevaluated behind esbuild's lazy module wrappers.
    format: "cjs",
    platform: "node",
    target: "node20",
    minify,
    keepNames: false,
    legalComments: minify ? "linked" : "inline",
    // The sources are ESM and locate data files (packs, caches) from import.meta.url.
    define: { "import.meta.url": "__gwImportMetaUrl" },
    banner: { js: "var __gwImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
    // string-width initialises ICU segmentation on import (~50 ms of every scan); help layout needs
    // far less (see src/cli/string-width.ts).
    alias: { "string-width": fileURLToPath(new URL("../src/cli/string-width.ts", import.meta.url)) },
    // recheck ships a native analyser binary resolved relative to its own package.
    external: ["recheck"],
    logLevel: "warning",
  };
}
