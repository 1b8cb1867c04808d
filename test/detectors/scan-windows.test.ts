/**
 * Windowed scanning (detectors/scan-scope.ts) is an optimisation: it must
 * find exactly what a whole-fragment scan finds. Every built-in rule's
 * examples are planted in large fragments (long files whose noise mentions the
 * rules' keywords, and minified-style lines thousands of characters long),
 * then the engine with scan scopes is compared with the same engine without
 * them, finding for finding.
 */
import { describe, expect, it } from "vitest";
import { NEAR_CHARS, PatternEngine } from "../../src/detectors/pattern-engine.js";
import { analyseScanScope } from "../../src/detectors/scan-scope.js";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedRule, RuleExample, SecretRuleSpec } from "../../src/packs/pack-types.js";
import { buildRuleSet } from "../../src/packs/rule-set.js";
import type { Fragment } from "../../src/types.js";

// From the YAML (the build cache leaves examples out), with the scopes computed on load.
const ruleSet = buildRuleSet(await Promise.all(builtinPackFiles().map((f) => loadPackFile(f))));
const windowed = new PatternEngine(ruleSet.secretRules);
const whole = new PatternEngine(ruleSet.secretRules.map(({ scope: _scope, ...rule }) => rule as LoadedRule<SecretRuleSpec>));

