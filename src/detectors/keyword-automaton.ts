/**
 * The keyword prefilter: one Aho–Corasick automaton over every rule's keywords,
 * run once per fragment. A rule's regex runs only if one of its keywords occurs,
 * so most of the pack never touches most of the text.
 *
 * Matching is ASCII case-insensitive. The automaton is a dense DFA over 7-bit
 * characters (failure links folded into the transition table), so the scan is
 * one table lookup per character; any non-ASCII character resets to the root,
 * which is correct because keywords are ASCII (the loader enforces it).
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

const ALPHABET = 128;

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
 * The automaton of keywords the prebuilt one lacks (a config's local pack adds a
 * rule): built once and kept in the user's cache directory (util/cache-dir.ts),
 * keyed by the keyword list. A cached automaton is used only when its own list
 * of keywords is exactly the one asked for (ids are positions in that list);
 * anything else, or any read or write failure, builds it here.
 */
function automatonCacheFile(lowered: readonly string[]): string | undefined {
  const dir = gitwardCacheDir();
  if (!dir) return undefined;
  let h = 0x811c9dc5;
  for (const k of lowered) {
    for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 10, 0x01000193) >>> 0;
  }
  return join(dir, "automata", `keywords-${lowered.length}-${h.toString(16).padStart(8, "0")}.bin`);
}

function readCachedAutomaton(keywords: readonly string[]): { automaton: KeywordAutomaton } | undefined {
  const lowered = keywords.map((k) => k.toLowerCase());
  const file = automatonCacheFile(lowered);
  if (!file) return undefined;
  try {
    const cached = KeywordAutomaton.deserialize(readFileSync(file));
    if (cached.keywords.length === lowered.length && cached.keywords.every((k, i) => k === lowered[i]))
      return { automaton: cached };
  } catch {
    // absent, unreadable or truncated: the caller builds it
  }
  return undefined;
}

