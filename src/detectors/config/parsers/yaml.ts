/**
 * YAML (and JSON, which YAML 1.2 parses) into the position-carrying tree.
 * Multi-document files give one tree per document. Aliases resolve to their
 * anchor's value but keep the alias position; `<<` merge keys splice in the
 * merged map's entries, so a setting inherited from an anchor is seen.
 */

import type { Document, Node as YamlNode } from "yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml";
import type { MapEntry, ParsedDocument, ParseProblem, Pos, TreeNode } from "../model.js";

export function parseYaml(text: string, lines: string[]): ParsedDocument {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  const problems: ParseProblem[] = [];
  const trees: TreeNode[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const at = lineCounter.linePos(err.pos[0]);
      problems.push({ message: err.message.split("\n")[0] ?? err.message, line: at.line, col: at.col });
    }
    if (doc.errors.length > 0) continue;
    const converter = new Converter(doc, lineCounter);
    const root = converter.convert(doc.contents as YamlNode | null, 0);
    if (root) trees.push(root);
  }
  return { format: "yaml", lines, trees, problems };
}

class Converter {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
  ) {}

  private pos(range: readonly number[] | null | undefined): Pos {
    const start = range?.[0] ?? 0;
    const end = range?.[1] ?? start;
    const a = this.lc.linePos(start);
    const b = this.lc.linePos(end);
    return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }

  convert(node: YamlNode | null | undefined, depth: number, at?: Pos): TreeNode | undefined {
    // Alias chains and recursive anchors cannot loop forever.
    if (!node || depth > 200) return undefined;
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      return this.convert(target, depth + 1, at ?? this.pos(node.range));
    }
    if (isScalar(node)) {
      const v = node.value;
      return { type: "scalar", value: v === null || v === undefined ? "" : String(v), pos: at ?? this.pos(node.range) };
    }
    if (isSeq(node)) {
      const items: TreeNode[] = [];
      for (const item of node.items) {
        const c = this.convert(item as YamlNode, depth + 1);
        if (c) items.push(c);
      }
      return { type: "list", items, pos: at ?? this.pos(node.range) };
    }
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode)) continue;
        const key = String(keyNode.value);
        if (key === "<<") {
          entries.push(...this.mergeEntries(pair.value as YamlNode, depth));
          continue;
        }
        const value =
          this.convert(pair.value as YamlNode | null, depth + 1) ??
          // `key:` with no value: an empty scalar positioned at the key.
          ({ type: "scalar", value: "", pos: this.pos(keyNode.range) } as TreeNode);
        entries.push({ key, keyPos: this.pos(keyNode.range), value });
      }
      return { type: "map", entries, pos: at ?? this.pos(node.range) };
    }
    return undefined;
  }

  private mergeEntries(value: YamlNode | null, depth: number): MapEntry[] {
    const sources = isSeq(value) ? (value.items as YamlNode[]) : [value];
    const out: MapEntry[] = [];
    for (const src of sources) {
      const merged = this.convert(src, depth + 1);
      if (merged?.type === "map") out.push(...merged.entries);
    }
    return out;
  }
}
