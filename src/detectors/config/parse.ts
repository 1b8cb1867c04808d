/**
 * Parses a file as one of the formats. Parsers for heavier formats (YAML, XML,
 * HCL) are imported lazily so that scanning non-config files never loads them:
 * the pre-commit hook must start fast.
 */
import type { Format, ParsedDocument } from "./model.js";

export function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

export async function parseDocument(format: Format, text: string): Promise<ParsedDocument> {
  const lines = splitLines(text);
  switch (format) {
    case "yaml":
      return (await import("./parsers/yaml.js")).parseYaml(text, lines);
    case "mongod":
      return (await import("./parsers/mongod.js")).parseMongod(text, lines);
    case "xml":
      return (await import("./parsers/xml.js")).parseXml(text, lines);
    case "hcl":
      return (await import("./parsers/hcl.js")).parseHcl(text, lines);
    case "dockerfile":
      return (await import("./parsers/dockerfile.js")).parseDockerfile(text, lines);
    default:
      return (await import("./parsers/lines.js")).parseLines(format, text, lines);
  }
}
