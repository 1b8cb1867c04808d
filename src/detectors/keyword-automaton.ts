/**
 * The keyword prefilter: one Aho–Corasick automaton over every rule's keywords,
 * run once per fragment. A rule's regex runs only if one of its keywords occurs,
 * so most of the pack never touches most of the text.
 *
 * Matching is ASCII case-insensitive. The scan runs a DFA over 7-bit
 * characters (failure links folded into the transitions), one table lookup per
 * character; any non-ASCII character resets to the root, which is correct
 * because keywords are ASCII (the loader enforces it).
 *
 * The DFA's rows are filled lazily, on first use of each (state, character)
 * pair, from the trie and its failure links. That keeps what is stored and
 * loaded small: the built-in packs' dense table was 3.3 MB, read on every
 * pre-commit hook (about 2.5 ms) although a commit's text visits a few hundred
 * of its 800,000 cells; the trie is ~130 kB. A scan of real text reaches its
 * steady state within a few kilobytes (bench/engine.mjs), after which every
 * lookup hits a filled cell.
 *
 * The scan reads the text as Latin-1 bytes from a reused buffer: V8 copies a
 * string out that way at memory speed, and indexing a Uint8Array is about
 * three times faster than `charCodeAt` (measured in bench/engine.mjs). A code
 * unit above 0xFF keeps its low byte, which can only add spurious hits (the
 * prefilter may over-select, never under-select), and offsets stay the same.
 */

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gitwardCacheDir } from "../util/cache-dir.js";
import { markColdRun } from "../util/code-cache-hint.js";

const ALPHABET = 128;
/** The serialized format (see serialize); also part of cached automata's file names. */
const FORMAT = 4;
/** A row of the DFA table has a cell per byte value (see KeywordAutomaton.next). */
const ROW_SHIFT = 7;
/** The root's row in the DFA table. */
const ROOT_ROW = 1 << ROW_SHIFT;

/** Where the build puts the built-in packs' automaton (next to builtin-packs.json in dist/). */
export const PREBUILT_FILE = fileURLToPath(new URL("../keyword-automaton.bin", import.meta.url));
/** Running from the TypeScript sources (tests, scripts/dev.ts): the build's copy, if there is one. */
const PREBUILT_FROM_SOURCE = fileURLToPath(new URL("../../dist/keyword-automaton.bin", import.meta.url));
let prebuilt: KeywordAutomaton | null | undefined;

function loadPrebuilt(): KeywordAutomaton | undefined {
  if (prebuilt === undefined) {
    prebuilt = null;
    for (const file of [PREBUILT_FILE, PREBUILT_FROM_SOURCE]) {
      try {
        prebuilt = KeywordAutomaton.deserialize(readFileSync(file));
        break;
      } catch {
        // absent or unreadable: try the next, else build per run (forKeywords)
      }
    }
  }
  return prebuilt ?? undefined;
}

/**
 * An automaton the prebuilt one does not cover (a config's local pack adds a
 * rule with a keyword of its own): built once and kept in the user's cache
 * directory (util/cache-dir.ts). It extends the prebuilt automaton: its keyword
 * list is the prebuilt one's (same ids, so the ids the pack cache holds for the
 * built-in rules stay valid) followed by the new keywords. The file name comes
 * from the prebuilt automaton's stamp and the new keywords (hashing every
 * keyword cost a hook ~1 ms); a cached automaton is used only when it records
 * the same base stamp and exactly these new keywords. Without a prebuilt
 * automaton (running from the sources without a build) it holds exactly the
 * keywords asked for. Anything else, or any read or write failure, builds it here.
 */
function automatonCacheFile(base: string | undefined, extras: readonly string[]): string | undefined {
  const dir = gitwardCacheDir();
  if (!dir) return undefined;
  let h = 0x811c9dc5;
  for (const k of extras) {
    for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 10, 0x01000193) >>> 0;
  }
  const prefix = base === undefined ? "alone" : `on-${base.slice(0, 12)}`;
  return join(dir, "automata", `keywords-v${FORMAT}-${prefix}-${extras.length}-${h.toString(16).padStart(8, "0")}.bin`);
}

