/**
 * JSON Schema validation for packs and configs, with errors rendered as
 * "file:line: rule-id: field: problem".
 *
 * The validators are compiled at build time (Ajv's standalone code, see
 * scripts/schema-validators.mjs) into dist/schema-validators.cjs, which holds
 * the SHA-256 of the schemas it was made from. It is used when that matches
 * the schema files next to it; otherwise (a schema edited since the build, or
 * no build) Ajv is loaded and compiles them here, with the same options.
 * Either way nothing is loaded until a config or user pack needs validating.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import { sha256 } from "./hash.js";
import { pointerToPath, type YamlSource } from "./yaml-source.js";

const SCHEMA_DIR = fileURLToPath(new URL("../../patterns/schemas/", import.meta.url));
/** dist/schema-validators.cjs, from dist/ (or the CLI bundle in dist/bin/), else from the sources. */
const PREBUILT_FILES = [
  fileURLToPath(new URL("../schema-validators.cjs", import.meta.url)),
  fileURLToPath(new URL("../../dist/schema-validators.cjs", import.meta.url)),
];

export function schemaPath(name: string): string {
  return SCHEMA_DIR + name;
}

/** SHA-256 over every schema file's name and text, in name order (as scripts/schema-validators.mjs). */
export function schemasHash(): string {
  let text = "";
  for (const name of readdirSync(SCHEMA_DIR).sort()) {
    if (name.endsWith(".json")) text += `${name}\0${readFileSync(SCHEMA_DIR + name, "utf8")}\0`;
  }
  return sha256(text);
}

type Prebuilt = Record<string, ValidateFunction | string> & { schemasHash: string };
let prebuilt: Prebuilt | null | undefined;

/** The build's validators when they were made from these schemas; undefined otherwise. */
export function prebuiltValidators(): Prebuilt | undefined {
  if (prebuilt === undefined) {
    prebuilt = null;
    const hash = schemasHash();
    const require = createRequire(import.meta.url);
    for (const file of PREBUILT_FILES) {
      try {
        const mod = require(file) as Prebuilt;
        if (mod.schemasHash === hash) {
          prebuilt = mod;
          break;
        }
      } catch {
        // not built: try the next, else compile
      }
    }
  }
  return prebuilt ?? undefined;
}

const compiled = new Map<string, ValidateFunction>();

async function validatorFor(schemaFile: string): Promise<ValidateFunction> {
  const cached = compiled.get(schemaFile);
  if (cached) return cached;
  const built = prebuiltValidators()?.[schemaFile.replace(/\.schema\.json$/, "")];
  if (typeof built === "function") {
    compiled.set(schemaFile, built);
    return built;
  }
  const validate = await compileValidator(schemaFile);
  compiled.set(schemaFile, validate);
  return validate;
}

/** Ajv at run time: the fallback, and what the build's validators are tested against. */
export async function compileValidator(schemaFile: string): Promise<ValidateFunction> {
  // Ajv is CommonJS: Node's ESM loader exposes the named export, esbuild's bundle only the default.
  const ajvModule = (await import("ajv")) as unknown as { Ajv?: typeof import("ajv").Ajv; default: { default?: unknown } };
  const Ajv = (ajvModule.Ajv ?? ajvModule.default.default ?? ajvModule.default) as typeof import("ajv").Ajv;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  // Register every schema in the folder so that relative $refs resolve.
  for (const name of readdirSync(SCHEMA_DIR)) {
    if (!name.endsWith(".json")) continue;
    const schema = JSON.parse(readFileSync(SCHEMA_DIR + name, "utf8")) as { $id?: string };
    ajv.addSchema(schema, schema.$id ?? name);
  }
  const main = JSON.parse(readFileSync(SCHEMA_DIR + schemaFile, "utf8")) as { $id: string };
  const validate = ajv.getSchema(main.$id);
  if (!validate) throw new Error(`schema ${schemaFile} did not compile`);
  return validate;
}

export interface SchemaProblem {
  line: number;
  path: (string | number)[];
  message: string;
}

/** Validates `source.value`; returns problems, most specific first (empty when valid). */
export async function validateAgainstSchema(
  source: YamlSource,
  schemaFile: string,
  options: { validator?: ValidateFunction } = {},
): Promise<SchemaProblem[]> {
  const validate = options.validator ?? (await validatorFor(schemaFile));
  if (validate(source.value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== "if" && e.keyword !== "oneOf");
  // The deepest errors are the useful ones; "must match else schema" on the parent is noise.
  errors.sort((a, b) => b.instancePath.split("/").length - a.instancePath.split("/").length);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const message = describe(e);
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ line: source.lineOf(path), path, message });
  }
  return problems;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return `unknown field "${String(p.additionalProperty)}"`;
    case "required":
      return `missing required field "${String(p.missingProperty)}"`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "type":
      return `must be ${String(p.type)}`;
    case "pattern":
      return `must match ${String(p.pattern)}`;
    default:
      return e.message ?? e.keyword;
  }
}
