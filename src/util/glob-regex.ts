/**
 * Globs as RegExps, without loading micromatch on the hook path.
 *
 * Compiling globs with micromatch (and loading micromatch at all) was a
 * measured part of every pre-commit hook's start-up, for globs that never
 * change: the built-in packs' rule paths and the config linter's file types.
 * The build compiles those once into dist/glob-regexes.json; at run time a
 * glob found there becomes a RegExp directly. Other globs (a user's config or
 * pack) load micromatch, synchronously and on first use (~9 ms), and their
 * RegExps are kept in the user's cache directory (globs.json, stamped like the
 * validated configs: this gitward's code and schemas), so a commit touching an
 * allowlisted path does not load micromatch every time.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gitwardCacheDir } from "./cache-dir.js";
import { markColdRun } from "./code-cache-hint.js";
import { stamp } from "./validated-file-cache.js";

export interface GlobOptions {
  dot?: boolean;
  nocase?: boolean;
}

interface Compiled {
  source: string;
  flags: string;
  /** The glob's pre-checks (see globsMatcher), computed by the build too. */
  literals?: string[];
  endings?: string[] | null;
}

/** Written by scripts/build.mjs, next to builtin-packs.json. */
export const GLOB_CACHE_FILE = fileURLToPath(new URL("../glob-regexes.json", import.meta.url));

let cache: Record<string, Compiled> | null | undefined;
let micromatch: typeof import("micromatch") | undefined;

/** The user's cache of RegExps for globs the build did not compile (see the file comment). */
interface UserGlobs {
  stamp: string;
  entries: Record<string, Compiled>;
}
let userGlobs: UserGlobs | null | undefined;
/** Entries kept: a user editing globs adds one per edit; past this the file starts again. */
const USER_GLOBS_KEPT = 500;

function key(glob: string, options: GlobOptions): string {
  return `${options.dot ? "d" : ""}${options.nocase ? "i" : ""}:${glob}`;
}

/** Running from the TypeScript sources (tests, scripts/dev.ts): the build's copy, if there is one. */
const GLOB_CACHE_FROM_SOURCE = fileURLToPath(new URL("../../dist/glob-regexes.json", import.meta.url));

function loadCache(): Record<string, Compiled> | null {
  for (const file of [GLOB_CACHE_FILE, GLOB_CACHE_FROM_SOURCE]) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, Compiled>;
    } catch {
      // absent: try the next, else compile with micromatch
    }
  }
  return null;
}

/** micromatch's RegExp for a glob (same semantics everywhere: gitignore-like `**`, braces, extglobs). */
export function compileGlob(glob: string, options: GlobOptions = {}): RegExp {
  cache ??= loadCache();
  const k = key(glob, options);
  const hit = cache?.[k];
  if (hit) return new RegExp(hit.source, hit.flags);
  userGlobs ??= loadUserGlobs();
  const known = userGlobs?.entries[k];
  if (known) {
    try {
      return new RegExp(known.source, known.flags);
    } catch {
      // not a RegExp (a damaged file): compiled again below, and replaced
    }
  }
  micromatch ??= createRequire(import.meta.url)("micromatch") as typeof import("micromatch");
  const re = micromatch.makeRe(glob, options);
  if (userGlobs) saveUserGlob(userGlobs, k, re);
  return re;
}

/** Whether this process has loaded micromatch (tests: a cached glob must not). */
export function micromatchLoaded(): boolean {
  return micromatch !== undefined;
}

function userGlobsFile(): string | undefined {
  const dir = gitwardCacheDir();
  return dir ? join(dir, "globs.json") : undefined;
}

/** The user's glob cache when it is this gitward's, else an empty one; null when there is no cache directory. */
function loadUserGlobs(): UserGlobs | null {
  const file = userGlobsFile();
  if (!file) return null;
  try {
    const read = JSON.parse(readFileSync(file, "utf8")) as UserGlobs;
    if (read?.stamp === stamp() && read.entries && typeof read.entries === "object") return read;
  } catch {
    // absent or damaged: start again
  }
  return { stamp: stamp(), entries: {} };
}

/** Adds a glob's RegExp to the user's cache and writes it (atomically). Best effort. */
function saveUserGlob(globs: UserGlobs, k: string, re: RegExp): void {
  const file = userGlobsFile();
  if (!file) return;
  if (Object.keys(globs.entries).length >= USER_GLOBS_KEPT) globs.entries = {};
  globs.entries[k] = { source: re.source, flags: re.flags };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(tmp, JSON.stringify(globs));
    renameSync(tmp, file);
    // Later runs read this RegExp instead of loading micromatch: this run was not typical.
    markColdRun(`compiled glob ${k}`);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // ignored on purpose: the next run compiles it again
    }
  }
}

/**
 * One predicate for several globs: true when any matches. V8 compiles a RegExp
 * on its first test, and a glob's is long (hundreds of globs are asked about
 * the first paths of every hook run), so each glob's literal ending (one of its
 * brace alternatives') and literal parts are checked first, with `endsWith`
 * and `includes`: most paths are rejected without a RegExp, and most RegExps
 * are never compiled. (The literal parts alone let `*.{sh,bash}` through for
 * any path with a dot, which compiled most file types' RegExps on every hook.)
 */
