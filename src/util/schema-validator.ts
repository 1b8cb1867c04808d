/**
 * JSON Schema validation (Ajv) for packs and configs, with errors rendered as
 * "file:line: rule-id: field: problem".
 *
 * Ajv is loaded lazily: the built-in packs are validated at build time and
 * cached, so a pre-commit hook without a user pack never pays for Ajv.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import { pointerToPath, type YamlSource } from "./yaml-source.js";

const SCHEMA_DIR = fileURLToPath(new URL("../../patterns/schemas/", import.meta.url));

export function schemaPath(name: string): string {
  return SCHEMA_DIR + name;
}

const compiled = new Map<string, ValidateFunction>();

async function validatorFor(schemaFile: string): Promise<ValidateFunction> {
  const cached = compiled.get(schemaFile);
  if (cached) return cached;
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
  compiled.set(schemaFile, validate);
  return validate;
}

export interface SchemaProblem {
  line: number;
  path: (string | number)[];
  message: string;
}

/** Validates `source.value`; returns problems, most specific first (empty when valid). */
export async function validateAgainstSchema(source: YamlSource, schemaFile: string): Promise<SchemaProblem[]> {
  const validate = await validatorFor(schemaFile);
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
