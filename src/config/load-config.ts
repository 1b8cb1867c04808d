/**
 * Finds, reads and validates `.gitward.yaml` (or `gitward.config.yaml`), and
 * resolves its `extends` layers into packs and rule overrides.
 *
 * Lookup walks up from the working directory to the repository root (or the
 * filesystem root outside a repository); `--config PATH` skips the lookup.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { GitwardError } from "../errors.js";
import { displayPath, formatProblem } from "../util/display-path.js";
import type { LayeredOverride } from "../packs/rule-set.js";
import type { Severity } from "../types.js";
import { parseSize } from "../util/size.js";
import { defaultConfig, type ResolvedConfig, type RuleOverride } from "./config-types.js";

export const CONFIG_NAMES = [".gitward.yaml", ".gitward.yml", "gitward.config.yaml", "gitward.config.yml"];

export const BUILTIN = "gitward:builtin";

/** The config file governing `cwd`: nearest one walking up, stopping at `stopAt` (the repo root). */
export function findConfigFile(cwd: string, stopAt?: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (stopAt && resolve(stopAt) === dir) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

interface RawConfig {
  extends?: string[];
  rules?: Record<string, RuleOverride | "block" | "warn" | "off">;
  allowlist?: Partial<ResolvedConfig["allowlist"]>;
  failOn?: Severity;
  maxFileSize?: number | string;
  baseline?: string;
}

export { parseSize };

/** Reads and validates one config file (no extends resolution). */
export async function readConfigFile(file: string): Promise<RawConfig> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GitwardError(`cannot read config ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "config");
  }
  // YAML and schema validation load on demand: a repo without a config never pays for them.
  const { parseYamlSource } = await import("../util/yaml-source.js");
  const { validateAgainstSchema } = await import("../util/schema-validator.js");
  const source = parseYamlSource(displayPath(file), text, "config");
  if (source.value === null || source.value === undefined) return {};
  const problems = await validateAgainstSchema(source, "config.schema.json");
  if (problems.length > 0) {
    const lines = problems.map((p) =>
      formatProblem({ file, line: p.line, ...(p.path.length ? { field: p.path.join(".") } : {}), message: p.message }),
    );
    throw new GitwardError(`invalid config:\n  ${lines.join("\n  ")}`, "config");
  }
  const raw = source.value as RawConfig;
  for (const [i, r] of (raw.allowlist?.regexes ?? []).entries()) {
    try {
      new RegExp(r);
    } catch (e) {
      throw new GitwardError(
        `${displayPath(file)}:${source.lineOf(["allowlist", "regexes", i])}: allowlist.regexes[${i}]: does not compile: ${(e as Error).message}`,
        "config",
      );
    }
  }
  return raw;
}

/** A layer resolved from an `extends` entry: pack files to load, and/or a shareable config. */
export interface ResolvedLayer {
  ref: string;
  packFiles: string[];
  builtin: boolean;
}

/**
 * Resolves an `extends` entry relative to the file that names it:
 * "gitward:builtin", a path to a pack (.yaml), or an npm package whose
 * package.json names its packs in `"gitward": {"packs": [...]}` (or whose main
 * file is a YAML pack).
 */
export function resolveExtends(ref: string, fromFile: string): ResolvedLayer {
  if (ref === BUILTIN) return { ref, packFiles: [], builtin: true };
  const base = dirname(fromFile);
  if (ref.startsWith(".") || isAbsolute(ref)) {
    const file = resolve(base, ref);
    if (!existsSync(file))
      throw new GitwardError(`${displayPath(fromFile)}: extends: "${ref}" not found (${displayPath(file)})`, "config");
    return { ref, packFiles: [file], builtin: false };
  }
  const require = createRequire(join(base, "noop.js"));
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${ref}/package.json`);
  } catch {
    throw new GitwardError(
      `${displayPath(fromFile)}: extends: package "${ref}" is not installed (npm install -D ${ref})`,
      "config",
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { main?: string; gitward?: { packs?: string[] } };
  const dir = dirname(manifestPath);
  const packs = manifest.gitward?.packs ?? (manifest.main && /\.ya?ml$/.test(manifest.main) ? [manifest.main] : []);
  if (packs.length === 0) {
    throw new GitwardError(
      `${displayPath(fromFile)}: extends: package "${ref}" declares no packs (add "gitward": {"packs": ["pack.yaml"]} to its package.json)`,
      "config",
    );
  }
  return { ref, packFiles: packs.map((p) => resolve(dir, p)), builtin: false };
}

export interface LoadedConfig {
  config: ResolvedConfig;
  layers: ResolvedLayer[];
  overrides: Record<string, LayeredOverride[]>;
}

/**
 * Loads the config governing `cwd` (or `explicitFile`), merged over defaults.
 * `explicitFile === false` means no config at all (`--no-config`).
 */
export async function loadConfig(
  cwd: string,
  options: { explicitFile?: string | false; repoRoot?: string } = {},
): Promise<LoadedConfig> {
  const config = defaultConfig();
  const overrides: Record<string, LayeredOverride[]> = {};
  const file =
    options.explicitFile === false
      ? undefined
      : options.explicitFile
        ? resolve(cwd, options.explicitFile)
        : findConfigFile(cwd, options.repoRoot);
  if (options.explicitFile && file && !existsSync(file)) {
    throw new GitwardError(`config file ${displayPath(file)} not found`, "config");
  }
  if (!file) return { config, layers: [{ ref: BUILTIN, packFiles: [], builtin: true }], overrides };

  const raw = await readConfigFile(file);
  config.file = file;
  config.extends = raw.extends ?? [BUILTIN];
  const layers = config.extends.map((ref) => resolveExtends(ref, file));
  const origin = displayPath(file);
  for (const [ruleId, value] of Object.entries(raw.rules ?? {})) {
    const o = typeof value === "string" ? { mode: value } : value;
    overrides[ruleId] = [...(overrides[ruleId] ?? []), { ...o, origin }];
  }
  config.rules = Object.fromEntries(
    Object.entries(raw.rules ?? {}).map(([k, v]) => [k, typeof v === "string" ? { mode: v } : v]),
  );
  if (raw.allowlist) {
    config.allowlist = {
      paths: raw.allowlist.paths ?? [],
      regexes: raw.allowlist.regexes ?? [],
      regexTarget: raw.allowlist.regexTarget ?? "secret",
      stopwords: raw.allowlist.stopwords ?? [],
    };
  }
  if (raw.failOn) config.failOn = raw.failOn;
  if (raw.maxFileSize !== undefined) config.maxFileSize = parseSize(raw.maxFileSize);
  if (raw.baseline) config.baseline = resolve(dirname(file), raw.baseline);
  return { config, layers, overrides };
}
