/** The config packs validate against pack.schema.json (with config-rule.schema.json) and are consistent. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../../src/detectors/config/checks/index.js";
import { FILE_TYPES } from "../../src/detectors/config/file-types.js";
import type { ConfigRule } from "../../src/detectors/config/rule-spec.js";
import { loadPacks } from "./helpers.js";

const SCHEMAS = join(import.meta.dirname, "../../patterns/schemas");
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, "config-rule.schema.json"), "utf8")));
const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, "pack.schema.json"), "utf8")));
const configRuleSchema = JSON.parse(readFileSync(join(SCHEMAS, "config-rule.schema.json"), "utf8"));

describe("config packs", () => {
  const packs = loadPacks();
  const ids = new Set<string>();

  for (const { file, pack } of packs) {
    it(`${file} validates against the pack schema`, () => {
      const ok = validate(pack);
      expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
      expect(pack.name).toBe(`gitward-config-${file.replace(/\.yaml$/, "")}`);
    });

    it(`${file}: ids are unique, technology-first, and checks exist`, () => {
      for (const rule of pack.rules as ConfigRule[]) {
        expect(ids.has(rule.id), `duplicate ${rule.id}`).toBe(false);
        ids.add(rule.id);
        expect(rule.kind).toBe("config");
        if (rule.check) expect(CHECKS[rule.check], `${rule.id}: unknown check ${rule.check}`).toBeDefined();
        expect(
          rule.check !== undefined || rule.match !== undefined || rule.missing !== undefined,
          `${rule.id} matches nothing`,
        ).toBe(true);
        expect(rule.docs.references?.length ?? 0, `${rule.id} has no references`).toBeGreaterThan(0);
        for (const ex of [...rule.examples.positive, ...rule.examples.negative]) expect(typeof ex).toBe("object");
        for (const ex of rule.examples.positive)
          expect(typeof ex === "object" && ex.line, `${rule.id}: positive without line`).toBeTruthy();
      }
    });
  }

  it("the schema's file type list matches file-types.ts", () => {
    expect([...configRuleSchema.properties.fileTypes.items.enum].sort()).toEqual(FILE_TYPES.map((t) => t.id).sort());
  });
});
