/**
 * Globs as RegExps, without loading micromatch on the hook path.
 *
 * Compiling globs with micromatch (and loading micromatch at all) was a
 * measured part of every pre-commit hook's start-up, for globs that never
 * change: the built-in packs' rule paths and the config linter's file types.
 * The build compiles those once into dist/glob-regexes.json; at run time a
 * glob found there becomes a RegExp directly, and only other globs (a user's
 * config or pack) load micromatch, synchronously and on first use.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface GlobOptions {
  dot?: boolean;
  nocase?: boolean;
}

interface Compiled {
  source: string;
  flags: string;
}

/** Written by scripts/build.mjs, next to builtin-packs.json. */
export const GLOB_CACHE_FILE = fileURLToPath(new URL("../glob-regexes.json", import.meta.url));

let cache: Record<string, Compiled> | null | undefined;
let micromatch: typeof import("micromatch") | undefined;

function key(glob: string, options: GlobOptions): string {
  return `${options.dot ? "d" : ""}${options.nocase ? "i" : ""}:${glob}`;
}

function loadCache(): Record<string, Compiled> | null {
  try {
    return JSON.parse(readFileSync(GLOB_CACHE_FILE, "utf8")) as Record<string, Compiled>;
  } catch {
    return null; // running from source, or not built: compile with micromatch
  }
}

/** micromatch's RegExp for a glob (same semantics everywhere: gitignore-like `**`, braces, extglobs). */
export function compileGlob(glob: string, options: GlobOptions = {}): RegExp {
  cache ??= loadCache();
  const hit = cache?.[key(glob, options)];
  if (hit) return new RegExp(hit.source, hit.flags);
  micromatch ??= createRequire(import.meta.url)("micromatch") as typeof import("micromatch");
  return micromatch.makeRe(glob, options);
}

/**
 * One predicate for several globs: true when any matches. V8 compiles a RegExp
 * on its first test, and a glob's is long (hundreds of globs are asked about
 * the first paths of every hook run), so each glob's literal parts are checked
 * first with `includes`: most paths are rejected without a RegExp, and most
 * RegExps are never compiled.
 */
export function globsMatcher(globs: readonly string[], options: GlobOptions = {}): (path: string) => boolean {
  const fold = options.nocase === true;
  const tests = globs.map((glob) => {
    const literals = globLiterals(glob, fold);
    let re: RegExp | undefined;
    return (path: string, folded: string) => {
      for (const l of literals) if (!folded.includes(l)) return false;
      re ??= compileGlob(glob, options);
      return re.test(path);
    };
  });
  return (path) => {
    const folded = fold ? path.toLowerCase() : path;
    return tests.some((t) => t(path, folded));
  };
}

/**
 * Literal pieces every path matching the glob contains (lower-cased when the
 * match ignores case), e.g. `**\/sshd_config.d/*.conf` → ["sshd_config.d/",
 * ".conf"]. Braces, classes and extglobs count as wildcards; a glob with
 * escapes gets none (no prefilter).
 */
export function globLiterals(glob: string, lowerCase = true): string[] {
  if (glob.includes("\\")) return [];
  return (lowerCase ? glob.toLowerCase() : glob)
    .replace(/\{[^}]*\}|\[[^\]]*\]|[!?+*@]\([^)]*\)/g, "*")
    .replace(/(^|\/)\*\*\//g, "*")
    .split(/[*?]+/)
    .filter((piece) => piece.length > 0);
}

/** The cache file's content for these globs (used by the build). */
export function precompileGlobs(entries: Iterable<{ glob: string; options: GlobOptions }>): Record<string, Compiled> {
  const out: Record<string, Compiled> = {};
  for (const { glob, options } of entries) {
    const re = compileGlob(glob, options);
    out[key(glob, options)] = { source: re.source, flags: re.flags };
  }
  return out;
}
