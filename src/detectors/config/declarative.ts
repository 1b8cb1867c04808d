/**
 * Runs the declarative part of a config rule: `match` matchers report each
 * setting they find, `missing` reports once at line 1 when nothing is found,
 * `when`/`unless` gate the rule on other settings.
 */

import type { ParsedDocument, TreeNode } from "./model.js";
import { instructionPosition } from "./parsers/dockerfile.js";
import type { RuleContext } from "./report.js";
import { fillTemplate } from "./report.js";
import type { DocumentFilter, Matcher } from "./rule-spec.js";
import { asList } from "./rule-spec.js";
import type { TreeHit } from "./tree.js";
import { compilePath, flatten, scalars, select } from "./tree.js";
import { cachedRegex, items, testValue } from "./values.js";

export interface MatchHit {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  evidence: string;
  key: string;
  value: string;
}

const flatCache = new WeakMap<TreeNode, TreeHit[]>();

export function flat(tree: TreeNode): TreeHit[] {
  let f = flatCache.get(tree);
  if (!f) {
    f = flatten(tree);
    flatCache.set(tree, f);
  }
  return f;
}

/** The YAML documents of a file that pass the rule's `documents` filters. */
export function selectTrees(doc: ParsedDocument, filters: DocumentFilter[] | undefined): TreeNode[] {
  const trees = doc.trees ?? [];
  if (!filters?.length) return trees;
  return trees.filter((t) =>
    filters.every((f) => {
      const hits = select(flat(t), compilePath(f.path));
      return hits.some(
        (h) => !f.value || scalars(h.node).some((s) => testValue(f.value as NonNullable<typeof f.value>, s.value)),
      );
    }),
  );
}

