import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeywordAutomaton } from "../../src/detectors/keyword-automaton.js";

function found(automaton: KeywordAutomaton, text: string): string[] {
  const marks = new Uint8Array(automaton.keywords.length);
  automaton.scan(text, marks);
  return automaton.keywords.filter((_, i) => marks[i] === 1).sort();
}

describe("KeywordAutomaton", () => {
  it("finds overlapping and nested keywords case-insensitively", () => {
    const a = new KeywordAutomaton(["akia", "kia", "ghp_", "xoxb-", "hooks.slack.com"]);
    expect(found(a, "id=AKIAabc and GHP_x https://HOOKS.slack.com/services")).toEqual(["akia", "ghp_", "hooks.slack.com", "kia"]);
    expect(found(a, "nothing to see")).toEqual([]);
  });

  it("resets on non-ASCII characters instead of matching across them", () => {
    const a = new KeywordAutomaton(["token"]);
    expect(found(a, "tok\u00e9n")).toEqual([]);
    expect(found(a, "\u00e9token\u00e9")).toEqual(["token"]);
  });

  it("rejects non-ASCII keywords (the loader must never pass one)", () => {
    expect(() => new KeywordAutomaton(["pässword"])).toThrow(/not ASCII/);
  });

  it("agrees with a naive case-insensitive search on arbitrary text (property)", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "A", "B", "_", "-"), minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 8, selector: (w) => w.toLowerCase() }),
        fc.string({ unit: fc.constantFrom("a", "b", "A", "B", "_", "-", "é", " "), maxLength: 60 }),
        (keywords, text) => {
          const a = new KeywordAutomaton(keywords);
          const naive = a.keywords.filter((k) => text.toLowerCase().includes(k)).sort();
          expect(found(a, text)).toEqual(naive);
        },
      ),
      { numRuns: 300 },
    );
  });
});