function buildAndCacheAutomaton(keywords: readonly string[]): KeywordAutomaton {
  const built = KeywordAutomaton.build(keywords);
  const file = automatonCacheFile(built.keywords);
  if (file) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(tmp, built.serialize());
      renameSync(tmp, file);
      pruneAutomata(dirname(file), file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
  return built;
}

/** Cached automata kept (1.4 MB each): a pack author editing keywords makes a new one per edit. */
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

export class KeywordAutomaton {
  /**
   * The scan's table: `next[(state << 7) | c]` is the next state already
   * shifted left by 7, negated when that state ends a keyword, so the hot loop
   * is one load and one sign test per byte.
   */
  private readonly next: Int32Array;
  /** Keyword ids ending exactly at each state (undefined for most states). */
  private readonly own: (number[] | undefined)[];
  /** Nearest state on the failure chain that ends a keyword (-1: none): outputs without copying. */
  private readonly outLink: Int32Array;
  readonly keywords: readonly string[];

  private constructor(keywords: readonly string[], next: Int32Array, own: (number[] | undefined)[], outLink: Int32Array) {
    this.keywords = keywords;
    this.next = next;
    this.own = own;
    this.outLink = outLink;
  }

  /** Builds the automaton for these keywords (matched ASCII case-insensitively). */
  static build(keywords: readonly string[]): KeywordAutomaton {
    const lowered = keywords.map((k) => k.toLowerCase());
    // Built straight into a dense table (no per-node Maps): this used to run on every hook start-up.
    const maxStates = lowered.reduce((n, k) => n + k.length, 0) + 1;
    const delta = new Int32Array(maxStates * ALPHABET).fill(-1);
    const own: (number[] | undefined)[] = [undefined];
    let count = 1;
    lowered.forEach((keyword, id) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const c = keyword.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        let next = delta[state * ALPHABET + c] as number;
        if (next === -1) {
          next = count++;
          delta[state * ALPHABET + c] = next;
          own.push(undefined);
        }
        state = next;
      }
      own[state] = [...(own[state] ?? []), id];
    });
    // Breadth-first: failure links folded into the table, and output links along them.
    const fail = new Int32Array(count);
    const outLink = new Int32Array(count).fill(-1);
    const queue = new Int32Array(count);
    let tail = 0;
    for (let c = 0; c < ALPHABET; c++) {
      const next = delta[c] as number;
      if (next === -1) delta[c] = 0;
      else queue[tail++] = next;
    }
    for (let head = 0; head < tail; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      outLink[state] = own[f] !== undefined ? f : (outLink[f] as number);
      const row = state * ALPHABET;
      const failRow = f * ALPHABET;
      for (let c = 0; c < ALPHABET; c++) {
        const next = delta[row + c] as number;
        if (next === -1) delta[row + c] = delta[failRow + c] as number;
        else {
          fail[next] = state === 0 ? 0 : (delta[failRow + c] as number);
          queue[tail++] = next;
        }
      }
    }
    // Upper-case ASCII letters behave as lower-case ones.
    for (let s = 0; s < count; s++) delta.copyWithin(s * ALPHABET + 65, s * ALPHABET + 97, s * ALPHABET + 123);
    const emits = new Uint8Array(count);
    for (let s = 1; s < count; s++) if (own[s] !== undefined || (outLink[s] as number) > 0) emits[s] = 1;
    const next = new Int32Array(count * ALPHABET);
    for (let i = 0; i < count * ALPHABET; i++) {
      const n = delta[i] as number;
      next[i] = emits[n] === 1 ? -(n << 7) : n << 7;
    }
    return new KeywordAutomaton(lowered, next, own, outLink.slice(0, count));
  }

  /**
   * An automaton that finds at least these keywords, with each one's id in
   * it. The built-in packs' automaton is built once at build time
   * (dist/keyword-automaton.bin, see scripts/build.mjs) and reused whenever it
   * covers every keyword asked for: building it costs a pre-commit hook more
   * than scanning a typical commit does. Otherwise one is built here.
   */
  static forKeywords(keywords: readonly string[]): { automaton: KeywordAutomaton; ids: number[] } {
    // A cached automaton exists only for keyword lists the prebuilt one does not cover: looking for
    // it first spares such a run reading the 1.4 MB prebuilt file for nothing.
    const cached = readCachedAutomaton(keywords);
    if (cached) return { automaton: cached.automaton, ids: keywords.map((_, i) => i) };
    const prebuilt = loadPrebuilt();
    if (prebuilt) {
      const index = new Map(prebuilt.keywords.map((k, i) => [k, i]));
      const ids = keywords.map((k) => index.get(k.toLowerCase()) ?? -1);
      if (ids.every((id) => id >= 0)) return { automaton: prebuilt, ids };
    }
    return { automaton: buildAndCacheAutomaton(keywords), ids: keywords.map((_, i) => i) };
  }

  /** The automaton as bytes: a JSON header (keywords, outputs), then the two tables. */
  serialize(): Buffer {
    const own: [number, number[]][] = [];
    this.own.forEach((ids, state) => {
      if (ids) own.push([state, ids]);
    });
    let header = Buffer.from(JSON.stringify({ version: 1, keywords: this.keywords, states: this.outLink.length, own }));
    header = Buffer.concat([header, Buffer.alloc((4 - (header.length % 4)) % 4, 0x20)]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(header.length);
    return Buffer.concat([
      size,
      header,
      Buffer.from(this.next.buffer, this.next.byteOffset, this.next.byteLength),
      Buffer.from(this.outLink.buffer, this.outLink.byteOffset, this.outLink.byteLength),
    ]);
  }

  static deserialize(bytes: Buffer): KeywordAutomaton {
    const headerLength = bytes.length >= 4 ? bytes.readUInt32LE(0) : Number.POSITIVE_INFINITY;
    if (bytes.length < 4 + headerLength) throw new Error("keyword automaton file is truncated");
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as {
      version: number;
      keywords: string[];
      states: number;
      own: [number, number[]][];
    };
    if (header.version !== 1) throw new Error(`keyword automaton format ${header.version} is not supported`);
    const start = 4 + headerLength;
    const tableBytes = header.states * ALPHABET * 4;
    if (bytes.length !== start + tableBytes + header.states * 4) throw new Error("keyword automaton file is truncated");
    // Views on the file's bytes when they are 4-byte aligned (a file this size gets a buffer of its
    // own from readFileSync, at offset 0; the header is padded to 4): no copy of the 1.4 MB table on
    // the hook path. Copied out otherwise.
    const aligned = (bytes.byteOffset + start) % 4 === 0;
    const next = aligned
      ? new Int32Array(bytes.buffer, bytes.byteOffset + start, header.states * ALPHABET)
      : new Int32Array(new Uint8Array(bytes.subarray(start, start + tableBytes)).buffer);
    const outLink = aligned
      ? new Int32Array(bytes.buffer, bytes.byteOffset + start + tableBytes, header.states)
      : new Int32Array(new Uint8Array(bytes.subarray(start + tableBytes)).buffer);
    const own: (number[] | undefined)[] = new Array(header.states).fill(undefined);
    for (const [state, ids] of header.own) own[state] = ids;
    return new KeywordAutomaton(header.keywords, next, own, outLink);
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
    let row = 0;
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      const c = bytes[i] as number;
      row = c < ALPHABET ? (next[row | c] as number) : 0;
      if (row < 0) {
        row = -row;
        distinct += this.emit(row >> 7, i, found, hits, foundList);
      }
    }
    return distinct;
  }

  /** Reports the keywords ending at `end` in state `state`; returns how many were new. */
  private emit(
    state: number,
    end: number,
    found: Uint8Array,
    hits: KeywordHits | undefined,
    foundList: number[] | undefined,
  ): number {
    const { own, outLink } = this;
    let added = 0;
    for (let s = own[state] !== undefined ? state : (outLink[state] as number); s > 0; s = outLink[s] as number) {
      const ids = own[s] as number[];
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j] as number;
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
