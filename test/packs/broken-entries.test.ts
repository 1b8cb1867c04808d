/**
 * "A broken entry in the service-name data or a pack is an error naming file,
 * line and field" (issue 19), for the fields the pack loader's own tests
 * (test/core/load-pack.test.ts) and the services tests
 * (test/detectors/service-context.test.ts) do not reach: a validator name
 * (which used to surface as an internal error without a line) and a rule's
 * required companion.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VALIDATORS } from "../../src/detectors/validators.js";
import { GitwardError } from "../../src/errors.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import { runCli, tempDir } from "../helpers/temp-repo.js";

const RULE = (extra: string) => `name: acme-pack
version: 1.0.0
rules:
  - id: acme-token
    description: Acme token
    severity: high
    keywords: [acme_]
${extra}
    regex: '(acme_[a-z0-9]{32})'
    docs: { why: "It calls the Acme API.", fix: "Revoke it." }
    examples: { positive: ["acme_{{fake:loweralnum:32}}"], negative: ["acme_x"] }
`;

async function errorOf(text: string): Promise<string> {
  const file = join(tempDir(), "acme.yaml");
  writeFileSync(file, text);
  try {
    await loadPackFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(GitwardError);
    return (e as Error).message.replace(file, "acme.yaml");
  }
  throw new Error("expected the pack to be rejected");
}

describe("broken pack entries name file, line and field", () => {
  it("an unknown validator", async () => {
    expect(await errorOf(RULE("    validate: luhn-ish"))).toContain("acme.yaml:8: acme-token: validate: must be one of");
  });

  it("the schema lists exactly the validators the engine has", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../../patterns/schemas/pack.schema.json"), "utf8"));
    const findValidate = (node: unknown): { enum?: string[] } | undefined => {
      if (!node || typeof node !== "object") return undefined;
      const o = node as Record<string, unknown>;
      if (o.validate && typeof o.validate === "object" && "enum" in (o.validate as object)) return o.validate as never;
      for (const v of Object.values(o)) {
        const found = findValidate(v);
        if (found) return found;
      }
      return undefined;
    };
    expect(findValidate(schema)?.enum?.slice().sort()).toEqual(Object.keys(VALIDATORS).sort());
  });

  it("a required companion's regex, and its reach", async () => {
    expect(await errorOf(RULE("    requires:\n      regex: 'Acme('\n      withinLines: 1"))).toMatch(
      /acme\.yaml:9: acme-token: requires\.regex: does not compile/,
    );
    expect(await errorOf(RULE("    requires:\n      regex: 'Acme'\n      withinLines: many"))).toContain(
      "acme.yaml:10: acme-token: requires.withinLines: must be integer",
    );
  });

  it("a `gitward scan --pack` with a broken pack exits 2 naming file, line and field, not an internal error", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "acme.yaml"), RULE("    validate: nope"));
    writeFileSync(join(dir, "a.txt"), "nothing here\n");
    const r = await runCli(["scan", "a.txt", "--no-config", "--pack", "acme.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("acme.yaml:8: acme-token: validate: must be one of");
    expect(r.stderr).not.toContain("internal error");
  });
});
