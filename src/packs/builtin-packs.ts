/**
 * The packs shipped in `patterns/`. At build time they are validated and
 * written to `dist/builtin-packs.json` with each source file's size and mtime;
 * at run time the cache is used when it is fresh (one stat per pack file),
 * without the rules' examples (only `gitward packs test` needs them, from the YAML);
 * otherwise the YAML is parsed and validated again. This keeps YAML parsing and
 * schema validation off the pre-commit hook's path.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedPack } from "./pack-types.js";

export const PATTERNS_DIR = fileURLToPath(new URL("../../patterns/", import.meta.url));
const CACHE_FILE = fileURLToPath(new URL("../builtin-packs.json", import.meta.url));

export interface BuiltinCache {
  files: { file: string; size: number; mtimeMs: number }[];
  packs: LoadedPack[];
}

/** Absolute paths of every built-in pack file, in load order (secrets first, then config). */
export function builtinPackFiles(): string[] {
  const files: string[] = [];
  for (const dir of ["secrets", "config"]) {
    const full = join(PATTERNS_DIR, dir);
    let names: string[] = [];
    try {
      names = readdirSync(full);
    } catch {
      continue;
    }
    for (const name of names.sort()) if (/\.ya?ml$/.test(name)) files.push(join(full, name));
  }
  return files;
}

function readFreshCache(files: string[]): LoadedPack[] | undefined {
  let cache: BuiltinCache;
  try {
    cache = JSON.parse(readFileSync(CACHE_FILE, "utf8")) as BuiltinCache;
  } catch {
    return undefined;
  }
  if (cache.files.length !== files.length) return undefined;
  for (const [i, entry] of cache.files.entries()) {
    if (entry.file !== files[i]?.slice(PATTERNS_DIR.length)) return undefined;
    const st = statSync(files[i] as string, { throwIfNoEntry: false });
    if (!st || st.size !== entry.size || st.mtimeMs !== entry.mtimeMs) return undefined;
  }
  return cache.packs.map((p) => ({ ...p, file: join(PATTERNS_DIR, p.file) }));
}

let memo: Promise<LoadedPack[]> | undefined;

export function loadBuiltinPacks(): Promise<LoadedPack[]> {
  memo ??= (async () => {
    const files = builtinPackFiles();
    const cached = readFreshCache(files);
    if (cached) return cached;
    const { loadPackFile } = await import("./load-pack.js");
    const packs: LoadedPack[] = [];
    for (const file of files) packs.push(await loadPackFile(file));
    return packs;
  })();
  return memo;
}

/** Builds the cache object (used by scripts/build.mjs). */
export async function buildBuiltinCache(): Promise<BuiltinCache> {
  const { loadPackFile } = await import("./load-pack.js");
  const files = builtinPackFiles();
  const packs: LoadedPack[] = [];
  const entries: BuiltinCache["files"] = [];
  for (const file of files) {
    const pack = await loadPackFile(file);
    // Examples are for `gitward packs test`, which reads the YAML; leaving them out of the cache keeps
    // the hook's start-up parse (and the garbage it makes) a quarter smaller.
    const rules = pack.rules.map((rule) => ({ ...rule, examples: { positive: [], negative: [] } }));
    packs.push({ ...pack, rules, file: file.slice(PATTERNS_DIR.length) });
    const st = statSync(file);
    entries.push({ file: file.slice(PATTERNS_DIR.length), size: st.size, mtimeMs: st.mtimeMs });
  }
  return { files: entries, packs };
}
