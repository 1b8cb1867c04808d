/**
 * The packs shipped in `patterns/`. At build time they are validated and
 * written to `dist/builtin-packs.json` with each source file's size and mtime;
 * at run time the cache is used when it is fresh (one stat per pack file; in
 * an installed package, whose files npm dates at extraction, the sizes alone),
 * without the rules' examples (only `gitward packs test` needs them, from the YAML);
 * otherwise the YAML is parsed and validated again. This keeps YAML parsing and
 * schema validation off the pre-commit hook's path. The rules' docs (half the
 * text) are in a file of their own, `dist/builtin-docs.json`, read on first use:
 * a clean commit reports nothing and never needs them.
 *
 * A secret rule's body (its regex, description, requires, allowlist, scan
 * scope...) is in `dist/builtin-rule-bodies.txt`, one JSON text per rule, parsed
 * when the rule is first used (CachedSecretRule): a hook compiles the few rules
 * whose keywords occur in the commit. The cache itself holds what every run
 * needs of every rule: id, severity, its keywords' ids in the keyword automaton
 * built with the cache (the keywords themselves are in the body), and the few
 * flags the engine reads when it starts. Parsing every rule whole was the largest part of the
 * hook's set-up (2.5 ms of JSON.parse for 900 rules, and garbage collection of
 * what it made).
 */
import { isAscii } from "node:buffer";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { KeywordAutomaton, PREBUILT_FILE } from "../detectors/keyword-automaton.js";
import type { ScanScope } from "../detectors/scan-scope.js";
import { GitwardError } from "../errors.js";
import { contentHash } from "../util/hash.js";
import { inInstalledPackage } from "../util/installed-package.js";
import type { LoadedPack, RuleDocs, RuleExample, RuleExamples, RuleSpec, SecretRuleSpec } from "./pack-types.js";

export const PATTERNS_DIR = fileURLToPath(new URL("../../patterns/", import.meta.url));
const CACHE_FILE = fileURLToPath(new URL("../builtin-packs.json", import.meta.url));
const DOCS_FILE = fileURLToPath(new URL("../builtin-docs.json", import.meta.url));
const BODIES_FILE = fileURLToPath(new URL("../builtin-rule-bodies.txt", import.meta.url));

export interface BuiltinCache {
  files: { file: string; size: number; mtimeMs: number }[];
  /**
   * The stamp of the keyword automaton built with this cache (dist/keyword-automaton.bin): each
   * secret rule's `$kw` holds its keywords' ids in that automaton, so that the pattern engine does
   * not look up ~2,700 keywords on every hook. Checked against the automaton loaded (both files
   * come from one build, but a partial rebuild could pair others).
   */
  automaton: string;
  /** Secret rules hold their INDEX_FIELDS and `$body`, where their body is in BODIES_FILE. */
  packs: LoadedPack[];
}

/** A secret rule's fields kept in the cache itself (read by every run for every rule). */
const INDEX_FIELDS = new Set(["id", "kind", "severity", "mode", "fallback", "validate", "tags"]);
/** A secret rule's fields kept in its body (read when the rule is used). */
const BODY_FIELDS = [
  "description",
  "keywords",
  "regex",
  "flags",
  "secretGroup",
  "entropy",
  "paths",
  "allowlist",
  "requires",
  "redos",
] as const;
type BodyField = (typeof BODY_FIELDS)[number];
/** Where a cached secret rule's body is: the offset of its line in BODIES_FILE. */
type BodyRef = number;
interface RuleBody extends Partial<Pick<SecretRuleSpec, BodyField>> {
  $scope?: ScanScope;
}

/**
 * Absolute paths of every built-in pack file, in load order (secrets first, then config).
 * Joined as strings, not with path.join: PATTERNS_DIR ends with a separator and the names are
 * plain, and normalising fifty paths was a millisecond of every hook's start-up.
 */
