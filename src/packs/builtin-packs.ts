/**
 * The packs shipped in `patterns/`. At build time they are validated and
 * written to `dist/builtin-packs.json` with each source file's size and mtime;
 * at run time the cache is used when it is fresh (one stat per pack file),
 * without the rules' examples (only `gitward packs test` needs them, from the YAML);
 * otherwise the YAML is parsed and validated again. This keeps YAML parsing and
 * schema validation off the pre-commit hook's path. The rules' docs (half the
 * text) are in a file of their own, `dist/builtin-docs.json`, read on first use:
 * a clean commit reports nothing and never needs them.
 */
import { isAscii } from "node:buffer";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitwardError } from "../errors.js";
import type { LoadedPack, RuleDocs, RuleExample, RuleExamples } from "./pack-types.js";

export const PATTERNS_DIR = fileURLToPath(new URL("../../patterns/", import.meta.url));
const CACHE_FILE = fileURLToPath(new URL("../builtin-packs.json", import.meta.url));
const DOCS_FILE = fileURLToPath(new URL("../builtin-docs.json", import.meta.url));

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
    cache = JSON.parse(readText(CACHE_FILE)) as BuiltinCache;
  } catch {
    return undefined;
  }
  if (cache.files.length !== files.length || !existsSync(DOCS_FILE)) return undefined;
  for (const [i, entry] of cache.files.entries()) {
    if (entry.file !== files[i]?.slice(PATTERNS_DIR.length)) return undefined;
    const st = statSync(files[i] as string, { throwIfNoEntry: false });
    if (!st || st.size !== entry.size || st.mtimeMs !== entry.mtimeMs) return undefined;
  }
  const docs = new DocsFile();
  for (const pack of cache.packs) {
    for (const rule of pack.rules) {
      rule.docs = new LazyDocs(docs, rule.id);
      rule.examples = NO_EXAMPLES;
    }
  }
  return cache.packs.map((p) => ({ ...p, file: join(PATTERNS_DIR, p.file) }));
}

/**
 * The examples of every cached rule: one shared empty value instead of three
 * objects per rule in the JSON (a third of its objects). Frozen, being shared.
 */
const NO_EXAMPLES: RuleExamples = Object.freeze({
  positive: Object.freeze([]) as unknown as RuleExample[],
  negative: Object.freeze([]) as unknown as RuleExample[],
});

/** dist/builtin-docs.json, read on first use. */
class DocsFile {
  private docs: Record<string, RuleDocs> | undefined;

  of(id: string): RuleDocs {
    this.docs ??= JSON.parse(readText(DOCS_FILE)) as Record<string, RuleDocs>;
    const d = this.docs[id];
    if (!d) throw new GitwardError(`${DOCS_FILE}: no docs for rule ${id} (a partial build? run npm run build)`, "config");
    return d;
  }
}

/**
 * A built-in rule's docs, read from the docs file when first asked for. One
 * small object per rule with the getters on its class: cheaper at start-up than
 * a getter property defined on each of the ~500 rule objects.
 */
class LazyDocs implements RuleDocs {
  constructor(
    private readonly file: DocsFile,
    private readonly id: string,
  ) {}

  get why(): string {
    return this.file.of(this.id).why;
  }

  get fix(): string {
    return this.file.of(this.id).fix;
  }

  get references(): string[] | undefined {
    return this.file.of(this.id).references;
  }

  get benchmarks(): string[] | undefined {
    return this.file.of(this.id).benchmarks;
  }

  /** JSON.stringify sees own properties only: give it the docs themselves. */
  toJSON(): RuleDocs {
    return this.file.of(this.id);
  }
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

export interface BuiltBuiltinCache {
  cache: BuiltinCache;
  docs: Record<string, RuleDocs>;
}

/** Validates every built-in pack and builds the cache and the docs (used by scripts/build.mjs). */
export async function buildBuiltinCache(): Promise<BuiltBuiltinCache> {
  const { loadPackFile } = await import("./load-pack.js");
  const files = builtinPackFiles();
  const packs: LoadedPack[] = [];
  const entries: BuiltinCache["files"] = [];
  const docs: Record<string, RuleDocs> = {};
  for (const file of files) {
    const pack = await loadPackFile(file);
    // Examples are for `gitward packs test`, which reads the YAML; docs go to their own file. Both
    // left out keep the hook's start-up parse (and the garbage it makes) less than half the size.
    const rules = pack.rules.map(({ docs: ruleDocs, examples: _examples, ...rule }) => {
      docs[rule.id] = ruleDocs;
      return rule;
    }) as unknown as LoadedPack["rules"]; // readFreshCache puts back lazy docs and empty examples
    packs.push({ ...pack, rules, file: file.slice(PATTERNS_DIR.length) });
    const st = statSync(file);
    entries.push({ file: file.slice(PATTERNS_DIR.length), size: st.size, mtimeMs: st.mtimeMs });
  }
  return { cache: { files: entries, packs }, docs };
}

/** Writes the docs, then the pack cache (last: its presence marks a complete dist/). */
export function writeBuiltinCache(built: BuiltBuiltinCache): void {
  writeFileSync(DOCS_FILE, asciiJson(built.docs));
  writeFileSync(CACHE_FILE, asciiJson(built.cache));
}

/** JSON with every non-ASCII character escaped, so that readText decodes it as Latin-1 (a plain copy). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A file's text: ASCII (what the build writes) decoded as Latin-1, several times faster than UTF-8. */
function readText(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}
