/**
 * Malformed packs fail with a message naming file, line, rule id and field.
 * The pack loader is also fuzzed: arbitrary YAML never throws anything but a
 * named GitwardError.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GitwardError } from "../../src/errors.js";
import { countGroups, loadPackFile, loadPackFromText } from "../../src/packs/load-pack.js";
import { tempDir } from "../helpers/temp-repo.js";

const dir = tempDir();
mkdirSync(join(dir, "patterns"), { recursive: true });

function pack(rules: string, header = "name: acme-pack\nversion: 1.0.0\n"): string {
  return `${header}rules:\n${rules}`;
}

const GOOD_RULE = `  - id: slack-bot-token
    description: Slack bot token
    severity: high
    keywords: [xoxb-]
    regex: 'xoxb-([0-9A-Za-z-]{20,})'
    secretGroup: 1
    docs: { why: "It grants bot access.", fix: "Revoke it." }
    examples: { positive: ["xoxb-{{fake:alnum:24}}"], negative: ["xoxb-short"] }
`;

async function errorOf(text: string, name = "patterns/slack.yaml"): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await loadPackFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(GitwardError);
    return (e as Error).message;
  } finally {
    process.chdir(cwd);
  }
  throw new Error("expected the pack to be rejected");
}

describe("pack loader", () => {
  it("loads a valid pack", async () => {
    const loaded = await loadPackFromText("acme.yaml", pack(GOOD_RULE));
    expect(loaded).toMatchObject({ name: "acme-pack", version: "1.0.0" });
    expect(loaded.rules.map((r) => r.id)).toEqual(["slack-bot-token"]);
  });

  it("names file, line, rule and field when secretGroup exceeds the regex's groups", async () => {
    const msg = await errorOf(pack(GOOD_RULE.replace("secretGroup: 1", "secretGroup: 2")));
    expect(msg).toBe("invalid pack:\n  patterns/slack.yaml:9: slack-bot-token: secretGroup: 2 but the regex has 1 group");
  });

  it("reports a regex that does not compile", async () => {
    const msg = await errorOf(pack(GOOD_RULE.replace("'xoxb-([0-9A-Za-z-]{20,})'", "'xoxb-([0-9'")));
    expect(msg).toMatch(/^invalid pack:\n {2}patterns\/slack\.yaml:8: slack-bot-token: regex: does not compile: /);
  });

  it("reports wrong types and unknown fields with their line", async () => {
    const msg = await errorOf(
      pack(GOOD_RULE.replace("severity: high", "severity: urgent").replace("secretGroup: 1", "secretGroup: 1\n    colour: red")),
    );
    expect(msg).toContain(
      'patterns/slack.yaml:6: slack-bot-token: severity: must be one of "critical", "high", "medium", "low", "info"',
    );
    expect(msg).toContain('patterns/slack.yaml:4: slack-bot-token: unknown field "colour"');
  });

  it("reports duplicate ids", async () => {
    const msg = await errorOf(pack(GOOD_RULE + GOOD_RULE));
    expect(msg).toBe("invalid pack:\n  patterns/slack.yaml:12: slack-bot-token: id: duplicate id (first defined at line 4)");
  });

  it("reports missing pack fields and invalid YAML with positions", async () => {
    expect(await errorOf("version: 1.0.0\nrules: []\n")).toBe(
      'invalid pack:\n  patterns/slack.yaml:1: missing required field "name"',
    );
    expect(await errorOf("name: x\nversion: [1.0\n")).toMatch(/^patterns\/slack\.yaml:3:\d+: invalid YAML: /);
  });

  it("reports an unreadable pack file by name", async () => {
    await expect(loadPackFile(join(dir, "missing.yaml"))).rejects.toThrow(/cannot read pack .*missing\.yaml: ENOENT/);
  });

  it("counts capture groups exactly, including named and nested groups", () => {
    expect(countGroups(/a(b)(?:c)(?<d>e(f))/)).toBe(3);
    expect(countGroups(/[(]x\(/)).toBe(0);
  });

  it("never throws anything but a GitwardError on arbitrary YAML (property)", async () => {
    const yamlish = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          name: fc.string(),
          version: fc.string(),
          rules: fc.array(
            fc.dictionary(
              fc.constantFrom("id", "regex", "severity", "secretGroup", "keywords", "docs", "examples"),
              fc.jsonValue(),
            ),
            { maxLength: 3 },
          ),
        })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        try {
          await loadPackFromText("fuzz.yaml", text);
        } catch (e) {
          expect(e).toBeInstanceOf(GitwardError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
