/**
 * Issue 17 item 12: the ReDoS analysis of `packs lint` runs several regexes at a time and caches
 * verdicts by regex (an inconclusive one per time budget), so a lint of the built-in packs pays
 * for each regex once; results keep the order of the regexes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyseRegexes, openVerdictCache, type RedosResult, type VerdictCache } from "../../src/packs/redos-check.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const REGEXES = [
  { source: "abc[0-9]{4}", flags: "" },
  { source: "^(a+)+$", flags: "" },
  { source: "x(?:y|z)+w", flags: "i" },
];

describe("ReDoS analysis: concurrency and verdict cache", () => {
  it("keeps the order of the regexes when analysing several at a time", async () => {
    const one = await analyseRegexes(REGEXES, { checker: "automaton", concurrency: 1 });
    const many = await analyseRegexes(REGEXES, { checker: "automaton", concurrency: 3 });
    expect(many.map((r) => r.status)).toEqual(["safe", "vulnerable", "safe"]);
    expect(many).toEqual(one);
  });

  it("serves verdicts from the cache on the next run; stores no pattern text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gitward-redos-"));
    dirs.push(dir);
    const env = { GITWARD_CACHE_DIR: dir };
    const first = await analyseRegexes(REGEXES, { checker: "automaton", cache: openVerdictCache(env) });
    const stored = readFileSync(join(dir, "redos-verdicts.json"), "utf8");
    expect(Object.keys(JSON.parse(stored))).toHaveLength(3);
    expect(stored).not.toContain("abc[0-9]");
    // A cache that counts what it answers: every verdict comes from it the second time.
    const real = openVerdictCache(env);
    let hits = 0;
    const counting: VerdictCache = {
      get: (r, c, t) => {
        const v = real.get(r, c, t);
        if (v) hits++;
        return v;
      },
      set: (r, c, t, v: RedosResult) => real.set(r, c, t, v),
      save: () => real.save(),
    };
    const second = await analyseRegexes(REGEXES, { checker: "automaton", cache: counting });
    expect(hits).toBe(3);
    expect(second).toEqual(first);
  });

  it("an inconclusive verdict is cached per time budget only", () => {
    const dir = mkdtempSync(join(tmpdir(), "gitward-redos-"));
    dirs.push(dir);
    const cache = openVerdictCache({ GITWARD_CACHE_DIR: dir });
    const regex = { source: "q{2,9}", flags: "" };
    cache.set(regex, "automaton", 1000, { status: "unknown", message: "ReDoS analysis inconclusive: timeout" });
    cache.save();
    const again = openVerdictCache({ GITWARD_CACHE_DIR: dir });
    expect(again.get(regex, "automaton", 1000)?.status).toBe("unknown");
    expect(again.get(regex, "automaton", 5000)).toBeUndefined();
  });
});