export function globsMatcher(globs: readonly string[], options: GlobOptions = {}): (path: string) => boolean {
  const fold = options.nocase === true;
  const tests = globs.map((glob) => {
    const { literals, endings } = preChecks(glob, options);
    let re: RegExp | undefined;
    return (path: string, folded: string) => {
      // (micromatch lets a star-ending glob match a trailing slash too: no ending check for such a path.)
      if (endings && !folded.endsWith("/") && !endings.some((e) => folded.endsWith(e))) return false;
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

/** A glob's literal parts and endings: from the build's cache for its globs, else computed here. */
function preChecks(glob: string, options: GlobOptions): { literals: string[]; endings: string[] | undefined } {
  cache ??= loadCache();
  const hit = cache?.[key(glob, options)];
  if (hit?.literals) return { literals: hit.literals, endings: hit.endings ?? undefined };
  return computePreChecks(glob, options);
}

function computePreChecks(glob: string, options: GlobOptions): { literals: string[]; endings: string[] | undefined } {
  const fold = options.nocase === true;
  // micromatch ignores a leading "./" (a user's `./secrets/*`); the pre-checks must too.
  const bare = glob.replace(/^(?:\.\/)+/, "");
  return { literals: globLiterals(bare, fold), endings: globEndings(bare, fold) };
}

/**
 * Literal pieces every path matching the glob contains (lower-cased when the
 * match ignores case), e.g. `**\/sshd_config.d/*.conf` → ["sshd_config.d/",
 * ".conf"]. Braces, classes and extglobs count as wildcards; a glob with
 * escapes gets none (no prefilter).
 */
export function globLiterals(glob: string, lowerCase = true): string[] {
  if (glob.includes("\\")) return [];
  return (
    (lowerCase ? glob.toLowerCase() : glob)
      .replace(/\{[^}]*\}|\[[^\]]*\]|[!?+*@]\([^)]*\)/g, "*")
      // A `**/` (at the start or after a slash, repeated or not) and a trailing `/**` may match nothing.
      .replace(/(?<=^|\/)\*\*\//g, "*")
      .replace(/\/\*\*$/, "*")
      .split(/[*?]+/)
      .filter((piece) => piece.length > 0)
  );
}

/**
 * The literal endings of a glob, one of which every path it matches ends with
 * (lower-cased when the match ignores case): the text after the last wildcard
 * of each brace alternative, e.g. `**\/*.{yml,yaml}` → [".yml", ".yaml"],
 * `**\/sshd_config` → ["sshd_config"] (a `**\/` may match nothing, so the
 * slash before a name is not required). Undefined when some alternative ends
 * in a wildcard, or the glob has escapes, extglobs or braces other than plain
 * lists (no pre-check then).
 */
export function globEndings(glob: string, lowerCase = true): string[] | undefined {
  // Escapes, extglobs, ranges ({1..3}), nested or one-item braces: no endings (micromatch's meaning
  // of those is not a plain list).
  if (/[\\]|[!?+*@]\(|\{[^}]*\.\.[^}]*\}|\{[^},]*\}|\{[^}]*\{/.test(glob)) return undefined;
  let alternatives = [lowerCase ? glob.toLowerCase() : glob];
  for (;;) {
    const at = (alternatives[0] as string).search(/\{[^{}]*\}/);
    if (at === -1) break;
    const next: string[] = [];
    for (const alt of alternatives) {
      const m = /\{([^{}]*)\}/.exec(alt) as RegExpExecArray;
      for (const option of (m[1] as string).split(","))
        next.push(alt.slice(0, m.index) + option + alt.slice(m.index + m[0].length));
    }
    if (next.length > 64) return undefined;
    alternatives = next;
  }
  const endings = new Set<string>();
  for (const alt of alternatives) {
    if (/[{}]/.test(alt)) return undefined;
    // After the last wildcard (a class ends with "]"); a leading slash may be a `**/` matching nothing.
    const ending = alt.slice(Math.max(alt.lastIndexOf("*"), alt.lastIndexOf("?"), alt.lastIndexOf("]")) + 1).replace(/^\/+/, "");
    if (ending === "") return undefined;
    endings.add(ending);
  }
  return [...endings];
}

/** The cache file's content for these globs (used by the build). */
export function precompileGlobs(entries: Iterable<{ glob: string; options: GlobOptions }>): Record<string, Compiled> {
  const out: Record<string, Compiled> = {};
  // From micromatch and this code, never from the cache file being replaced.
  micromatch ??= createRequire(import.meta.url)("micromatch") as typeof import("micromatch");
  for (const { glob, options } of entries) {
    const re = micromatch.makeRe(glob, options);
    const { literals, endings } = computePreChecks(glob, options);
    out[key(glob, options)] = { source: re.source, flags: re.flags, literals, endings: endings ?? null };
  }
  return out;
}
