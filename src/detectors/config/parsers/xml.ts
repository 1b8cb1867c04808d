/**
 * XML into the tree: an element is a map whose entries are its attributes
 * (`@class`) and child elements (repeated tags give repeated keys); an element
 * with only text is a scalar. Positions come from xmldom's locator (start tag).
 */

import type { Element, Node as XmlNode } from "@xmldom/xmldom";
import { DOMParser } from "@xmldom/xmldom";
import type { MapEntry, ParsedDocument, ParseProblem, Pos, TreeNode } from "../model.js";

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

export function parseXml(text: string, lines: string[]): ParsedDocument {
  const problems: ParseProblem[] = [];
  const parser = new DOMParser({
    onError: (level, msg, context: { locator?: { lineNumber?: number; columnNumber?: number } } | undefined) => {
      if (level === "warning") return;
      const m = /line:\s*(\d+)\s*,?\s*col:\s*(\d+)/i.exec(msg);
      const problem: ParseProblem = { message: msg.split("\n")[0] ?? msg };
      // Errors found at the end ("unclosed xml tag(s)") carry no position in the message: the
      // parser's locator says where it stopped.
      const at = context?.locator;
      if (m) {
        problem.line = Number(m[1]);
        problem.col = Number(m[2]);
      } else if (at?.lineNumber) {
        problem.line = at.lineNumber;
        if (at.columnNumber) problem.col = at.columnNumber;
      }
      problems.push(problem);
    },
  });
  // Jenkins writes `<?xml version='1.1'?>`; xmldom handles 1.0 syntax only, which is the same here.
  const source = text.replace(/^(\s*<\?xml[^>]*version=)(['"])1\.1\2/, "$1$21.0$2");
  let root: Element | null = null;
  try {
    root = parser.parseFromString(source, "text/xml").documentElement;
  } catch (err) {
    if (problems.length === 0) problems.push({ message: err instanceof Error ? err.message : String(err) });
  }
  if (problems.length > 0 || !root) return { format: "xml", lines, trees: [], problems };
  const tree: TreeNode = {
    type: "map",
    entries: [{ key: root.tagName, keyPos: elementPos(root, lines), value: convert(root, lines) }],
    pos: elementPos(root, lines),
  };
  return { format: "xml", lines, trees: [tree], problems };
}

function elementPos(el: XmlNode, lines: string[]): Pos {
  const line = el.lineNumber ?? 1;
  const col = el.columnNumber ?? 1;
  const text = lines[line - 1] ?? "";
  return { line, col, endLine: line, endCol: Math.max(text.length + 1, col + 1) };
}

function convert(el: Element, lines: string[]): TreeNode {
  const at = elementPos(el, lines);
  const entries: MapEntry[] = [];
  let text = "";
  for (let i = 0; i < el.attributes.length; i++) {
    const attr = el.attributes.item(i);
    if (attr) entries.push({ key: `@${attr.name}`, keyPos: at, value: { type: "scalar", value: attr.value, pos: at } });
  }
  let hasChildElements = false;
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT) {
      hasChildElements = true;
      const child = c as Element;
      entries.push({ key: child.tagName, keyPos: elementPos(child, lines), value: convert(child, lines) });
    } else if (c.nodeType === TEXT || c.nodeType === CDATA) {
      text += c.nodeValue ?? "";
    }
  }
  if (!hasChildElements && entries.length === 0) return { type: "scalar", value: text.trim(), pos: at };
  if (!hasChildElements && text.trim())
    entries.push({ key: "#text", keyPos: at, value: { type: "scalar", value: text.trim(), pos: at } });
  return { type: "map", entries, pos: at };
}
