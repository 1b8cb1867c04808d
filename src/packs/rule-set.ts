/**
 * Turns loaded packs plus config overrides into the rules a scan runs.
 * Packs are layered in order (built-in → org → team → repo → --pack); rule ids
 * are global, so a later pack may not redefine an id, but later config layers
 * may change a rule's severity or mode.
 */

import type { RuleOverride } from "../config/config-types.js";
import type { ScanScope } from "../detectors/scan-scope.js";
import { GitwardError } from "../errors.js";
import type { Severity } from "../types.js";
import { displayPath } from "../util/display-path.js";
import type { ConfigRuleSpec, LoadedPack, LoadedRule, SecretRuleSpec } from "./pack-types.js";

export interface RuleSet {
  packs: LoadedPack[];
  /** Every rule, including those whose mode is "off" (for `gitward rules`). */
  all: LoadedRule[];
  byId: Map<string, LoadedRule>;
  secretRules: LoadedRule<SecretRuleSpec>[];
  configRules: LoadedRule<ConfigRuleSpec>[];
}

export interface LayeredOverride extends RuleOverride {
  /** Where the override came from, e.g. ".gitward.yaml". */
  origin: string;
}

export function buildRuleSet(
  packs: LoadedPack[],
  overrides: Record<string, LayeredOverride[]> = {},
  options: { onUnknownOverride?: (ruleId: string, origin: string) => void } = {},
): RuleSet {
  const byId = new Map<string, LoadedRule>();
  for (const pack of packs) {
    for (const spec of pack.rules) {
      const existing = byId.get(spec.id);
      if (existing) {
        throw new GitwardError(
          `${displayPath(pack.file)}: ${spec.id}: id: already defined by pack ${existing.pack} (${displayPath(existing.file)}); rule ids must be unique across packs`,
          "pack",
        );
      }
      const rule: LoadedRule = {
        spec,
        pack: pack.name,
        packVersion: pack.version,
        file: pack.file,
        mode: spec.mode ?? "block",
        severity: spec.severity,
        overrides: [],
      };
      // Assigned rather than spread in: ~500 rules on every hook's start-up, where code runs cold.
      // (A built-in rule from the cache has its scope with its body: ruleScope() reads it on use.)
      const scope = pack.scopes?.[spec.id];
      if (scope) rule.scope = scope;
      byId.set(spec.id, rule);
    }
  }
  for (const [ruleId, layers] of Object.entries(overrides)) {
    const rule = byId.get(ruleId);
    if (!rule) {
      for (const layer of layers) options.onUnknownOverride?.(ruleId, layer.origin);
      continue;
    }
    for (const layer of layers) {
      if (layer.severity) {
        rule.severity = layer.severity;
        rule.overrides.push(`${layer.origin}: severity ${layer.severity}`);
      }
      if (layer.mode) {
        rule.mode = layer.mode;
        rule.overrides.push(`${layer.origin}: mode ${layer.mode}`);
      }
    }
  }
  const all = [...byId.values()];
  const active = all.filter((r) => r.mode !== "off");
  return {
    packs,
    all,
    byId,
    secretRules: active.filter((r) => r.spec.kind !== "config") as LoadedRule<SecretRuleSpec>[],
    configRules: active.filter((r) => r.spec.kind === "config") as LoadedRule<ConfigRuleSpec>[],
  };
}

/** Does a finding of this severity block, given `failOn`? */
export function severityBlocks(severity: Severity, failOn: Severity): boolean {
  const order: Severity[] = ["critical", "high", "medium", "low", "info"];
  return order.indexOf(severity) <= order.indexOf(failOn);
}

/**
 * A rule's scan scope: from its pack (YAML packs compute it when they load),
 * else from the built-in cache's rule body (read on first use, see
 * builtin-packs.ts), else none (the rule scans everywhere).
 */
export function ruleScope(rule: LoadedRule): ScanScope | undefined {
  return rule.scope ?? (rule.spec as { cachedScope?: () => ScanScope | undefined }).cachedScope?.();
}
