/**
 * Issue 17 item 12: an inconclusive ReDoS analysis of a built-in rule is something to fix in the
 * rule, so `packs lint` fails on it (an error, not a warning) unless the rule carries
 * `redos.reviewed`, the argument by hand that its regex runs in linear time; then lint reports it
 * as a note. A user pack keeps the warning. A vulnerable verdict is an error whatever the review.
 * The undecided regex here uses a lookbehind, which recheck's automaton checker does not support:
 * "unknown" without depending on a time budget.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintPacks } from "../../src/cli/commands/packs.js";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import { checkPackRegexes } from "../../src/packs/redos-check.js";
import { runCli } from "../helpers/temp-repo.js";

const dir = mkdtempSync(join(tmpdir(), "gitward-redos-reviewed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REVIEW = "the lookbehind reads one character; every quantifier is followed by a character it excludes";

function packFile(name: string, regex: string, extra = ""): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `name: acme-pack
version: 1.0.0
rules:
  - id: acme-token
    description: Acme token
    severity: high
    keywords: [acme_]
    regex: '${regex}'
${extra}    docs: { why: "It grants access.", fix: "Revoke it." }
    examples: { positive: ["x acme_abcdefghij0123456789"], negative: ["xacme_abcdefghij0123456789"] }
`,
  );
  return file;
}

const UNDECIDED = "(?<![a-z])acme_([a-z0-9]{20,})";
const redosProblems = async (file: string, strict: boolean) =>
  (await lintPacks([await loadPackFile(file)], { redos: true, cache: false, strictRedos: () => strict })).filter((p) =>
    p.message.startsWith("regex: "),
  );

describe("packs lint: undecided ReDoS analysis", () => {
  it("is an error in a built-in pack, a warning in a user pack", async () => {
    const file = packFile("undecided.yaml", UNDECIDED);
    const strict = await redosProblems(file, true);
    expect(strict).toEqual([
      expect.objectContaining({
        level: "error",
        ruleId: "acme-token",
        line: 8,
        message: expect.stringMatching(/inconclusive: unsupported.*redos\.reviewed/),
      }),
    ]);
    const user = await redosProblems(file, false);
    expect(user.map((p) => p.level)).toEqual(["warning"]);
  });

  it("is a note when the rule says why it is linear (redos.reviewed)", async () => {
    const file = packFile("reviewed.yaml", UNDECIDED, `    redos: { reviewed: "${REVIEW}" }\n`);
    const problems = await redosProblems(file, true);
    expect(problems).toEqual([expect.objectContaining({ level: "note", message: expect.stringMatching(/reviewed by hand/) })]);
    // Loading the pack as a user pack: no warning either.
    expect(await checkPackRegexes(await loadPackFile(file), { env: { GITWARD_CACHE_DIR: "" } })).toEqual([]);
  });

  it("a review does not excuse a vulnerable regex", async () => {
    const file = packFile("vulnerable.yaml", "acme_((?:a|a)+)x", `    redos: { reviewed: "${REVIEW}" }\n`);
    const problems = await redosProblems(file, false);
    expect(problems.map((p) => [p.level, p.message.slice(0, 35)])).toEqual([["error", "regex: catastrophic backtracking (e"]]);
  });

  it("a review needs a reason (schema)", async () => {
    const file = packFile("short.yaml", UNDECIDED, `    redos: { reviewed: "fine" }\n`);
    await expect(loadPackFile(file)).rejects.toThrow(/acme-token: redos\.reviewed/);
  });

  it("the CLI exits 1 only for the error; built-in packs are the strict ones by default", async () => {
    const file = packFile("cli.yaml", UNDECIDED);
    const r = await runCli(["packs", "lint", file], dir, { env: { GITWARD_CACHE_DIR: "" } });
    expect(r.stdout).toMatch(/warning: .*acme-token: regex: ReDoS analysis inconclusive/);
    expect(r.code).toBe(0);
    // The default strictness is by file: the built-in pack files and nothing else.
    const builtin = await loadPackFile(builtinPackFiles()[0] as string);
    const only = { ...builtin, rules: [{ ...builtin.rules[0], regex: UNDECIDED, redos: undefined }] } as typeof builtin;
    const problems = await lintPacks([only], { redos: true, cache: false });
    expect(problems.filter((p) => p.message.startsWith("regex: ")).map((p) => p.level)).toEqual(["error"]);
  });
});
