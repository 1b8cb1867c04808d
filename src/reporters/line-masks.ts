/**
 * What to mask on a printed line, whatever rules the scan ran. A finding's line
 * may hold other secrets: with `--rule X`, a rule switched off in the config,
 * or a pack that lacks the rule, those are not findings of this run, yet the
 * text reporter prints the whole line. So every printed line is rescanned by
 * every built-in secret rule (and the run's own secret rules), and each span
 * they find is masked too. Only the lines of reported findings are scanned,
 * so a clean run pays nothing.
 */

import { loadBuiltinPacks } from "../packs/builtin-packs.js";
import type { LoadedRule, SecretRuleSpec } from "../packs/pack-types.js";
import { buildRuleSet, type RuleSet } from "../packs/rule-set.js";
import { createDetectors } from "../pipeline.js";
import type { Finding } from "../types.js";

export type LineMasks = Map<string, [number, number][]>;

export function lineMaskKey(path: string, lineText: string): string {
  return `${path}\0${lineText}`;
}

/** Spans (0-based, end exclusive) of secrets on each finding's line, keyed by lineMaskKey. */
export async function lineMasks(findings: readonly Finding[], ruleSet: RuleSet): Promise<LineMasks> {
  const masks: LineMasks = new Map();
  const lines = new Map<string, { path: string; text: string }>();
  for (const f of findings) if (f.lineText) lines.set(lineMaskKey(f.path, f.lineText), { path: f.path, text: f.lineText });
  if (lines.size === 0) return masks;
  // Every built-in rule as shipped (no config overrides, so none is off), then the run's other rules.
  const builtin = buildRuleSet(await loadBuiltinPacks());
  const ids = new Set(builtin.secretRules.map((r) => r.spec.id));
  const own = ruleSet.all.filter((r): r is LoadedRule<SecretRuleSpec> => r.spec.kind !== "config" && !ids.has(r.spec.id));
  const secretRules = [
    ...builtin.secretRules,
    ...own.map((r) => ({ ...r, mode: r.mode === "off" ? ("block" as const) : r.mode })),
  ];
  const detectors = await createDetectors({ ...builtin, secretRules, configRules: [] });
  for (const [key, { path, text }] of lines) {
    const spans: [number, number][] = [];
    for (const detector of detectors) {
      const out = await detector.detect({ path, text, startLine: 1, source: "file" });
      for (const raw of out.findings) {
        if (raw.startLine !== 1) continue;
        spans.push([raw.startColumn - 1, raw.endLine === 1 ? raw.endColumn - 1 : text.length]);
      }
    }
    if (spans.length > 0) masks.set(key, spans);
  }
  return masks;
}
