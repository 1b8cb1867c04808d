import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeywordAutomaton, KeywordHits } from "../../src/detectors/keyword-automaton.js";

function found(automaton: KeywordAutomaton, text: string): string[] {
  const marks = new Uint8Array(automaton.keywords.length);
  automaton.scan(text, marks);
  return automaton.keywords.filter((_, i) => marks[i] === 1).sort();
}

describe("KeywordAutomaton", () => {
  it("finds overlapping and nested keywords case-insensitively", () => {
    const a = KeywordAutomaton.build(["akia", "kia", "ghp_", "xoxb-", "hooks.slack.com"]);
    expect(found(a, "id=AKIAabc and GHP_x https://HOOKS.slack.com/services")).toEqual(["akia", "ghp_", "hooks.slack.com", "kia"]);
    expect(found(a, "nothing to see")).toEqual([]);
  });

  it("resets on non-ASCII characters instead of matching across them", () => {
    const a = KeywordAutomaton.build(["token"]);
    expect(found(a, "tok\u00e9n")).toEqual([]);
    expect(found(a, "\u00e9token\u00e9")).toEqual(["token"]);
  });

  it("rejects non-ASCII keywords (the loader must never pass one)", () => {
    expect(() => KeywordAutomaton.build(["pässword"])).toThrow(/not ASCII/);
  });

  it("agrees with a naive case-insensitive search on arbitrary text (property)", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "A", "B", "_", "-"), minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 8, selector: (w) => w.toLowerCase() }),
        fc.string({ unit: fc.constantFrom("a", "b", "A", "B", "_", "-", "é", " "), maxLength: 60 }),
        (keywords, text) => {
          const a = KeywordAutomaton.build(keywords);
          const naive = a.keywords.filter((k) => text.toLowerCase().includes(k)).sort();
          expect(found(a, text)).toEqual(naive);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps agreeing with a naive search while its lazily filled table is reused across texts (property)", () => {
    // The DFA's cells are filled on first use and kept: later texts run on cells earlier ones filled.
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "_", "."), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 12, selector: (w) => w.toLowerCase() }),
        fc.array(
          fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "B", "C", "_", ".", "\u00e9", "\u0100", "\n"), maxLength: 80 }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (keywords, texts) => {
          const built = KeywordAutomaton.build(keywords);
          const loaded = KeywordAutomaton.deserialize(built.serialize());
          for (const a of [built, loaded]) {
            for (const text of texts) {
              const lower = text.toLowerCase();
              expect(found(a, text)).toEqual(a.keywords.filter((k) => lower.includes(k)).sort());
              const hits = new KeywordHits(a.keywords.length);
              a.scan(text, new Uint8Array(a.keywords.length), hits);
              a.keywords.forEach((k, id) => {
                const expected: number[] = [];
                for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1)) expected.push(at + k.length - 1);
                const got: number[] = [];
                hits.collect(id, got);
                expect(got, `${k} in ${JSON.stringify(text)}`).toEqual(expected);
              });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("records the end offset of every occurrence, per keyword, in order", () => {
    const a = KeywordAutomaton.build(["key", "token", "ey"]);
    const hits = new KeywordHits(a.keywords.length);
    a.scan("key=1 TOKEN=2 monkey", new Uint8Array(3), hits);
    const at = (k: string) => {
      const out: number[] = [];
      hits.collect(a.keywords.indexOf(k), out);
      return out;
    };
    expect(at("key")).toEqual([2, 19]);
    expect(at("ey")).toEqual([2, 19]);
    expect(at("token")).toEqual([10]);
    hits.reset();
    expect(at("key")).toEqual([]);
  });

  it("round-trips through its serialised form", () => {
    const a = KeywordAutomaton.build(["akia", "kia", "ghp_", "hooks.slack.com"]);
    const b = KeywordAutomaton.deserialize(a.serialize());
    const text = "AKIA x ghp_ https://hooks.slack.com/x";
    expect(found(b, text)).toEqual(found(a, text));
    expect(b.keywords).toEqual(a.keywords);
    expect(() => KeywordAutomaton.deserialize(a.serialize().subarray(0, 100))).toThrow(/truncated/);
    // Whatever the offset of the bytes, the tables read are the same.
    for (const pad of [0, 1, 2, 3, 4]) {
      const bytes = Buffer.concat([Buffer.alloc(pad), a.serialize()], pad + a.serialize().length).subarray(pad);
      expect(found(KeywordAutomaton.deserialize(bytes), text), `offset ${pad}`).toEqual(found(a, text));
    }
  });

  it("reuses the build's prebuilt automaton when it covers the keywords, and builds one otherwise", () => {
    // Written to dist/ by `npm run build`, which the test command runs first.
    expect(existsSync(new URL("../../dist/keyword-automaton.bin", import.meta.url))).toBe(true);
    const known = KeywordAutomaton.forKeywords(["AKIA", "ghp_"]);
    expect(known.automaton.keywords.length).toBeGreaterThan(100);
    expect(known.ids.map((id) => known.automaton.keywords[id])).toEqual(["akia", "ghp_"]);
    const unknown = KeywordAutomaton.forKeywords(["akia", "zz-not-a-builtin-keyword"]);
    expect(unknown.automaton.keywords).toEqual(["akia", "zz-not-a-builtin-keyword"]);
    expect(unknown.ids).toEqual([0, 1]);
  });

  it("keeps an automaton the prebuilt one does not cover in the cache directory, and uses only an exact one", () => {
    const saved = process.env.GITWARD_CACHE_DIR;
    const dir = mkdtempSync(join(tmpdir(), "gitward-automata-"));
    process.env.GITWARD_CACHE_DIR = dir;
    try {
      const keywords = ["akia", "zz-local-pack-keyword"];
      const first = KeywordAutomaton.forKeywords(keywords);
      const files = readdirSync(join(dir, "automata"));
      expect(files).toHaveLength(1);
      const file = join(dir, "automata", files[0] as string);
      // Read back from the cache: same keywords, same ids, same matches.
      const second = KeywordAutomaton.forKeywords(keywords);
      expect(second.automaton).not.toBe(first.automaton);
      expect(second.automaton.keywords).toEqual(keywords);
      expect(found(second.automaton, "x=ZZ-LOCAL-PACK-KEYWORD")).toEqual(["zz-local-pack-keyword"]);
      // A truncated file, or one holding another keyword list, is rebuilt rather than trusted.
      writeFileSync(file, readFileSync(file).subarray(0, 100));
      expect(found(KeywordAutomaton.forKeywords(keywords).automaton, "zz-local-pack-keyword")).toEqual(["zz-local-pack-keyword"]);
      writeFileSync(file, KeywordAutomaton.build(["akia", "zz-local-pack-keywore"]).serialize());
      const rebuilt = KeywordAutomaton.forKeywords(keywords);
      expect(rebuilt.automaton.keywords).toEqual(keywords);
      expect(found(rebuilt.automaton, "zz-local-pack-keyword")).toEqual(["zz-local-pack-keyword"]);
      // At most 8 are kept: one per keyword list, the oldest removed first.
      for (let i = 0; i < 10; i++) KeywordAutomaton.forKeywords(["akia", `zz-local-keyword-${i}`]);
      const kept = readdirSync(join(dir, "automata"));
      expect(kept).toHaveLength(8);
      expect(KeywordAutomaton.forKeywords(["akia", "zz-local-keyword-9"]).automaton.keywords).toEqual([
        "akia",
        "zz-local-keyword-9",
      ]);
    } finally {
      if (saved === undefined) delete process.env.GITWARD_CACHE_DIR;
      else process.env.GITWARD_CACHE_DIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