export function builtinPackFiles(): string[] {
  const files: string[] = [];
  for (const dir of ["secrets", "config"]) {
    const full = `${PATTERNS_DIR}${dir}`;
    let names: string[] = [];
    try {
      names = readdirSync(full);
    } catch {
      continue;
    }
    for (const name of names.sort()) if (/\.ya?ml$/.test(name)) files.push(`${full}/${name}`);
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

  if (cache.files.length !== files.length || !existsSync(DOCS_FILE) || !existsSync(BODIES_FILE)) return undefined;
  // An installed package's files carry npm's extraction time: there the sizes decide (installed-package.ts).
  const installed = inInstalledPackage(PATTERNS_DIR);
  for (const [i, entry] of cache.files.entries()) {
    if (entry.file !== files[i]?.slice(PATTERNS_DIR.length)) return undefined;
    const st = statSync(files[i] as string, { throwIfNoEntry: false });
    if (!st || st.size !== entry.size || (st.mtimeMs !== entry.mtimeMs && !installed)) return undefined;
  }

  const docs = new DocsFile();
  const shared: CacheFiles = { docs, bodies: new BodiesFile(), automaton: cache.automaton };
  return cache.packs.map((p) => {
    const rules = p.rules as unknown as (RuleSpec & { $body?: BodyRef })[];
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RuleSpec & { $body?: BodyRef };
      if (rule.$body !== undefined)
        rules[i] = new CachedSecretRule(rule as unknown as CachedIndex, shared) as unknown as RuleSpec;
      else {
        rule.docs = new LazyDocs(docs, rule.id);
        rule.examples = NO_EXAMPLES;
      }
    }
    return { ...p, file: `${PATTERNS_DIR}${p.file}` };
  });
}

/** Rule bodies read one by one before the bodies file is read whole (see BodiesFile). */
const READS_BEFORE_WHOLE_FILE = 64;

/**
 * dist/builtin-rule-bodies.txt: one rule's body per line, at the offset its
 * rule records (the file is ASCII, so characters are bytes). A pre-commit hook
 * uses a handful of bodies (the rules whose keywords a commit holds, and the
 * path-only rules), so they are read one by one; reading the whole file (half
 * a megabyte, ~1 ms) pays off only once many are used (a history or directory
 * scan), after READS_BEFORE_WHOLE_FILE of them.
 */
export class BodiesFile {
  private text: string | undefined;
  private fd: number | undefined;
  private reads = 0;

  constructor(
    private readonly file = BODIES_FILE,
    private readonly readsBeforeWholeFile = READS_BEFORE_WHOLE_FILE,
  ) {}

  parse(ref: BodyRef, id: string): RuleBody {
    try {
      return JSON.parse(this.line(ref)) as RuleBody;
    } catch {
      throw new GitwardError(
        `${this.file}: the body of rule ${id} does not parse (a partial build? run npm run build)`,
        "config",
      );
    }
  }

  private line(offset: number): string {
    if (this.text === undefined && ++this.reads > this.readsBeforeWholeFile) {
      this.text = readText(this.file);
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
    if (this.text !== undefined) {
      const end = this.text.indexOf("\n", offset);
      return this.text.slice(offset, end === -1 ? this.text.length : end);
    }
    this.fd ??= openSync(this.file, "r");
    for (let size = 4096; ; size *= 4) {
      const buf = Buffer.allocUnsafe(size);
      const n = readSync(this.fd, buf, 0, size, offset);
      const end = buf.subarray(0, n).indexOf(10);
      if (end !== -1 || n < size) return buf.toString("latin1", 0, end === -1 ? n : end);
    }
  }
}

/**
 * A built-in secret rule from the cache: what every run needs as plain
 * fields, the rest read from its body on first use (see the file comment).
 * Its fields are getters on the class, so the rule reads like any other
 * spec (but has no own fields to spread: JSON.stringify gets the whole rule
 * from toJSON). The scan scope
 * (LoadedPack.scopes for a pack read from YAML) comes with the body too:
 * ruleScope() in rule-set.ts asks for it.
 */
class CachedSecretRule {
  private readonly index: CachedIndex;
  private readonly files: CacheFiles;
  private parsed: RuleBody | undefined;
  private lazyDocs: RuleDocs | undefined;

