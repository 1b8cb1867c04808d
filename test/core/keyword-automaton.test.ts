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

  it("reuses the build's prebuilt automaton when it covers the keywords, and extends it otherwise, keeping its ids", () => {
    // Written to dist/ by `npm run build`, which the test command runs first.
    expect(existsSync(new URL("../../dist/keyword-automaton.bin", import.meta.url))).toBe(true);
    const prebuilt = KeywordAutomaton.prebuilt() as KeywordAutomaton;
    expect(prebuilt.stamp).toMatch(/^[0-9a-f]{32,}$/);
    const known = KeywordAutomaton.forKeywords(["AKIA", "ghp_"]);
    expect(known.automaton).toBe(prebuilt);
    expect(known.automaton.keywords.length).toBeGreaterThan(100);
    expect(known.ids.map((id) => known.automaton.keywords[id])).toEqual(["akia", "ghp_"]);
    const unknown = KeywordAutomaton.forKeywords(["akia", "zz-not-a-builtin-keyword", "AKIA", "ZZ-not-a-builtin-keyword"]);
    // The prebuilt keywords first, with their ids (the pack cache's ids for the built-in rules stay valid).
    expect(unknown.automaton.keywords).toEqual([...prebuilt.keywords, "zz-not-a-builtin-keyword"]);
    expect(unknown.automaton.base).toBe(prebuilt.stamp);
    const akia = prebuilt.keywords.indexOf("akia");
    expect(unknown.ids).toEqual([akia, prebuilt.keywords.length, akia, prebuilt.keywords.length]);
    expect(found(unknown.automaton, "AKIA and zz-not-a-builtin-keyword")).toContain("zz-not-a-builtin-keyword");
  });

  it("finds a keyword's id through the trie, for every keyword and for none of the near misses", () => {
    const prebuilt = KeywordAutomaton.prebuilt() as KeywordAutomaton;
    const all = prebuilt.keywords;
    expect(prebuilt.size).toBe(all.length);
    expect(prebuilt.idsOf(all)).toEqual(all.map((_, i) => i));
    // Prefixes, extensions and variants that are not keywords themselves.
    const near = all
      .flatMap((k) => [k.slice(0, -1), `${k}x`, `x${k}`, k.replace(/[a-z]/, "\u00e9")])
      .filter((k) => !all.includes(k));
    expect(near.length).toBeGreaterThan(1000);
    expect(prebuilt.idsOf(near).filter((id) => id !== -1)).toEqual([]);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z_.-]{1,6}$/), { minLength: 1, maxLength: 30 }),
        fc.string(),
        (keywords, probe) => {
          const a = KeywordAutomaton.build(keywords);
          const back = KeywordAutomaton.deserialize(a.serialize());
          for (const automaton of [a, back]) {
            expect(automaton.idsOf([...keywords, probe])).toEqual([...keywords.map((_, i) => i), keywords.indexOf(probe)]);
          }
        },
      ),
    );
  });

  it("reads a file's keyword list only when asked, and refuses a corrupt one then", () => {
    const a = KeywordAutomaton.build(["akia", "ghp_", "token"], { stamp: "s1" });
    const bytes = a.serialize();
    const back = KeywordAutomaton.deserialize(bytes);
    expect(back.size).toBe(3);
    expect(back.stamp).toBe("s1");
    expect(found(back, "a token")).toEqual(["token"]);
    expect(back.keywords).toEqual(["akia", "ghp_", "token"]);
    // Same length, other bytes where the keyword list is: the trie still loads, the list does not.
    const broken = Buffer.from(bytes);
    broken.write(
      "[1]".padEnd(JSON.stringify(a.keywords).length, " "),
      broken.length - JSON.stringify(a.keywords).length,
      "latin1",
    );
    const lazy = KeywordAutomaton.deserialize(broken);
    expect(lazy.idsOf(["token"])).toEqual([2]);
    expect(() => lazy.keywords).toThrow(/corrupt/);
  });

  it("keeps an automaton the prebuilt one does not cover in the cache directory, and uses only an exact one", () => {
    const saved = process.env.GITWARD_CACHE_DIR;
    const dir = mkdtempSync(join(tmpdir(), "gitward-automata-"));
    process.env.GITWARD_CACHE_DIR = dir;
    const prebuilt = KeywordAutomaton.prebuilt() as KeywordAutomaton;
    const extended = (...extras: string[]) => [...prebuilt.keywords, ...extras];
    // Matches of the new keywords only (the built-in ones include "key").
    const foundNew = (a: KeywordAutomaton, text: string) => found(a, text).filter((k) => k.startsWith("zz-"));
    try {
      const keywords = ["akia", "zz-local-pack-keyword"];
      const first = KeywordAutomaton.forKeywords(keywords);
      const files = readdirSync(join(dir, "automata"));
      expect(files).toHaveLength(1);
      const file = join(dir, "automata", files[0] as string);
      // Read back from the cache: same keywords, same ids, same matches.
      const second = KeywordAutomaton.forKeywords(keywords);
      expect(second.automaton).not.toBe(first.automaton);
      expect(second.automaton.keywords).toEqual(extended("zz-local-pack-keyword"));
      expect(second.ids).toEqual(first.ids);
      expect(foundNew(second.automaton, "x=ZZ-LOCAL-PACK-KEYWORD")).toEqual(["zz-local-pack-keyword"]);
      // A truncated file, one holding other new keywords, or one extending another prebuilt automaton
      // (another build) is rebuilt rather than trusted.
      writeFileSync(file, readFileSync(file).subarray(0, 100));
      expect(foundNew(KeywordAutomaton.forKeywords(keywords).automaton, "zz-local-pack-keyword")).toEqual([
        "zz-local-pack-keyword",
      ]);
      writeFileSync(file, KeywordAutomaton.build(extended("zz-local-pack-keywore"), { base: prebuilt.stamp }).serialize());
      const rebuilt = KeywordAutomaton.forKeywords(keywords);
      expect(rebuilt.automaton.keywords).toEqual(extended("zz-local-pack-keyword"));
      expect(foundNew(rebuilt.automaton, "zz-local-pack-keyword")).toEqual(["zz-local-pack-keyword"]);
      writeFileSync(file, KeywordAutomaton.build(extended("zz-local-pack-keyword"), { base: "another-build" }).serialize());
      expect(KeywordAutomaton.forKeywords(keywords).automaton.base).toBe(prebuilt.stamp);
      // At most 8 are kept: one per keyword list, the oldest removed first.
      for (let i = 0; i < 10; i++) KeywordAutomaton.forKeywords(["akia", `zz-local-keyword-${i}`]);
      const kept = readdirSync(join(dir, "automata"));
      expect(kept).toHaveLength(8);
      expect(KeywordAutomaton.forKeywords(["akia", "zz-local-keyword-9"]).automaton.keywords).toEqual(
        extended("zz-local-keyword-9"),
      );
    } finally {
      if (saved === undefined) delete process.env.GITWARD_CACHE_DIR;
      else process.env.GITWARD_CACHE_DIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
