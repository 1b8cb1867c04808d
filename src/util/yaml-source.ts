/**
 * YAML parsing that keeps positions, so that errors in packs and configs can
 * say "patterns/slack.yaml:42:7" instead of "rules[3].regex".
 */
import { type Document, isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { GitwardError } from "../errors.js";

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  value: unknown;
  /** 1-based line of the node at `path` (or of its nearest existing ancestor). */
  lineOf(path: readonly (string | number)[]): number;
}

export function parseYamlSource(file: string, text: string, code: "pack" | "config"): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new GitwardError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${first.message.split("\n")[0]}`, code);
  }
  const lineOf = (path: readonly (string | number)[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
      // Scalars inside maps are found via their pair; maps/seqs always have a range.
      if (node && (isMap(node) || isSeq(node))) break;
    }
    return 1;
  };
  let value: unknown;
  try {
    // Aliases are resolved here; a dangling alias or an alias bomb is a user error, not a crash.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new GitwardError(`${file}:1:1: invalid YAML: ${(e as Error).message.split("\n")[0]}`, code);
  }
  return { file, doc, value, lineOf };
}

/** Splits a JSON pointer ("/rules/3/regex") into path segments (numbers for array indices). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
