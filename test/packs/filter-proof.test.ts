/**
 * `packs lint` demands, for each filter a secret rule applies after its regex
 * (entropy, validator, the context stage of key-named rules, allowlist
 * stopwords / regexes, requires), a negative
 * example that only this filter rejects: found with the filter switched off,
 * not found with it. A filter that no example proves could be deleted without
 * any test failing.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintPacks } from "../../src/cli/commands/packs.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import { filterProofProblems, filtersOf } from "../../src/packs/pack-tester.js";
import { runCli, tempDir } from "../helpers/temp-repo.js";

const RULE = (extra: string, negatives: string[]) => `name: acme-pack
version: 0.1.0
rules:
  - id: acme-api-token
    description: Acme API token
    severity: high
    keywords: [acme_]
    regex: '\\b(acme_[A-Za-z0-9]{24})\\b'
${extra}
    docs:
      why: An Acme token calls the Acme API as its owner.
      fix: Revoke it in the Acme console.
    examples:
      positive:
        - "ACME_TOKEN=acme_{{fake:alnum:24}}"
      negative:
${negatives.map((n) => `        - ${JSON.stringify(n)}`).join("\n")}
`;

async function lintFile(text: string) {
  const dir = tempDir();
  const file = join(dir, "acme.yaml");
  writeFileSync(file, text);
  const pack = await loadPackFile(file);
  return { file, dir, pack, problems: await lintPacks([pack], { redos: false }) };
}

describe("filter proofs in packs lint", () => {
  it("reports an entropy threshold no negative depends on, at the entropy line", async () => {
    // Both negatives are rejected by the regex itself (wrong length, not the alphabet).
    const { problems, file } = await lintFile(RULE("    entropy: 3.5", ["acme_<token>", "acme_{{fake:alnum:10}}"]));
    expect(problems).toEqual([
      {
        level: "error",
        file,
        line: 9,
        ruleId: "acme-api-token",
        message: expect.stringMatching(/^entropy: no negative example is rejected by this filter alone; add one that matches/),
      },
    ]);
  });

  it("accepts the rule once a negative matches the regex and only the entropy threshold rejects it", async () => {
    const { problems } = await lintFile(RULE("    entropy: 3.5", ["acme_<token>", "ACME_TOKEN=acme_{{fake:chars:X:24}}"]));
    expect(problems).toEqual([]);
  });

  it("does not count a negative that a second filter rejects as well (redundant filters are reported)", async () => {
    // "acme_EXAMPLE..." is dropped by the stopword and by the allowlist regex: neither is needed alone.
    const extra = `    allowlist:\n      stopwords: [EXAMPLE]\n      regexes: ['EXAMPLE']`;
    const { problems } = await lintFile(RULE(extra, ["ACME_TOKEN=acme_EXAMPLE{{fake:alnum:17}}"]));
    expect(problems.map((p) => [p.line, p.message.split(":")[0]])).toEqual([
      [10, "allowlist.stopwords"],
      [11, "allowlist.regexes"],
    ]);
  });

  it("checks validators and required companions the same way", async () => {
    const extra = `    validate: not-placeholder\n    requires:\n      regex: 'Acme|ACME'\n      withinLines: 0`;
    const unproven = await lintFile(RULE(extra, ["acme_{{fake:alnum:3}}"]));
    expect(unproven.problems.map((p) => p.message.split(":")[0])).toEqual(["validate", "requires"]);
    // A placeholder word, and the token with the Acme name two lines away (requires: same line).
    const proven = await lintFile(
      RULE(extra, ["ACME_TOKEN=acme_sampleTokenValue12345678", "# Acme client\n\ntoken=acme_{{fake:alnum:24}}"]),
    );
    expect(proven.problems).toEqual([]);
  });

  it("fails `gitward packs lint` with the file, line and field", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "acme.yaml"), RULE("    entropy: 3.5", ["acme_<token>"]));
    const r = await runCli(["packs", "lint", "acme.yaml", "--no-redos"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("acme.yaml:9: acme-api-token: entropy: no negative example is rejected");
  });

  it("holds key-named rules' context stage to the same proof, reported at their tags or fallback line", async () => {
    // A generic rule: its value is judged with its key (words, slugs, typed runs are not keys).
    const generic = (negatives: string[]) =>
      RULE("    tags: [generic]", negatives)
        .replace("keywords: [acme_]", "keywords: [token]")
        .replace("regex: '\\b(acme_[A-Za-z0-9]{24})\\b'", "regex: 'token\\s?=\\s?([A-Za-z0-9-]{12,40})\\b'")
        .replace('"ACME_TOKEN=acme_{{fake:alnum:24}}"', '"token = {{fake:alnum:24}}"');
    // Both negatives fail the regex: nothing shows that the context stage works.
    const unproven = await lintFile(generic(["token = <token>", "token = short"]));
    expect(unproven.problems).toEqual([
      {
        level: "error",
        file: unproven.file,
        line: 9,
        ruleId: "acme-api-token",
        message: expect.stringMatching(/^context: no negative example is rejected by this filter alone; add one that matches/),
      },
    ]);
    expect(filtersOf(unproven.pack.rules[0] as never)).toEqual(["context"]);
    // A slug under a token-named key: the regex matches, only the context stage rejects it.
    expect((await lintFile(generic(["token = <token>", "token = etcd-cluster-production-1"]))).problems).toEqual([]);
  });

  it("lists the filters of a rule (config rules have none)", async () => {
    const { pack } = await lintFile(RULE("    entropy: 3.5\n    validate: not-placeholder", ["x"]));
    expect(filtersOf(pack.rules[0] as never)).toEqual(["entropy", "validate"]);
    expect(await filterProofProblems(pack, { ...(pack.rules[0] as object), kind: "config" } as never)).toEqual([]);
  });
});
