/**
 * Everything a scanning command needs before the first fragment: the config,
 * the packs it layers (built-in → extends → --pack), and the rule set with
 * overrides applied. Shared by the CLI commands and the library API.
 */
import { resolve } from "node:path";
import { type LoadedConfig, loadConfig } from "./config/load-config.js";
import { findRepoRoot } from "./git/run-git.js";
import { loadBuiltinPacks } from "./packs/builtin-packs.js";
import { loadUserPack } from "./packs/load-user-pack.js";
import type { LoadedPack } from "./packs/pack-types.js";
import { buildRuleSet, type RuleSet } from "./packs/rule-set.js";
import type { ScanWarning, Severity } from "./types.js";

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
    for (const id of options.onlyRules ?? []) {
      if (!ruleSet.byId.has(id)) warnings.push({ ruleId: id, message: `--rule: unknown rule "${id}"` });
    }
  }
  if (options.failOn) loaded.config.failOn = options.failOn;
  if (options.maxFileSize) loaded.config.maxFileSize = options.maxFileSize;
  return { ...loaded, ruleSet, repoRoot, warnings };
}
