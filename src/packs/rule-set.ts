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
import type { ConfigRuleSpec, LoadedPack, LoadedRule, RuleSpec, SecretRuleSpec } from "./pack-types.js";

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
  const all: LoadedRule[] = [];
  // Plain loops, each spec field read once: ~1,300 rules on every hook's start-up, in cold code.
  for (const pack of packs) {
    const { name, version, file, scopes } = pack;
    const rules = pack.rules;
    for (let i = 0; i < rules.length; i++) {
      const spec = rules[i] as RuleSpec;
      const existing = byId.get(spec.id);
      if (existing) {
        throw new GitwardError(
          `${displayPath(pack.file)}: ${spec.id}: id: already defined by pack ${existing.pack} (${displayPath(existing.file)}); rule ids must be unique across packs`,
          "pack",
        );
      }
      const rule: LoadedRule = {
        spec,
        pack: name,
        packVersion: version,
        file,
        mode: spec.mode ?? "block",
        severity: spec.severity,
        // Shared until an override applies (below): one array fewer per rule.
        overrides: NO_OVERRIDES,
      };
      // Assigned rather than spread in. (A built-in rule from the cache has its scope with its body:
      // ruleScope() reads it on use.)
      const scope = scopes?.[spec.id];
      if (scope) rule.scope = scope;
      byId.set(spec.id, rule);
      all.push(rule);
    }
  }
  for (const [ruleId, layers] of Object.entries(overrides)) {
    const rule = byId.get(ruleId);
    if (!rule) {
      for (const layer of layers) options.onUnknownOverride?.(ruleId, layer.origin);
      continue;
    }
    if (rule.overrides === NO_OVERRIDES) rule.overrides = [];
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
  const secretRules: LoadedRule<SecretRuleSpec>[] = [];
  const configRules: LoadedRule<ConfigRuleSpec>[] = [];
  for (let i = 0; i < all.length; i++) {
    const rule = all[i] as LoadedRule;
    if (rule.mode === "off") continue;
    if (rule.spec.kind === "config") configRules.push(rule as LoadedRule<ConfigRuleSpec>);
    else secretRules.push(rule as LoadedRule<SecretRuleSpec>);
  }
  return { packs, all, byId, secretRules, configRules };
}

/** The overrides of a rule no config layer changed (frozen: shared by every such rule). */
const NO_OVERRIDES: string[] = Object.freeze([]) as unknown as string[];

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