const COMMENT_LINE = /^\s*(#|;|\/\/|<!--)/;

export function findHits(m: Matcher, doc: ParsedDocument, trees: TreeNode[]): MatchHit[] {
  const out: MatchHit[] = [];
  if (m.directive !== undefined) {
    const names = m.directive.toLowerCase().split("|");
    let ds = (doc.directives ?? []).filter((d) => names.includes(d.key.toLowerCase()));
    if (m.section !== undefined) {
      const re = cachedRegex(m.section, "i");
      ds = ds.filter((d) => re.test(d.section ?? ""));
    }
    if (m.scope === "global") ds = ds.filter((d) => d.match === undefined);
    if (m.occurrence === "first" || m.occurrence === "last") {
      const pick = new Map<string, (typeof ds)[number]>();
      for (const d of ds) {
        const k = d.key.toLowerCase();
        if (m.occurrence === "last" || !pick.has(k)) pick.set(k, d);
      }
      ds = [...pick.values()];
    }
    for (const d of ds) {
      if (m.value && !testValue(m.value, d.value)) continue;
      if (m.item && !items(d.value).some((it) => testValue(m.item as NonNullable<typeof m.item>, it))) continue;
      out.push({
        line: d.line,
        col: d.col,
        endLine: d.line,
        endCol: d.endCol,
        evidence: `${d.key} ${d.value}`.trim(),
        key: d.key,
        value: d.value,
      });
    }
  } else if (m.path !== undefined) {
    const re = compilePath(m.path, m.ignoreCase);
    for (const tree of trees) {
      for (const h of select(flat(tree), re)) {
        const path = h.path.join(".");
        if (!m.value && !m.item) {
          const p = h.entry?.keyPos ?? h.node.pos;
          out.push({ line: p.line, col: p.col, endLine: p.line, endCol: 0, evidence: path, key: path, value: "" });
          continue;
        }
        for (const s of scalars(h.node)) {
          const ok =
            (m.value ? testValue(m.value, s.value) : true) &&
            (m.item ? items(s.value).some((it) => testValue(m.item as NonNullable<typeof m.item>, it)) : true);
          if (!ok) continue;
          // Report from the key when key and value share a line: that is the setting as written.
          const k = h.entry?.keyPos;
          const start = k && k.line === s.pos.line && h.node.type === "scalar" ? k : s.pos;
          const endCol = s.pos.endLine === start.line ? s.pos.endCol : 0;
          out.push({
            line: start.line,
            col: start.col,
            endLine: start.line,
            endCol,
            evidence: `${path}: ${s.value}`,
            key: path,
            value: s.value,
          });
        }
      }
    }
  } else if (m.instruction !== undefined) {
    const kws = m.instruction.toUpperCase().split("|");
    for (const ins of doc.instructions ?? []) {
      if (!kws.includes(ins.keyword)) continue;
      if (m.value) {
        const r = testValue(m.value, ins.args);
        if (!r) continue;
        const at = instructionPosition(ins, r.index);
        const snippet = r.text.split("\n")[0] ?? r.text;
        out.push({
          line: at.line,
          col: at.col,
          endLine: at.line,
          endCol: at.col + snippet.length,
          evidence: `${ins.keyword} ${r.text}`,
          key: ins.keyword,
          value: r.text,
        });
      } else if (m.item) {
        const re = /\S+/g;
        for (let t = re.exec(ins.args); t; t = re.exec(ins.args)) {
          if (!testValue(m.item, t[0])) continue;
          const at = instructionPosition(ins, t.index);
          out.push({
            line: at.line,
            col: at.col,
            endLine: at.line,
            endCol: at.col + t[0].length,
            evidence: `${ins.keyword} ${t[0]}`,
            key: ins.keyword,
            value: t[0],
          });
        }
      } else {
        out.push({
          line: ins.line,
          col: 1,
          endLine: ins.line,
          endCol: 0,
          evidence: ins.keyword,
          key: ins.keyword,
          value: ins.args,
        });
      }
    }
  } else if (m.line !== undefined) {
    const re = cachedRegex(m.line, m.value?.caseSensitive ? "" : "i");
    doc.lines.forEach((text, i) => {
      if (COMMENT_LINE.test(text)) return;
      const r = re.exec(text);
      if (!r) return;
      out.push({
        line: i + 1,
        col: r.index + 1,
        endLine: i + 1,
        endCol: r.index + 1 + r[0].length,
        evidence: r[0].trim(),
        key: r[0].trim(),
        value: r[0].trim(),
      });
    });
  }
  return out;
}

function applies(m: Matcher, fileType: string): boolean {
  return !m.fileTypes || m.fileTypes.includes(fileType);
}

/** Names a changed line must mention for a missing-setting finding to be reported in a diff. */
function touchWords(ms: Matcher[]): string[] {
  return ms.flatMap((m) => {
    const name = m.directive ?? m.path ?? m.instruction;
    if (!name) return [];
    return name.split(/[.|()*]+/).filter((w) => w.length > 2 && w !== "**");
  });
}

export function runDeclarative(ctx: RuleContext): void {
  const { rule, doc, fileType } = ctx;
  const trees = selectTrees(doc, rule.documents);
  if (doc.trees && rule.documents?.length && trees.length === 0) return;
  const has = (m: Matcher) => findHits(m, doc, trees).length > 0;
  if (rule.when?.some((m) => applies(m, fileType) && !has(m))) return;
  if (rule.unless?.some((m) => applies(m, fileType) && has(m))) return;
  for (const m of asList(rule.match)) {
    if (!applies(m, fileType)) continue;
    for (const h of findHits(m, doc, trees)) {
      const vars = { evidence: h.evidence, key: h.key, value: h.value };
      ctx.report({
        line: h.line,
        col: h.col,
        endLine: h.endLine,
        ...(h.endCol > 0 ? { endCol: h.endCol } : {}),
        evidence: h.evidence,
        message: fillTemplate(rule.message ?? rule.description, vars),
      });
    }
  }
  const missing = asList(rule.missing).filter((m) => applies(m, fileType));
  if (missing.length > 0 && !missing.some(has) && !isEmpty(doc)) {
    const first = doc.lines[0] ?? "";
    const names = missing.map((m) => m.directive ?? m.path ?? m.instruction ?? m.line);
    // `{evidence}` of a missing setting names what is missing, so that no message reads "()" or "``".
    const absent = `no ${names[0] ?? "setting"} set`;
    ctx.report({
      line: 1,
      col: 1,
      endCol: Math.max(first.length + 1, 2),
      evidence: `missing ${names.join(" / ")}`,
      message: fillTemplate(rule.message ?? rule.description, { evidence: absent, key: names[0] ?? "", value: "" }),
      fileLevel: true,
      touch: touchWords(missing),
    });
  }
}

function isEmpty(doc: ParsedDocument): boolean {
  // mongod: a legacy-format file has no YAML tree but is not empty.
  if (doc.trees) return doc.trees.length === 0 && doc.lines.every((l) => !l.trim() || /^\s*#/.test(l));
  if (doc.directives) return doc.directives.length === 0;
  if (doc.instructions) return doc.instructions.length === 0;
  return doc.lines.every((l) => !l.trim());
}
