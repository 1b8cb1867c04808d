/**
 * Everything a scanning command needs before the first fragment: the config,
 * the packs it layers (built-in → extends → --pack), and the rule set with
 * overrides applied. Shared by the CLI commands and the library API.
 */
import { relative, resolve } from "node:path";
import { type LoadedConfig, loadConfig } from "./config/load-config.js";
import { GitwardError } from "./errors.js";
import { findRepoRoot } from "./git/run-git.js";
import { loadBuiltinPacks } from "./packs/builtin-packs.js";
import { loadUserPack } from "./packs/load-user-pack.js";
import type { LoadedPack } from "./packs/pack-types.js";
import { buildRuleSet, type RuleSet } from "./packs/rule-set.js";
import type { ScanWarning, Severity } from "./types.js";
import { displayPath } from "./util/display-path.js";

export interface SetupOptions {
  cwd: string;
  /** --config PATH, or false for --no-config. */
  configFile?: string | false;
  /** --pack FILE (repeatable): extra packs for this run, after the config's layers. */
  packs?: string[];
  /** --fail-on: overrides the config's failOn. */
  failOn?: Severity;
  /** --max-file-size in bytes. */
  maxFileSize?: number;
  /** --rule ID: run only these rules. */
  onlyRules?: string[];
  /** Disable the config linter or the secret rules (--no-config-rules / --no-secret-rules). */
  kinds?: { secret?: boolean; config?: boolean };
  /**
   * Listing commands (`gitward rules`) may load no active rule; a scan may not:
   * it would pass everything (default: true, a usage error).
   */
  requireRules?: boolean;
}

export interface ScanSetup extends LoadedConfig {
  ruleSet: RuleSet;
  repoRoot: string | undefined;
  warnings: ScanWarning[];
}

export async function prepareScan(options: SetupOptions): Promise<ScanSetup> {
  const rootLookup = findRepoRoot(options.cwd);
  // Nearly every config layers the built-in packs: read them now (memoised for the layer loop
  // below), so that the synchronous work overlaps with git when the root lookup has to ask it.
  loadBuiltinPacks().catch(() => {});
  const repoRoot = await rootLookup;
  const loaded = await loadConfig(options.cwd, {
    ...(options.configFile !== undefined ? { explicitFile: options.configFile } : {}),
    ...(repoRoot ? { repoRoot } : {}),
  });
  const packs: LoadedPack[] = [];
  const warnings: ScanWarning[] = [];
  // User packs are validated and checked for catastrophic backtracking as they load (built-in ones by
  // `packs lint` in CI), or come from the validated-file cache when their text has not changed.
  const loadPackFile = async (file: string) => {
    const { pack, warnings: packWarnings } = await loadUserPack(file);
    warnings.push(...packWarnings);
    return pack;
  };
  for (const layer of loaded.layers) {
    if (layer.builtin) packs.push(...(await loadBuiltinPacks()));
    for (const file of layer.packFiles) packs.push(await loadPackFile(file));
  }
  for (const file of options.packs ?? []) packs.push(await loadPackFile(resolve(options.cwd, file)));
  const ruleSet = buildRuleSet(packs, loaded.overrides, {
    onUnknownOverride: (ruleId, origin) =>
      warnings.push({ ruleId, message: `${origin}: rules: unknown rule "${ruleId}" (see gitward rules)` }),
  });
  if (options.onlyRules?.length || options.kinds) {
    const only = options.onlyRules?.length ? new Set(options.onlyRules) : undefined;
    const keep = <T extends { spec: { id: string; kind?: string } }>(r: T) =>
      (!only || only.has(r.spec.id)) &&
      (r.spec.kind === "config" ? options.kinds?.config !== false : options.kinds?.secret !== false);
    ruleSet.secretRules = ruleSet.secretRules.filter(keep);
    ruleSet.configRules = ruleSet.configRules.filter(keep);
    // Asked for a rule that does not exist: a typo would otherwise pass every scan.
    const unknown = (options.onlyRules ?? []).filter((id) => !ruleSet.byId.has(id));
    if (unknown.length > 0) {
      throw new GitwardError(
        `--rule: unknown rule ${unknown.map((id) => `"${id}"`).join(", ")} (gitward rules lists the ${ruleSet.all.length} loaded)`,
        "usage",
      );
    }
  }
  if (options.requireRules !== false && ruleSet.secretRules.length + ruleSet.configRules.length === 0) {
    throw new GitwardError(`no rules are active (${whyNoRules(loaded, ruleSet, options)}); nothing would be found`, "usage");
  }
  if (options.failOn) loaded.config.failOn = options.failOn;
  if (options.maxFileSize !== undefined) loaded.config.maxFileSize = options.maxFileSize;
  return { ...loaded, ruleSet, repoRoot, warnings };
}

/** Why a scan would run no rule, naming the setting that did it. */
function whyNoRules(loaded: LoadedConfig, ruleSet: RuleSet, options: SetupOptions): string {
  const file = loaded.config.file;
  const rel = file ? relative(options.cwd, file) : "";
  const configName = file ? (rel && !rel.startsWith("..") ? rel : displayPath(file)) : "the config";
  if (ruleSet.all.length === 0) return `${configName}: extends loads 0 rules`;
  if (options.onlyRules?.length) {
    const kinds = options.kinds?.config === false ? "secret " : options.kinds?.secret === false ? "config " : "";
    return `--rule selects no active ${kinds}rule`;
  }
  if (ruleSet.all.every((r) => r.mode === "off")) return `${configName}: every rule is off`;
  return options.kinds?.config === false
    ? "only config rules are loaded; history scans secret rules"
    : "no rule of the kinds asked for";
}
