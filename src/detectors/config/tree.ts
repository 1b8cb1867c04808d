/**
 * Key paths over the parsed tree.
 *
 * A path pattern is dot-separated segments: a literal key, `*` (any one key),
 * `**` (any number of keys, including none) or `(a|b)` (alternatives). List
 * items are transparent: `spec.containers.image` reaches the image of every
 * container. Dotted keys are split, so `xpack.security.enabled` matches both
 * `xpack.security.enabled: false` and the nested form.
 */
import type { MapEntry, Pos, TreeNode } from "./model.js";

export interface TreeHit {
  /** Key segments from the root (list indexes omitted). */
  path: string[];
  node: TreeNode;
  /** The map entry holding the node (absent for list items and the root). */
  entry?: MapEntry;
}

const SEP = "\u001f";

/** Every node with its path: map values, and each item of a list under the list's path. */
export function flatten(root: TreeNode): TreeHit[] {
  const out: TreeHit[] = [];
  const visit = (node: TreeNode, path: string[], entry: MapEntry | undefined, depth: number): void => {
    if (depth > 100) return;
    const hit: TreeHit = { path, node };
    if (entry) hit.entry = entry;
    out.push(hit);
    if (node.type === "map") {
      for (const e of node.entries) visit(e.value, [...path, ...splitKey(e.key)], e, depth + 1);
    } else if (node.type === "list") {
      for (const item of node.items) visit(item, path, entry, depth + 1);
    }
  };
  visit(root, [], undefined, 0);
  return out;
}

function splitKey(key: string): string[] {
  // Keep keys that are URLs, file paths or annotations whole: only split plain dotted identifiers.
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(key) ? key.split(".") : [key];
}

export function compilePath(pattern: string, ignoreCase = false): RegExp {
  // Paths are matched as "\x1fseg\x1fseg..." so that every segment carries its own separator.
  // Split on dots outside parentheses, so `(a.b|c)` stays one alternative segment.
  const body = (pattern.match(/(?:\([^)]*\)|[^.])+/g) ?? [])
    .map((seg) => {
      if (seg === "**") return `(?:${SEP}[^${SEP}]*)*`;
      if (seg === "*") return `${SEP}[^${SEP}]*`;
      if (seg.startsWith("(") && seg.endsWith(")"))
        return `${SEP}(?:${seg
          .slice(1, -1)
          .split("|")
          .map((alt) => alt.split(".").map(escapeRe).join(SEP))
          .join("|")})`;
      return SEP + escapeRe(seg);
    })
    .join("");
  return new RegExp(`^${body}$`, ignoreCase ? "i" : "");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function pathMatches(re: RegExp, path: string[]): boolean {
  return re.test(path.map((p) => SEP + p).join(""));
}

export function select(hits: TreeHit[], re: RegExp): TreeHit[] {
  return hits.filter((h) => pathMatches(re, h.path));
}

/** Scalar values under a node (the node itself, or the items of a list). */
export function scalars(node: TreeNode): { value: string; pos: Pos }[] {
  if (node.type === "scalar") return [{ value: node.value, pos: node.pos }];
  if (node.type === "list") return node.items.flatMap((i) => (i.type === "scalar" ? [{ value: i.value, pos: i.pos }] : []));
  return [];
}

export function get(node: TreeNode | undefined, ...keys: string[]): TreeNode | undefined {
  let cur = node;
  for (const k of keys) {
    if (cur?.type !== "map") return undefined;
    cur = cur.entries.find((e) => e.key === k)?.value;
  }
  return cur;
}

export function getEntry(node: TreeNode | undefined, key: string): MapEntry | undefined {
  return node?.type === "map" ? node.entries.find((e) => e.key === key) : undefined;
}

export function str(node: TreeNode | undefined): string | undefined {
  return node?.type === "scalar" ? node.value : undefined;
}
