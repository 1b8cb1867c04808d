/**
 * mongod.conf in the format it really has: YAML (since 2.6), the legacy
 * `key = value` format, or a file mixing both (a YAML file with a few legacy
 * lines left in). Legacy lines are blanked before the YAML parse, so the YAML
 * part gives a tree with the right positions, and line matchers see every line.
 */
import type { ParsedDocument } from "../model.js";
import { parseYaml } from "./yaml.js";

const LEGACY = /^[ \t]*[A-Za-z_][\w.]*[ \t]*=/;

export function parseMongod(text: string, lines: string[]): ParsedDocument {
  if (!lines.some((l) => LEGACY.test(l))) return { ...parseYaml(text, lines), format: "mongod" };
  // Keep line numbers: a blanked line stays an empty line.
  const yamlPart = lines.map((l) => (LEGACY.test(l) ? "" : l)).join("\n");
  const doc = parseYaml(yamlPart, lines);
  return { ...doc, format: "mongod", lines };
}
