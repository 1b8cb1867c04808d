import { describe, expect, it } from "vitest";
import { PatternEngine } from "../../src/detectors/pattern-engine.js";
import { base62, crc32 } from "../../src/packs/fake-secrets.js";
import type { Fragment, TraceEvent } from "../../src/types.js";
import { secretRule } from "../helpers/rules.js";

const fragment = (text: string, extra: Partial<Fragment> = {}): Fragment => ({
  path: "src/app.ts",
  text,
  startLine: 1,
  source: "file",
  ...extra,
});

const token = secretRule({ id: "acme-token", keywords: ["acme_"], regex: "\\b(acme_[A-Za-z0-9]{20})\\b", secretGroup: 1 });

describe("PatternEngine", () => {
  it("reports rule, 1-based line and columns of the secret group (end exclusive)", () => {
    const engine = new PatternEngine([token]);
    const out = engine.detect(fragment("first line\nconst t = 'acme_ABCDEFGHIJKLMNOPQRST';\n"));
    expect(out.findings).toEqual([
      {
        ruleId: "acme-token",
        startLine: 2,
        startColumn: 12,
        endLine: 2,
        endColumn: 37,
        secret: "acme_ABCDEFGHIJKLMNOPQRST",
        sensitive: true,
        lineText: "const t = 'acme_ABCDEFGHIJKLMNOPQRST';",
      },
    ]);
  });

  it("maps lines through lineNumbers for diff fragments", () => {
    const engine = new PatternEngine([token]);
    const out = engine.detect(fragment("added one\nacme_ABCDEFGHIJKLMNOPQRST\n", { lineNumbers: [10, 42], startLine: 10 }));
    expect(out.findings.map((f) => [f.startLine, f.startColumn])).toEqual([[42, 1]]);
  });

  it("keeps columns exact on CRLF lines and strips the CR from lineText", () => {
    const engine = new PatternEngine([token]);
    const out = engine.detect(fragment("a\r\nx acme_ABCDEFGHIJKLMNOPQRST\r\n"));
    expect(out.findings.map((f) => [f.startLine, f.startColumn, f.lineText])).toEqual([[2, 3, "x acme_ABCDEFGHIJKLMNOPQRST"]]);
  });

  it("skips the regex when no keyword occurs, and says so in the trace", () => {
    const events: TraceEvent[] = [];
    const engine = new PatternEngine([token]);
    expect(engine.detect(fragment("nothing here"), (e) => events.push(e)).findings).toEqual([]);
    expect(events).toEqual([{ ruleId: "acme-token", path: "src/app.ts", stage: "keyword", reason: "no keyword occurs" }]);
  });

  it("applies path globs (include and !exclude)", () => {
    const scoped = secretRule({ ...token.spec, id: "acme-env-token", paths: ["**/*.env", "!**/test/**"] });
    const engine = new PatternEngine([scoped]);
    const text = "T=acme_ABCDEFGHIJKLMNOPQRST\n";
    expect(engine.detect(fragment(text, { path: "config/prod.env" })).findings).toHaveLength(1);
    expect(engine.detect(fragment(text, { path: "test/prod.env" })).findings).toHaveLength(0);
    expect(engine.detect(fragment(text, { path: "src/app.ts" })).findings).toHaveLength(0);
  });

  it("drops low-entropy candidates with a traced reason", () => {
    const events: TraceEvent[] = [];
    const rule = secretRule({ id: "acme-secret", keywords: ["secret"], regex: "secret=([A-Za-z0-9]{16,})", entropy: 3.5 });
    const engine = new PatternEngine([rule]);
    expect(engine.detect(fragment("secret=aaaaaaaaaaaaaaaaaaaa"), (e) => events.push(e)).findings).toEqual([]);
    expect(events.at(-1)).toMatchObject({ ruleId: "acme-secret", line: 1, stage: "entropy" });
    const value = "Zq8vK2mN4pL7xR1tY6wB"; // gitward:allow service-credential-assignment -- made-up engine input
    expect(engine.detect(fragment(`secret=${value}`)).findings).toHaveLength(1);
  });

  it("runs named validators (checksums)", () => {
    const rule = secretRule({ id: "gh", keywords: ["ghp_"], regex: "\\b(ghp_[A-Za-z0-9]{36})\\b", validate: "github-crc32" });
    const engine = new PatternEngine([rule]);
    // Checksum of the 30-character body in base62, computed by the validator's own algorithm.
    const body = "A".repeat(30);
    const valid = `ghp_${body}${base62(crc32(body), 6)}`;
    expect(engine.detect(fragment(valid)).findings).toHaveLength(1);
    expect(engine.detect(fragment(`ghp_${body}ZZZZZZ`)).findings).toHaveLength(0);
  });

  it("honours rule allowlists: stopwords and regexes over secret or line", () => {
    const rule = secretRule({
      ...token.spec,
      id: "acme-allow",
      allowlist: { stopwords: ["example"], regexes: ["^acme_0{20}$"] },
    });
    const engine = new PatternEngine([rule]);
    expect(engine.detect(fragment("acme_EXAMPLEabcdefghijklm")).findings).toHaveLength(0);
    expect(engine.detect(fragment("acme_00000000000000000000")).findings).toHaveLength(0);
    expect(engine.detect(fragment("acme_Q1w2E3r4T5y6U7i8O9p0")).findings).toHaveLength(1);
  });

  it("requires a companion pattern within N lines (multi-part secrets)", () => {
    const rule = secretRule({
      id: "acme-pair",
      keywords: ["acme_secret"],
      regex: "acme_secret=([a-z0-9]{12})",
      requires: { regex: "acme_id=", withinLines: 2 },
    });
    const engine = new PatternEngine([rule]);
    expect(engine.detect(fragment("acme_id=1\n\nacme_secret=abc123def456")).findings).toHaveLength(1);
    expect(engine.detect(fragment("acme_id=1\n\n\n\nacme_secret=abc123def456")).findings).toHaveLength(0);
  });

  it("lets a specific rule win over a fallback rule on the same secret", () => {
    const generic = secretRule({ id: "generic-token", keywords: ["token"], regex: "token\\s*=\\s*'([^']+)'", fallback: true });
    const engine = new PatternEngine([generic, token]);
    const both = engine.detect(fragment("token = 'acme_ABCDEFGHIJKLMNOPQRST'"));
    expect(both.findings.map((f) => f.ruleId)).toEqual(["acme-token"]);
    const onlyGeneric = engine.detect(fragment("token = 'hunter2'"));
    expect(onlyGeneric.findings.map((f) => f.ruleId)).toEqual(["generic-token"]);
  });

  it("finds every occurrence, on multiple lines", () => {
    const engine = new PatternEngine([token]);
    const out = engine.detect(fragment("acme_ABCDEFGHIJKLMNOPQRST acme_ZYXWVUTSRQPONMLKJIHG\n\nacme_11111111112222222222"));
    expect(out.findings.map((f) => [f.startLine, f.startColumn])).toEqual([
      [1, 1],
      [1, 27],
      [3, 1],
    ]);
  });
});