function readCachedAutomaton(
  file: string | undefined,
  base: KeywordAutomaton | undefined,
  extras: readonly string[],
): KeywordAutomaton | undefined {
  if (!file) return undefined;
  try {
    const cached = KeywordAutomaton.deserialize(readFileSync(file));
    const head = base?.size ?? 0;
    if (cached.base !== base?.stamp || cached.size !== head + extras.length) return undefined;
    // The new keywords are in the header; the base's are the base's own (same stamp).
    const known = base ? cached.extras : cached.keywords;
    if (known?.length !== extras.length || known.some((k, i) => k !== extras[i])) return undefined;
    return cached;
  } catch {
    // absent, unreadable or truncated: the caller builds it
  }
  return undefined;
}

function buildAndCacheAutomaton(
  file: string | undefined,
  base: KeywordAutomaton | undefined,
  extras: readonly string[],
): KeywordAutomaton {
  const built = KeywordAutomaton.build(base ? [...base.keywords, ...extras] : extras, {
    base: base?.stamp,
    ...(base ? { extras } : {}),
  });
  if (file) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(tmp, built.serialize());
      renameSync(tmp, file);
      // Later runs will read this one. (When it cannot be written, every run builds it: this one is typical.)
      markColdRun("keyword automaton built");
      pruneAutomata(dirname(file), file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
  return built;
}

/** Cached automata kept (~150 kB each): a pack author editing keywords makes a new one per edit. */
const KEEP_AUTOMATA = 8;

/** Removes all but the KEEP_AUTOMATA most recently written automata (never `keep`). Best effort. */
function pruneAutomata(dir: string, keep: string): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".bin"))
    .map((name) => ({ file: join(dir, name), mtime: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of files.slice(KEEP_AUTOMATA)) if (file !== keep) rmSync(file, { force: true });
}

/** Scratch buffer for the Latin-1 copy of the text being scanned (grown on demand, never shrunk). */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** What an automaton's file records beside its trie (see KeywordAutomaton.stamp, base, extras). */
interface Marks {
  stamp?: string | undefined;
  base?: string | undefined;
  extras?: readonly string[] | undefined;
}

export class KeywordAutomaton {
  /** The number of keywords (ids are 0 .. size - 1). */
  readonly size: number;
  private keywordList: readonly string[] | (() => readonly string[]);
  /**
   * The prebuilt automaton's identity, a hash of its keyword list (given by the
   * build): the pack cache's keyword ids are valid in an automaton with this stamp.
   */
  readonly stamp: string | undefined;
  /** For an automaton that extends the prebuilt one (see automatonCacheFile): the prebuilt one's stamp. */
  readonly base: string | undefined;
  /** For an automaton that extends the prebuilt one: the keywords it adds (ids from the prebuilt one's size). */
  readonly extras: readonly string[] | undefined;
  /**
   * The DFA, filled lazily: `next[(slot << 7) | c]` (c an ASCII character) is
   * 0 while unknown, else the next state's slot shifted left by 7, negated
   * when that state ends a keyword; so the hot loop is one load and one sign
   * test per character. A state
   * gets a slot (a row) when the scan first reaches it, so the rows in use sit
   * together: real text reaches a few hundred of the 6,000 states, and with
   * rows indexed by state they were spread over 6 MB (measured: a third slower
   * from TLB misses alone). Slot 0 is unused, so a known cell is never 0; slot 1
   * is the root.
   */
  private readonly next: Int32Array;
  /** The state of each slot, and the slot of each state (0: none yet). */
  private readonly slotState: Int32Array;
  private readonly stateSlot: Int32Array;
  private slots = 1;
  /** The trie: the children of state s are childChar/childState[childStart[s] .. childStart[s + 1]). */
  private readonly childStart: Int32Array;
  private readonly childChar: Uint8Array;
  private readonly childState: Int32Array;
  /** Failure link of each state (the longest proper suffix that is a trie state). */
  private readonly fail: Int32Array;
  /** Keyword ids ending exactly at state s: ownIds[ownStart[s] .. ownStart[s + 1]). */
  private readonly ownStart: Int32Array;
  private readonly ownIds: Int32Array;
  /** Nearest state on the failure chain that ends a keyword (-1: none): outputs without copying. */
  private readonly outLink: Int32Array;

  private constructor(
    keywords: readonly string[] | { size: number; parse: () => readonly string[] },
    marks: Marks,
    trie: {
      childStart: Int32Array;
      childChar: Uint8Array;
      childState: Int32Array;
      fail: Int32Array;
      ownStart: Int32Array;
      ownIds: Int32Array;
      outLink: Int32Array;
    },
  ) {
    // A file's keyword list is parsed when first asked for: the scan works with ids, and a hook
    // that only uses the built-in rules never needs the ~2,700 strings.
    if (Array.isArray(keywords)) {
      this.size = keywords.length;
      this.keywordList = keywords;
    } else {
      const lazy = keywords as { size: number; parse: () => readonly string[] };
      this.size = lazy.size;
      this.keywordList = lazy.parse;
    }
    this.stamp = marks.stamp;
    this.base = marks.base;
    this.extras = marks.extras;
    this.childStart = trie.childStart;
    this.childChar = trie.childChar;
    this.childState = trie.childState;
    this.fail = trie.fail;
    this.ownStart = trie.ownStart;
    this.ownIds = trie.ownIds;
    this.outLink = trie.outLink;
    this.stateSlot = new Int32Array(this.fail.length);
    this.slotState = new Int32Array(this.fail.length + 1);
    // A row for every state that could get one; only the rows given out are ever touched, so the
    // rest of the zero-filled allocation is never paged in.
    this.next = new Int32Array((this.fail.length + 1) << ROW_SHIFT);
    this.slotOf(0);
  }

  /** The keywords, lowercase; a keyword's id is its position. */
  get keywords(): readonly string[] {
    if (typeof this.keywordList === "function") this.keywordList = this.keywordList();
    return this.keywordList;
  }

  /** The number of trie states (the root is state 0). */
  get states(): number {
    return this.fail.length;
  }

  /** Builds the automaton for these keywords (matched ASCII case-insensitively). */
  static build(keywords: readonly string[], marks: Marks = {}): KeywordAutomaton {
    const lowered = keywords.map((k) => k.toLowerCase());
    // The trie, as per-state child lists while building.
    const children: Map<number, number>[] = [new Map()];
    const ownLists: number[][] = [[]];
    lowered.forEach((keyword, id) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const c = keyword.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        let next = (children[state] as Map<number, number>).get(c);
        if (next === undefined) {
          next = children.length;
          (children[state] as Map<number, number>).set(c, next);
          children.push(new Map());
          ownLists.push([]);
        }
        state = next;
      }
      (ownLists[state] as number[]).push(id);
    });
    const count = children.length;
    // Breadth-first: failure links, and output links along them.
    const fail = new Int32Array(count);
    const outLink = new Int32Array(count).fill(-1);
    const queue: number[] = [...(children[0] as Map<number, number>).values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [c, child] of children[state] as Map<number, number>) {
        let f = fail[state] as number;
        while (f !== 0 && !(children[f] as Map<number, number>).has(c)) f = fail[f] as number;
        const target = (children[f] as Map<number, number>).get(c);
        fail[child] = target !== undefined && target !== child ? target : 0;
        const fc = fail[child] as number;
        outLink[child] = (ownLists[fc] as number[]).length > 0 ? fc : (outLink[fc] as number);
        queue.push(child);
      }
    }
    // Flattened into the arrays the scan and the file use.
    const childStart = new Int32Array(count + 1);
    const ownStart = new Int32Array(count + 1);
    for (let s = 0; s < count; s++) {
      childStart[s + 1] = (childStart[s] as number) + (children[s] as Map<number, number>).size;
      ownStart[s + 1] = (ownStart[s] as number) + (ownLists[s] as number[]).length;
    }
    const childChar = new Uint8Array(childStart[count] as number);
    const childState = new Int32Array(childStart[count] as number);
    const ownIds = new Int32Array(ownStart[count] as number);
    for (let s = 0; s < count; s++) {
      let at = childStart[s] as number;
      for (const [c, child] of children[s] as Map<number, number>) {
        childChar[at] = c;
        childState[at++] = child;
      }
      ownIds.set(ownLists[s] as number[], ownStart[s] as number);
    }
    return new KeywordAutomaton(lowered, marks, { childStart, childChar, childState, fail, ownStart, ownIds, outLink });
  }

  /**
   * An automaton that finds at least these keywords, with each one's id in
   * it. The built-in packs' automaton is built once at build time
   * (dist/keyword-automaton.bin, written with the pack cache, see
   * packs/builtin-packs.ts) and reused whenever it covers every keyword asked
   * for: building it costs a pre-commit hook more than scanning a typical
   * commit does. Otherwise it is extended with the keywords it lacks, which
   * keeps its ids (built here once, then read from the user's cache, see
   * automatonCacheFile).
   */
  static forKeywords(keywords: readonly string[]): { automaton: KeywordAutomaton; ids: number[] } {
    const lowered = keywords.map((k) => k.toLowerCase());
    const base = loadPrebuilt();
    const ids = base ? base.idsOf(lowered) : lowered.map(() => -1);
    // Keywords the prebuilt automaton lacks get the ids after its own, in order of first appearance.
    const first = base?.size ?? 0;
    const extraIds = new Map<string, number>();
    for (let i = 0; i < lowered.length; i++) {
      if (ids[i] !== -1) continue;
      const k = lowered[i] as string;
      let id = extraIds.get(k);
      if (id === undefined) {
        id = first + extraIds.size;
        extraIds.set(k, id);
      }
      ids[i] = id;
    }
    if (base && extraIds.size === 0) return { automaton: base, ids };
    const extras = [...extraIds.keys()];
    const file = automatonCacheFile(base?.stamp, extras);
    const automaton = readCachedAutomaton(file, base, extras) ?? buildAndCacheAutomaton(file, base, extras);
    return { automaton, ids };
  }

  /** The built-in packs' automaton (dist/keyword-automaton.bin), if the build made one. */
  static prebuilt(): KeywordAutomaton | undefined {
    return loadPrebuilt();
  }

  /**
   * The id of each (lowercase) keyword, -1 for one this automaton does not have: the trie state
   * the keyword leads to, if a keyword ends there (keywords are unique, so one at most).
   */
  idsOf(lowered: readonly string[]): number[] {
    return lowered.map((keyword) => {
      let state = 0;
      for (let i = 0; i < keyword.length && state !== -1; i++) {
        const c = keyword.charCodeAt(i);
        const end = this.childStart[state + 1] as number;
        let next = -1;
        for (let e = this.childStart[state] as number; e < end; e++) {
          if (this.childChar[e] === c) {
            next = this.childState[e] as number;
            break;
          }
        }
        state = next;
      }
      if (state <= 0) return -1;
      const own = this.ownStart[state] as number;
      return own < (this.ownStart[state + 1] as number) ? (this.ownIds[own] as number) : -1;
    });
  }

  /**
   * The automaton as bytes: a 4-byte header length, a JSON header (format,
   * marks, keyword count, array lengths) padded to 4 bytes, then the trie's
   * arrays (Int32, little-endian): childStart, childState, fail, outLink,
   * ownStart, ownIds; then childChar (bytes), and last the keywords as JSON.
   */
  serialize(): Buffer {
    const states = this.fail.length;
    const keywords = Buffer.from(JSON.stringify(this.keywords));
    let header = Buffer.from(
      JSON.stringify({
        version: FORMAT,
        ...(this.stamp !== undefined ? { stamp: this.stamp } : {}),
        ...(this.base !== undefined ? { base: this.base } : {}),
        ...(this.extras !== undefined ? { extras: this.extras } : {}),
        size: this.size,
        keywordBytes: keywords.length,
        states,
        edges: this.childChar.length,
        owns: this.ownIds.length,
      }),
    );
    header = Buffer.concat([header, Buffer.alloc((4 - (header.length % 4)) % 4, 0x20)]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(header.length);
    const view = (a: Int32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([
      size,
      header,
      view(this.childStart),
      view(this.childState),
      view(this.fail),
      view(this.outLink),
      view(this.ownStart),
      view(this.ownIds),
      view(this.childChar),
      keywords,
    ]);
  }

  static deserialize(bytes: Buffer): KeywordAutomaton {
    const headerLength = bytes.length >= 4 ? bytes.readUInt32LE(0) : Number.POSITIVE_INFINITY;
    if (bytes.length < 4 + headerLength) throw new Error("keyword automaton file is truncated");
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as {
      version: number;
      stamp?: string;
      base?: string;
      extras?: string[];
      size: number;
      keywordBytes: number;
      states: number;
      edges: number;
      owns: number;
    };
    if (header.version !== FORMAT) throw new Error(`keyword automaton format ${header.version} is not supported`);
    const { states, edges, owns } = header;
    const ints = states + 1 + edges + states + states + states + 1 + owns;
    const start = 4 + headerLength;
    const keywordsAt = start + ints * 4 + edges;
    if (bytes.length !== keywordsAt + header.keywordBytes) throw new Error("keyword automaton file is truncated");
    // One copy of the ~130 kB of arrays (aligned, whatever offset readFileSync's buffer has).
    const all = new Int32Array(ints);
    new Uint8Array(all.buffer).set(bytes.subarray(start, start + ints * 4));
    let at = 0;
    const take = (n: number) => {
      const part = all.subarray(at, at + n);
      at += n;
      return part;
    };
    const childStart = take(states + 1);
    const childState = take(edges);
    const fail = take(states);
    const outLink = take(states);
    const ownStart = take(states + 1);
    const ownIds = take(owns);
    const childChar = new Uint8Array(bytes.subarray(start + ints * 4, keywordsAt));
    if (childStart[states] !== edges || ownStart[states] !== owns) throw new Error("keyword automaton file is corrupt");
    const size = header.size;
    const parse = () => {
      const list = JSON.parse(bytes.subarray(keywordsAt).toString("latin1")) as string[];
      if (!Array.isArray(list) || list.length !== size) throw new Error("keyword automaton file is corrupt");
      return list;
    };
    return new KeywordAutomaton({ size, parse }, header, { childStart, childChar, childState, fail, ownStart, ownIds, outLink });
  }

  /**
   * Marks in `found` (indexed by keyword id) every keyword that occurs in
   * `text` (and appends its id to `foundList` the first time), and records
   * each occurrence in `hits` when given. Returns the number of distinct
   * keywords found. `found` must be all zeros for keywords to be reported.
   */
  scan(text: string, found: Uint8Array, hits?: KeywordHits, foundList?: number[]): number {
    if (scratch.length < text.length) scratch = Buffer.allocUnsafe(Math.max(text.length, scratch.length * 2));
    const bytes = scratch;
    const n = bytes.write(text, 0, "latin1");
    const next = this.next;
    // Module constants copied to locals: the loop then reads registers, not the module's context.
    const alphabet = ALPHABET;
    const root = ROOT_ROW;
    let row = root;
    let distinct = 0;
    let i = 0;
    for (;;) {
      // The hot loop has no call to fill: with one (even never taken) V8 compiled it a third slower.
      for (; i < n; i++) {
        const c = bytes[i] as number;
        // Keywords are ASCII: any other byte goes back to the root.
        const to = c < alphabet ? (next[row | c] as number) : root;
        if (to > 0) row = to;
        else if (to === 0) break;
        else {
          row = -to;
          distinct += this.emit(this.slotState[row >> ROW_SHIFT] as number, i, found, hits, foundList);
        }
      }
      if (i >= n) return distinct;
      // A cell not filled yet (rare after the first kilobytes of text).
      const to = this.fill(row, bytes[i] as number);
      if (to > 0) row = to;
      else {
        row = -to;
        distinct += this.emit(this.slotState[row >> ROW_SHIFT] as number, i, found, hits, foundList);
      }
      i++;
    }
  }

  /** Computes, stores and returns the DFA cell for (the state of) `row` and character `c`. */
  private fill(row: number, c: number): number {
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    let state = this.slotState[row >> ROW_SHIFT] as number;
    let target = this.child(state, lower);
    while (target === -1 && state !== 0) {
      state = this.fail[state] as number;
      target = this.child(state, lower);
    }
    const to = target === -1 ? 0 : target;
    const emits = this.ownStart[to + 1] !== this.ownStart[to] || (this.outLink[to] as number) > 0;
    const slotRow = this.slotOf(to) << ROW_SHIFT;
    const cell = emits ? -slotRow : slotRow;
    this.next[row | c] = cell;
    return cell;
  }

  /** The slot of `state`, given one on first use. */
  private slotOf(state: number): number {
    let slot = this.stateSlot[state] as number;
    if (slot !== 0) return slot;
    slot = this.slots++;
    this.slotState[slot] = state;
    this.stateSlot[state] = slot;
    return slot;
  }

  /** The trie child of `state` on character `c`, or -1. */
  private child(state: number, c: number): number {
    const end = this.childStart[state + 1] as number;
    for (let j = this.childStart[state] as number; j < end; j++) if (this.childChar[j] === c) return this.childState[j] as number;
    return -1;
  }

  /** Reports the keywords ending at `end` in state `state`; returns how many were new. */
  private emit(
    state: number,
    end: number,
    found: Uint8Array,
    hits: KeywordHits | undefined,
    foundList: number[] | undefined,
  ): number {
    const { ownStart, ownIds, outLink } = this;
    let added = 0;
    let s = ownStart[state + 1] !== ownStart[state] ? state : (outLink[state] as number);
    for (; s > 0; s = outLink[s] as number) {
      const stop = ownStart[s + 1] as number;
      for (let j = ownStart[s] as number; j < stop; j++) {
        const id = ownIds[j] as number;
        if (found[id] === 0) {
          found[id] = 1;
          foundList?.push(id);
          added++;
        }
        hits?.add(id, end);
      }
    }
    return added;
  }
}

/**
 * Where keywords occurred in one fragment: per keyword, the offsets of the
 * last character of each occurrence, in increasing order (a linked list per
 * keyword over shared growable arrays, reset per fragment without freeing).
 */
export class KeywordHits {
  private head: Int32Array;
  private tail: Int32Array;
  private at = new Int32Array(256);
  private next = new Int32Array(256);
  private size = 0;

  constructor(keywordCount: number) {
    this.head = new Int32Array(keywordCount).fill(-1);
    this.tail = new Int32Array(keywordCount).fill(-1);
  }

  reset(): void {
    if (this.size === 0) return;
    this.head.fill(-1);
    this.tail.fill(-1);
    this.size = 0;
  }

  add(keyword: number, end: number): void {
    if (this.size === this.at.length) {
      const at = new Int32Array(this.size * 2);
      at.set(this.at);
      this.at = at;
      const next = new Int32Array(this.size * 2);
      next.set(this.next);
      this.next = next;
    }
    const h = this.size++;
    this.at[h] = end;
    this.next[h] = -1;
    const last = this.tail[keyword] as number;
    if (last === -1) this.head[keyword] = h;
    else this.next[last] = h;
    this.tail[keyword] = h;
  }

  /** Appends the occurrences of `keyword` to `out`, in increasing order. */
  collect(keyword: number, out: number[]): void {
    for (let h = this.head[keyword] as number; h !== -1; h = this.next[h] as number) out.push(this.at[h] as number);
  }
}
