/** Helpers shared by check modules. */
import type { ParsedDocument, Pos, TreeNode } from "../model.js";

/**
 * The position of `needle` inside a scalar: block scalars (`run: |`) span many
 * lines and the finding must be on the line that holds the problem.
 */
export function locate(doc: ParsedDocument, pos: Pos, needle: string): { line: number; col: number; endCol: number } {
  const last = Math.max(pos.endLine, pos.line);
  for (let l = pos.line; l <= last && l <= doc.lines.length; l++) {
    const text = doc.lines[l - 1] ?? "";
    const from = l === pos.line ? Math.max(0, pos.col - 1) : 0;
    const i = text.indexOf(needle, from);
    if (i >= 0) return { line: l, col: i + 1, endCol: i + 1 + needle.length };
  }
  const text = doc.lines[pos.line - 1] ?? "";
  return { line: pos.line, col: pos.col, endCol: Math.max(text.length + 1, pos.col + 1) };
}

/** Map entries of a node, or none. */
export function entries(node: TreeNode | undefined): { key: string; value: TreeNode; keyPos: Pos }[] {
  return node?.type === "map" ? node.entries : [];
}

export function listItems(node: TreeNode | undefined): TreeNode[] {
  if (!node) return [];
  return node.type === "list" ? node.items : [node];
}

/** A value that is a reference to somewhere else, not a literal (`${VAR}`, `$(cat ...)`, `{{ .Values.x }}`). */
export function isReference(value: string): boolean {
  return /^\s*(\$\{|\$\(|\$[A-Za-z_]|\{\{|<%|%\(|\(\(|#\{)/.test(value);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost|0:0:0:0:0:0:0:1)$/i;
export const ALL_INTERFACES = /^(0\.0\.0\.0|\*|::|\[::\]|::\*|0|0:0:0:0:0:0:0:0)$/;

export function isLoopback(addr: string): boolean {
  return LOOPBACK.test(addr.replace(/^-/, ""));
}