  constructor(index: CachedIndex, files: CacheFiles) {
    // The cache's own object is kept as it is: copying its fields cost more than the getters.
    // Two fields per rule; docs and examples come from getters (objects made per rule at start-up
    // are ~1,300 more allocations on every hook).
    this.index = index;
    this.files = files;
  }

  get docs(): RuleDocs {
    this.lazyDocs ??= new LazyDocs(this.files.docs, this.index.id);
    return this.lazyDocs;
  }
  get examples(): RuleExamples {
    return NO_EXAMPLES;
  }

  /**
   * The ids of the rule's keywords (lowercased, each once) in the keyword automaton with this
   * stamp, if that is the one built with the cache (see BuiltinCache.automaton and PatternEngine).
   */
  prebuiltKeywordIds(stamp: string): readonly number[] | undefined {
    return stamp === this.files.automaton ? this.index.$kw : undefined;
  }

  get id(): string {
    return this.index.id;
  }
  get kind(): "secret" | undefined {
    return this.index.kind;
  }
  get severity(): SecretRuleSpec["severity"] {
    return this.index.severity;
  }
  get mode(): SecretRuleSpec["mode"] {
    return this.index.mode;
  }
  get keywords(): string[] | undefined {
    return this.body().keywords;
  }
  get fallback(): boolean | undefined {
    return this.index.fallback;
  }
  get validate(): string | undefined {
    return this.index.validate;
  }
  get tags(): string[] | undefined {
    return this.index.tags;
  }

  private body(): RuleBody {
    this.parsed ??= this.files.bodies.parse(this.index.$body, this.index.id);
    return this.parsed;
  }

  get description(): string {
    return this.body().description as string;
  }
  get regex(): string {
    return this.body().regex as string;
  }
  get flags(): string | undefined {
    return this.body().flags;
  }
  get secretGroup(): number | undefined {
    return this.body().secretGroup;
  }
  get entropy(): number | undefined {
    return this.body().entropy;
  }
  get paths(): string[] | undefined {
    return this.body().paths;
  }
  get allowlist(): SecretRuleSpec["allowlist"] {
    return this.body().allowlist;
  }
  get requires(): SecretRuleSpec["requires"] {
    return this.body().requires;
  }
  get redos(): SecretRuleSpec["redos"] {
    return this.body().redos;
  }

  /** The rule's scan scope, computed at build time (LoadedPack.scopes of a YAML pack). */
  cachedScope(): ScanScope | undefined {
    return this.body().$scope;
  }

  /** The whole spec, as the YAML pack gives it (docs through LazyDocs.toJSON; no examples). */
  toJSON(): Record<string, unknown> {
    const { $body: _ref, $kw: _ids, ...index } = this.index;
    const { $scope: _scope, ...body } = this.body();
    return { ...index, ...body, docs: this.docs, examples: this.examples };
  }
}

/** A secret rule as the cache file holds it: the INDEX_FIELDS and where its body is. */
type CachedIndex = Pick<SecretRuleSpec, "id" | "kind" | "severity" | "mode" | "fallback" | "validate" | "tags"> & {
  $body: BodyRef;
  /** Its keywords' ids in the cache's keyword automaton (see BuiltinCache.automaton). */
  $kw?: number[];
};

/**
 * The examples of every cached rule: one shared empty value instead of three
 * objects per rule in the JSON (a third of its objects). Frozen, being shared.
 */
const NO_EXAMPLES: RuleExamples = Object.freeze({
  positive: Object.freeze([]) as unknown as RuleExample[],
  negative: Object.freeze([]) as unknown as RuleExample[],
});

/** What every cached rule of one cache shares: its docs and bodies files, and its automaton's stamp. */
interface CacheFiles {
  docs: DocsFile;
  bodies: BodiesFile;
  automaton: string;
}

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
  /** The secret rules' bodies, one JSON text per line (BODIES_FILE). */
  bodies: string;
  /** The keyword automaton of every secret rule's keywords (PREBUILT_FILE), serialized. */
  automaton: Buffer;
}

