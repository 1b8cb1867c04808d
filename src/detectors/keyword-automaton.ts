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
  /** For each state, the keyword ids that end there (including via failure links), or undefined. */
  private readonly outputs: (number[] | undefined)[];
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    // Build the trie.
    const children: Map<number, number>[] = [new Map()];
    const outputs: (number[] | undefined)[] = [undefined];
    this.keywords.forEach((keyword, id) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const c = keyword.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        let next = children[state]?.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outputs.push(undefined);
          children[state]?.set(c, next);
        }
        state = next;
      }
      outputs[state] = [...(outputs[state] ?? []), id];
    });
    // Breadth-first: failure links, folded into a complete transition table.
    const count = children.length;
    const delta = new Int32Array(count * ALPHABET);
    const fail = new Int32Array(count);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = children[0]?.get(c);
      if (next !== undefined) {
        delta[c] = next;
        fail[next] = 0;
        queue.push(next);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      const inherited = outputs[f];
      if (inherited) outputs[state] = [...(outputs[state] ?? []), ...inherited];
      for (let c = 0; c < ALPHABET; c++) {
        const next = children[state]?.get(c);
        if (next !== undefined) {
          delta[state * ALPHABET + c] = next;
          fail[next] = delta[f * ALPHABET + c] as number;
          queue.push(next);
        } else {
          delta[state * ALPHABET + c] = delta[f * ALPHABET + c] as number;
        }
      }
    }
    // Upper-case ASCII letters behave as lower-case ones.
    for (let s = 0; s < count; s++) {
      for (let c = 65; c <= 90; c++) delta[s * ALPHABET + c] = delta[s * ALPHABET + c + 32] as number;
    }
    this.delta = delta;
    this.outputs = outputs;
  }

  /**
   * Marks in `found` (indexed by keyword id) every keyword that occurs in
   * `text`. Returns the number of distinct keywords found.
   */
  scan(text: string, found: Uint8Array): number {
    const delta = this.delta;
    const outputs = this.outputs;
    let state = 0;
    let distinct = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      state = c < ALPHABET ? (delta[(state << 7) | c] as number) : 0;
      const out = outputs[state];
      if (out !== undefined) {
        for (let j = 0; j < out.length; j++) {
          const id = out[j] as number;
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