/** A small deterministic PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ["value", "config", "user", "item", "index", "result", "data", "name", "count", "list"];

/** Code-like noise that mentions keywords (so windows are cut around many hits), never a secret. */
function noiseLine(rand: () => number, keywords: string[]): string {
  const w = () => WORDS[Math.floor(rand() * WORDS.length)] as string;
  const k = () => (keywords.length ? (keywords[Math.floor(rand() * keywords.length)] as string) : w());
  switch (Math.floor(rand() * 4)) {
    case 0:
      return `  const ${w()}_${w()} = ${w()}.${w()}(${Math.floor(rand() * 100)});`;
    case 1:
      return `  // ${k()} is read from the environment, see docs/${w()}.md`;
    case 2:
      return `  if (${w()}.${k().replace(/[^A-Za-z0-9_]/g, "_")} === undefined) return null;`;
    default:
      return "";
  }
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Minified-style code with keyword hits and long unbroken alphanumeric runs
 * (inlined assets), so that window cuts fall inside tokens, where a regex
 * would see a boundary that is not there.
 */
function minified(rand: () => number, length: number, keywords: string[]): string {
  let out = "";
  while (out.length < length) {
    const keyword = keywords[Math.floor(rand() * keywords.length)] ?? "x";
    if (rand() < 0.5) {
      let run = "";
      for (let n = 40 + Math.floor(rand() * 200); n > 0; n--) run += ALNUM[Math.floor(rand() * ALNUM.length)];
      out += `${keyword}:"${run}${keyword}${run.slice(0, 37)}",`;
    }
    out += `${WORDS[Math.floor(rand() * WORDS.length)]}.${keyword}=function(a){return a+${Math.floor(rand() * 9)}};`;
  }
  return out;
}

function exampleText(example: RuleExample, id: string): { path: string; text: string } {
  return typeof example === "string"
    ? { path: "src/example.txt", text: expandFakes(example, id) }
    : { path: example.path, text: expandFakes(example.text, id) };
}

function findings(engine: PatternEngine, fragment: Fragment): string[] {
  return engine
    .detect(fragment)
    .findings.map((f) => `${f.ruleId} ${f.startLine}:${f.startColumn}-${f.endLine}:${f.endColumn}`)
    .sort();
}

describe("windowed scanning finds what a whole-fragment scan finds", () => {
  const rules = ruleSet.secretRules;

  it("the built-in pack mostly runs in windows (the optimisation is in effect)", () => {
    const lines = rules.filter((r) => r.scope?.mode === "lines").length;
    expect(lines / rules.length).toBeGreaterThan(0.9);
  });

  it("in long files whose noise mentions every keyword", () => {
    const rand = prng(1);
    const mismatches: string[] = [];
    let planted = 0;
    for (const rule of rules) {
      const keywords = rule.spec.keywords ?? [];
      for (const [i, example] of [...rule.spec.examples.positive, ...rule.spec.examples.negative].entries()) {
        const { path, text } = exampleText(example, `${rule.spec.id}#${i}`);
        const before = Array.from({ length: 120 }, () => noiseLine(rand, keywords)).join("\n");
        const after = Array.from({ length: 120 }, () => noiseLine(rand, keywords)).join("\n");
        const fragment: Fragment = { path, text: `${before}\n${text}\n${after}`, startLine: 1, source: "file" };
        expect(fragment.text.length).toBeGreaterThan(4096);
        planted++;
        const a = findings(windowed, fragment);
        const b = findings(whole, fragment);
        if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${rule.spec.id} #${i}: windowed ${a} vs whole ${b}`);
      }
    }
    expect(planted).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });

  it("inside minified lines thousands of characters long", () => {
    const rand = prng(2);
    const mismatches: string[] = [];
    let found = 0;
    for (const rule of rules) {
      const keywords = rule.spec.keywords ?? [];
      for (const [i, example] of rule.spec.examples.positive.entries()) {
        const { path, text } = exampleText(example, `${rule.spec.id}#${i}`);
        if (text.includes("\n")) continue;
        // The secret sits mid-line, 3,000 characters in, with hits of every keyword on both sides.
        const line = `${minified(rand, 3000, keywords)};var cfg=${JSON.stringify(text)};${minified(rand, 3000, keywords)}`;
        const fragment: Fragment = { path, text: `"use strict";\n${line}\n`, startLine: 1, source: "file" };
        const a = findings(windowed, fragment);
        const b = findings(whole, fragment);
        if (a.some((f) => f.startsWith(`${rule.spec.id} `))) found++;
        if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${rule.spec.id} #${i}: windowed ${a} vs whole ${b}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(found).toBeGreaterThan(200);
  });
});

describe("window cuts", () => {
  // A rule whose keyword is its companion's: the AccessKey secret near an "LTAI" id.
  const rule = ruleSet.byId.get("alibaba-access-key-secret") as LoadedRule<SecretRuleSpec>;
  const engines = { windowed: new PatternEngine([rule]), whole: new PatternEngine([{ ...rule, scope: undefined }]) };
  const rand = prng(3);
  const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[Math.floor(rand() * ALNUM.length)]).join("");

  it("the rule is scanned in character windows on long lines", () => {
    expect(rule.scope).toMatchObject({ mode: "lines", keywordInMatch: false, span: { length: 31, behind: 1, ahead: 1 } });
  });

  // The window around the id's hit is [hit - NEAR - 1, hit + NEAR + 1]. A 35-character token
  // straddling either cut looks, inside the window, like a 30-character token at a boundary:
  // found there, it would be an artefact of the cut. Both scans must report nothing.
  it("drops a match shaped by the window's start", () => {
    const head = "x,".repeat(1500);
    // 35 characters whose last 30 begin exactly at the cut, then filler up to the id.
    const token = alnum(35);
    const cut = head.length + 5;
    const id = `LTAI${alnum(16)}`;
    const filler = ",".repeat(cut + NEAR_CHARS + 1 - 3 - head.length - token.length);
    const line = `${head}${token}${filler}${id},${"z,".repeat(3000)}`;
    expect(line.indexOf("LTAI") + 3 - NEAR_CHARS - 1).toBe(cut); // the window starts inside the token
    const fragment: Fragment = { path: "dist/app.min.js", text: line, startLine: 1, source: "file" };
    expect(findings(engines.whole, fragment)).toEqual([]);
    expect(findings(engines.windowed, fragment)).toEqual([]);
  });

  it("drops a match shaped by the window's end", () => {
    const head = `${"a,".repeat(2500)}LTAI${alnum(16)},`;
    const cutEnd = head.indexOf("LTAI") + 3 + NEAR_CHARS + 1; // the window's end (exclusive)
    // A 35-character token whose first 30 characters end exactly at the cut.
    const line = `${head}${",".repeat(cutEnd - 30 - head.length)}${alnum(35)},${"b,".repeat(3000)}`;
    const fragment: Fragment = { path: "dist/app.min.js", text: line, startLine: 1, source: "file" };
    expect(findings(engines.whole, fragment)).toEqual([]);
    expect(findings(engines.windowed, fragment)).toEqual([]);
  });

  it("finds the same secret near the id as the whole scan", () => {
    const secret = alnum(30);
    const line = `${"a,".repeat(3000)}{id:"LTAI${alnum(16)}",secret:"${secret}"},${"b,".repeat(3000)}`;
    const fragment: Fragment = { path: "dist/app.min.js", text: line, startLine: 1, source: "file" };
    const expected = [`alibaba-access-key-secret 1:${line.indexOf(secret) + 1}-1:${line.indexOf(secret) + 31}`];
    expect(findings(engines.whole, fragment)).toEqual(expected);
    expect(findings(engines.windowed, fragment)).toEqual(expected);
  });
});

describe("scan scope analysis", () => {
  const scope = (regex: string, keywords: string[], extra: Partial<SecretRuleSpec> = {}) =>
    analyseScanScope({ regex, keywords, ...extra });

  it("bounds a token whose prefix is its keyword", () => {
    expect(scope("\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b", ["akia", "asia"])).toEqual({
      mode: "lines",
      context: 0,
      keywordInMatch: true,
      span: { length: 20, behind: 1, ahead: 1 },
    });
  });

  it("counts the line breaks a match can span", () => {
    expect(scope("key[\\s=:]{1,3}([a-z0-9]{32})", ["key"])).toMatchObject({ mode: "lines", context: 3 });
    expect(scope("key\\s*=\\s*([a-z0-9]{32})", ["key"])).toEqual({
      mode: "fragment",
      reason: "a match can span too many lines",
    });
  });

  it("widens by the companion's distance when the keyword is context", () => {
    expect(
      scope("(?:^|[^A-Za-z0-9])([A-Za-z0-9]{30})(?![A-Za-z0-9])", ["ltai"], {
        requires: { regex: "\\bLTAI[A-Za-z0-9]{12,20}\\b", withinLines: 3 },
      }),
    ).toMatchObject({ mode: "lines", context: 4, keywordInMatch: false });
  });

  it("scans the whole fragment when no keyword is guaranteed", () => {
    expect(scope("(?:token|secret)=([a-z0-9]{32})", ["token"])).toEqual({
      mode: "fragment",
      reason: "a match need not contain a keyword",
    });
    expect(scope("([a-z0-9]{32})", [])).toEqual({ mode: "fragment", reason: "no keywords" });
    expect(scope("(ab)\\1key", ["key"])).toEqual({ mode: "fragment", reason: "back-reference" });
  });

  it("reads case-folded classes and alternations as literals", () => {
    expect(scope("[Pp]ass[Ww]ord[:=]([^\\s]{4,})", ["password"])).toMatchObject({ mode: "lines", keywordInMatch: true });
    expect(scope("(?:xox[bp])-[0-9]{10}", ["xoxb", "xoxp"])).toMatchObject({ mode: "lines", keywordInMatch: true });
    expect(scope("(?:xox[bpa])-[0-9]{10}", ["xoxb", "xoxp"])).toMatchObject({ mode: "fragment" });
  });
});
