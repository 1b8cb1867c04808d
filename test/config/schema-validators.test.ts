/**
 * The JSON Schema validators compiled at build time (dist/schema-validators.cjs,
 * scripts/schema-validators.mjs): in sync with patterns/schemas/, the same
 * problems as Ajv compiling the schemas at run time, and not used once a
 * schema no longer matches the hash they were built from.
 */

import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { buildSchemaValidators, VALIDATORS_FILE } from "../../scripts/schema-validators.mjs";
import { builtinPackFiles } from "../../src/packs/builtin-packs.js";
import { compileValidator, prebuiltValidators, validateAgainstSchema } from "../../src/util/schema-validator.js";
import { parseYamlSource } from "../../src/util/yaml-source.js";
import { BIN, createRepo, tempDir } from "../helpers/temp-repo.js";

const ROOT = join(import.meta.dirname, "..", "..");

const CONFIGS = [
  "failOn: high\nallowlist:\n  paths: [a]\nrules:\n  aws-access-key-id:\n    mode: blocking\n",
  "rules:\n  aws-access-key-id: sometimes\n",
  "failOn: high\nallowlists:\n  paths: []\n",
  "failOn: severe\nmaxFileSize: [1]\nextends: gitward:builtin\n",
  "allowlist:\n  regexTarget: word\n  stopwords: [1, 2]\n",
  "extends: [gitward:builtin]\nrules: {}\nallowlist: {paths: ['test/**']}\nbaseline: .gitward-baseline.json\n",
];

const PACKS = [
  "name: Bad Name\nversion: 1\nrules: []\n",
  "name: p\nversion: 1.0.0\nrules:\n  - id: x\n    description: d\n    severity: high\n",
  "name: p\nversion: 1.0.0\nrules:\n  - id: x\n    description: d\n    severity: high\n    regex: a\n    entropie: 3\n    docs: {why: w}\n",
  "name: p\nversion: 1.0.0\nrules:\n  - id: x\n    kind: config\n    description: d\n    severity: high\n    fileTypes: [nope]\n",
  "name: p\nversion: 1.0.0\nrules:\n  - id: X_bad\n    description: ''\n    severity: severe\n    regex: ''\n    examples: {positive: [], negative: [1]}\n",
];

describe("build-time schema validators", () => {
  it("dist/schema-validators.cjs is what scripts/schema-validators.mjs makes from patterns/schemas/", async () => {
    expect(readFileSync(VALIDATORS_FILE, "utf8")).toBe(await buildSchemaValidators());
    expect(prebuiltValidators()).toBeDefined(); // and the run time takes it (its hash matches)
  });

  it("report exactly what Ajv compiling the schemas at run time reports", async () => {
    const cases = [
      ...CONFIGS.map((text) => ({ text, schema: "config.schema.json" as const })),
      ...PACKS.map((text) => ({ text, schema: "pack.schema.json" as const })),
      ...builtinPackFiles()
        .slice(0, 4)
        .map((f) => ({ text: readFileSync(f, "utf8"), schema: "pack.schema.json" as const })),
    ];
    let problems = 0;
    for (const { text, schema } of cases) {
      const source = parseYamlSource("case.yaml", text, schema === "config.schema.json" ? "config" : "pack");
      const built = prebuiltValidators()?.[schema.replace(".schema.json", "")];
      expect(typeof built).toBe("function");
      const fromBuild = await validateAgainstSchema(source, schema, { validator: built as never });
      const fromAjv = await validateAgainstSchema(source, schema, { validator: await compileValidator(schema) });
      expect(fromBuild, text).toEqual(fromAjv);
      problems += fromBuild.length;
    }
    expect(problems).toBeGreaterThan(CONFIGS.length + PACKS.length - 2); // not vacuous
  });

  it("a schema edited after the build is compiled at run time, not checked with the stale validators", () => {
    // A copy of the package whose config schema accepts one more failOn value than the build's validators.
    const pkg = tempDir("gitward-pkg-");
    for (const part of ["bin", "dist", "patterns", "package.json"])
      cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    const schemaFile = join(pkg, "patterns/schemas/config.schema.json");
    const schema = readFileSync(schemaFile, "utf8");
    expect(schema.split('"low", "info"]').length).toBe(3); // a rule's severity, then failOn
    writeFileSync(schemaFile, schema.replaceAll('"low", "info"]', '"low", "info", "everything"]'));
    const repo = createRepo();
    try {
      repo.write(".gitward.yaml", "failOn: everything\n");
      repo.write("a.txt", "hello\n");
      const run = (bin: string) =>
        spawnSync(process.execPath, [bin, "scan", "a.txt"], {
          cwd: repo.dir,
          encoding: "utf8",
          env: { ...process.env, GITWARD_CACHE_DIR: "" },
        });
      // The checkout's build refuses the value; the copy with the edited schema validates it (and then
      // fails later, at a value the rest of gitward does not know, which is fine: the schema decided).
      const original = run(BIN);
      expect(original.status).toBe(2);
      expect(original.stderr).toContain('.gitward.yaml:1: failOn: must be one of "critical", "high", "medium", "low", "info"');
      const edited = run(join(pkg, "bin/gitward.cjs"));
      expect(edited.stderr).not.toContain("failOn: must be one of");
    } finally {
      repo.cleanup();
    }
  });
});