/** Validates every built-in pack and builds the cache and the docs (used by scripts/build.mjs). */
export async function buildBuiltinCache(): Promise<BuiltBuiltinCache> {
  const { loadPackFile } = await import("./load-pack.js");
  const files = builtinPackFiles();
  const packs: LoadedPack[] = [];
  const entries: BuiltinCache["files"] = [];
  const docs: Record<string, RuleDocs> = {};
  let bodies = "";
  /** Each secret rule's keywords, in rule order (the automaton's ids follow it). */
  const keywordsOf = new Map<Record<string, unknown>, string[]>();
  for (const file of files) {
    const pack = await loadPackFile(file);
    // Examples are for `gitward packs test`, which reads the YAML; docs go to their own file. Both
    // left out keep the hook's start-up parse (and the garbage it makes) less than half the size.
    const rules = pack.rules.map(({ docs: ruleDocs, examples: _examples, ...rule }) => {
      docs[rule.id] = ruleDocs;
      if (rule.kind === "config") return rule;
      // A secret rule: its index fields here, the rest in the bodies file (see CachedSecretRule).
      const index: Record<string, unknown> = {};
      const body: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(rule)) {
        if (INDEX_FIELDS.has(key)) index[key] = value;
        else if ((BODY_FIELDS as readonly string[]).includes(key)) body[key] = value;
        else
          throw new Error(
            `${file}: ${rule.id}: field "${key}" is neither an index nor a body field of the built-in cache (src/packs/builtin-packs.ts)`,
          );
      }
      const scope = pack.scopes?.[rule.id];
      if (scope) body.$scope = scope;
      const text = asciiJson(body);
      index.$body = bodies.length;
      bodies += `${text}\n`;
      // Every secret rule gets its ids, none for a rule without keywords (it runs on every fragment).
      keywordsOf.set(index, rule.keywords ?? []);
      return index;
    }) as unknown as LoadedPack["rules"]; // readFreshCache puts back the rules, lazy docs and empty examples
    const { scopes: _scopes, ...rest } = pack;
    packs.push({ ...rest, rules, file: file.slice(PATTERNS_DIR.length) });
    const st = statSync(file);
    entries.push({ file: file.slice(PATTERNS_DIR.length), size: st.size, mtimeMs: st.mtimeMs });
  }
  // The keyword automaton of the secret rules, in rule order; each rule gets its keywords' ids.
  const lists = [...keywordsOf.values()];
  const keywords = [...new Set(lists.flatMap((list) => list.map((k) => k.toLowerCase())))];
  const automaton = KeywordAutomaton.build(keywords, { stamp: contentHash(keywords.join("\n")) });
  const ids = new Map(keywords.map((k, i) => [k, i]));
  for (const [index, list] of keywordsOf) index.$kw = [...new Set(list.map((k) => ids.get(k.toLowerCase()) as number))];
  return {
    cache: { files: entries, automaton: automaton.stamp as string, packs },
    docs,
    bodies,
    automaton: automaton.serialize(),
  };
}

/** Writes the docs, the rules' bodies and the keyword automaton, then the pack cache (last: its presence marks a complete dist/). */
export function writeBuiltinCache(built: BuiltBuiltinCache): void {
  writeFileSync(DOCS_FILE, asciiJson(built.docs));
  writeFileSync(BODIES_FILE, built.bodies);
  writeFileSync(PREBUILT_FILE, built.automaton);
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
