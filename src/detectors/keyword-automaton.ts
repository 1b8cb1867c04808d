/**
 * The keyword prefilter: one Aho–Corasick automaton over every rule's keywords,
 * run once per fragment. A rule's regex runs only if one of its keywords occurs,
 * so most of the pack never touches most of the text.
 *
 * Matching is ASCII case-insensitive. The automaton is a dense DFA over 7-bit
 * characters (failure links folded into the transition table), so the scan is
 * one table lookup per character; any non-ASCII character resets to the root,
 * which is correct because keywords are ASCII (the loader enforces it).
 */

const ALPHABET = 128;

export class KeywordAutomaton {
  private readonly delta: Int32Array;
  /** Keyword ids ending exactly at each state (undefined for most states). */
  private readonly own: (number[] | undefined)[];
  /** Nearest state on the failure chain that ends a keyword (-1: none): outputs without copying. */
  private readonly outLink: Int32Array;
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    // Built straight into a dense table (this runs on every hook start-up, so no per-node Maps).
    const maxStates = this.keywords.reduce((n, k) => n + k.length, 0) + 1;
    const delta = new Int32Array(maxStates * ALPHABET).fill(-1);
    const own: (number[] | undefined)[] = [undefined];
    let count = 1;
    this.keywords.forEach((keyword, id) => {
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
    this.delta = delta.subarray(0, count * ALPHABET);
    this.own = own;
    this.outLink = outLink;
  }

  /**
   * Marks in `found` (indexed by keyword id) every keyword that occurs in
   * `text`. Returns the number of distinct keywords found.
   */
  scan(text: string, found: Uint8Array): number {
    const { delta, own, outLink } = this;
    let state = 0;
    let distinct = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      state = c < ALPHABET ? (delta[(state << 7) | c] as number) : 0;
      for (let s = own[state] !== undefined ? state : (outLink[state] as number); s > 0; s = outLink[s] as number) {
        const ids = own[s] as number[];
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j] as number;
          if (found[id] === 0) {
            found[id] = 1;
            distinct++;
          }
        }
      }
    }
    return distinct;
  }
}
