/**
 * Finds, reads and validates `.gitward.yaml` (or `gitward.config.yaml`), and
 * resolves its `extends` layers into packs and rule overrides.
 *
 * Lookup walks up from the working directory to the repository root (or the
 * filesystem root outside a repository); `--config PATH` skips the lookup.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { GitwardError } from "../errors.js";
import type { LayeredOverride } from "../packs/rule-set.js";
import type { Severity } from "../types.js";
import { displayPath, formatProblem } from "../util/display-path.js";
import { parseSize } from "../util/size.js";
import { readValidated, writeValidated } from "../util/validated-file-cache.js";
import type { YamlSource } from "../util/yaml-source.js";
import {
  defaultConfig,
  defaultVerifySettings,
  type ResolvedConfig,
  type RuleOverride,
  type VerifySettings,
} from "./config-types.js";

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
  reportUnusedAllows?: boolean;
  verify?: boolean | (Partial<Omit<VerifySettings, "cacheFile">> & { cacheFile?: string });
}

export { parseSize };

/** 1-based line of the key `key` in the map at `path` (falls back to the map's line). */
function keyLine(source: YamlSource, text: string, path: (string | number)[], key: string): number {
  const parent = path.length ? source.doc.getIn(path, true) : source.doc.contents;
  const items = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items;
  const offset = items?.find((pair) => pair.key?.value === key)?.key?.range?.[0];
  if (offset === undefined) return source.lineOf(path);
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads and validates one config file (no extends resolution). A file whose
 * exact text was validated before is taken from the cache (util/validated-file-cache.ts).
 */
export async function readConfigFile(file: string): Promise<RawConfig> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GitwardError(`cannot read config ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "config");
  }
  const cached = readValidated<RawConfig>("config", file, text);
  if (cached) return cached;
  const raw = await validateConfigText(file, text);
  // An empty file is left out: its YAML value (null) is not a config's when it is named in extends.
  if (Object.keys(raw).length > 0) writeValidated("config", file, text, raw);
  return raw;
}

async function validateConfigText(file: string, text: string): Promise<RawConfig> {
  // YAML and schema validation load on demand: a repo without a config never pays for them.
  const { parseYamlSource } = await import("../util/yaml-source.js");
  const { validateAgainstSchema } = await import("../util/schema-validator.js");
  const source = parseYamlSource(displayPath(file), text, "config");
  if (source.value === null || source.value === undefined) return {};
  const problems = await validateAgainstSchema(source, "config.schema.json");
  if (problems.length > 0) {
    const lines = problems.map((p) => {
      // An unknown field is reported on its parent; point at the field's own line.
      const unknown = /^unknown field "(.+)"$/.exec(p.message)?.[1];
      const line = unknown !== undefined ? keyLine(source, text, p.path, unknown) : p.line;
      return formatProblem({ file, line, ...(p.path.length ? { field: p.path.join(".") } : {}), message: p.message });
    });
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

/** A layer resolved from an `extends` entry: pack files to load (or the built-in packs). */
export interface ResolvedLayer {
  ref: string;
  packFiles: string[];
  builtin: boolean;
}

/** What an `extends` entry names: the built-in packs, pack files, or a shareable config (which may add packs first). */
export type ExtendsTarget =
  | { kind: "builtin"; ref: string }
  | { kind: "packs"; ref: string; files: string[] }
  | { kind: "config"; ref: string; file: string; origin: string; packFiles: string[] };

/** A shareable config is a YAML map without a pack's `name`/`rules: [...]`; a pack has a rules list. */
async function isConfigYaml(file: string): Promise<boolean> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return false; // let the pack loader report it
  }
  // A file validated before (as a config or as a pack) needs no YAML parse to tell which it is.
  let value: unknown = readValidated("config", file, text) ?? readValidated<{ pack: unknown }>("pack", file, text)?.pack;
  if (value === undefined) {
    const { parseYamlSource } = await import("../util/yaml-source.js");
    try {
      value = parseYamlSource(displayPath(file), text, "config").value;
    } catch {
      return false; // let the pack loader report it
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return !Array.isArray(v.rules) && typeof v.name !== "string";
}

async function fileTarget(ref: string, file: string, origin: string): Promise<ExtendsTarget> {
  return (await isConfigYaml(file))
    ? { kind: "config", ref, file, origin, packFiles: [] }
    : { kind: "packs", ref, files: [file] };
}

/**
 * Resolves an `extends` entry relative to the file that names it:
 * "gitward:builtin"; a path to a pack or a shareable config (.yaml); a file
 * inside an npm package ("@acme/gitward-config/strict.yaml"); or an npm
 * package whose package.json says `"gitward": {"config": "gitward.yaml"}`
 * and/or `"gitward": {"packs": [...]}` (or whose main file is a YAML pack or config).
 */
export async function resolveExtendsTarget(ref: string, fromFile: string): Promise<ExtendsTarget> {
  if (ref === BUILTIN) return { kind: "builtin", ref };
  const base = dirname(fromFile);
  if (ref.startsWith(".") || isAbsolute(ref)) {
    const file = resolve(base, ref);
    if (!existsSync(file))
      throw new GitwardError(`${displayPath(fromFile)}: extends: "${ref}" not found (${displayPath(file)})`, "config");
    return fileTarget(ref, file, originOf(file, dirname(fromFile)));
  }
  const require = createRequire(join(base, "noop.js"));
  const notInstalled = () =>
    new GitwardError(
      `${displayPath(fromFile)}: extends: package "${ref}" is not installed (npm install -D ${packageName(ref)})`,
      "config",
    );
  if (/\.ya?ml$/.test(ref)) {
    let file: string;
    try {
      file = require.resolve(ref);
    } catch {
      throw notInstalled();
    }
    return fileTarget(ref, file, ref);
  }
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${ref}/package.json`);
  } catch {
    throw notInstalled();
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    main?: string;
    gitward?: { packs?: string[]; config?: string };
  };
  const dir = dirname(manifestPath);
  const packFiles = (manifest.gitward?.packs ?? []).map((p) => resolve(dir, p));
  const configRel = manifest.gitward?.config;
  if (configRel) {
    const file = resolve(dir, configRel);
    if (!existsSync(file)) {
      throw new GitwardError(
        `${displayPath(fromFile)}: extends: package "${ref}" names config "${configRel}", which is missing`,
        "config",
      );
    }
    return { kind: "config", ref, file, origin: `${ref}/${configRel.replace(/^\.\//, "")}`, packFiles };
  }
  if (packFiles.length > 0) return { kind: "packs", ref, files: packFiles };
  if (manifest.main && /\.ya?ml$/.test(manifest.main)) {
    return fileTarget(ref, resolve(dir, manifest.main), `${ref}/${manifest.main.replace(/^\.\//, "")}`);
  }
  throw new GitwardError(
    `${displayPath(fromFile)}: extends: package "${ref}" declares no packs or config (add "gitward": {"packs": ["pack.yaml"]} or {"config": "gitward.yaml"} to its package.json)`,
    "config",
  );
}

function packageName(ref: string): string {
  const parts = ref.split("/");
  return ref.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? ref);
}

/** Backwards-compatible form of `resolveExtendsTarget` for pack references. */
export async function resolveExtends(ref: string, fromFile: string): Promise<ResolvedLayer> {
  const t = await resolveExtendsTarget(ref, fromFile);
  if (t.kind === "builtin") return { ref, packFiles: [], builtin: true };
  if (t.kind === "packs") return { ref, packFiles: t.files, builtin: false };
  return { ref, packFiles: [...t.packFiles], builtin: false };
}

/** How a local config file is named in `gitward rules`: relative to `root` when inside it. */
function originOf(file: string, root: string): string {
  const rel = relative(root, file).split(sep).join("/");
  return rel && !rel.startsWith("..") ? rel : displayPath(file);
}

export interface LoadedConfig {
  config: ResolvedConfig;
  layers: ResolvedLayer[];
  overrides: Record<string, LayeredOverride[]>;
  /** Config files read, outermost (org) first, the repo's own last. */
  files?: string[];
}

interface Accumulator {
  config: ResolvedConfig;
  layers: ResolvedLayer[];
  overrides: Record<string, LayeredOverride[]>;
  seenPacks: Set<string>;
  builtin: boolean;
  files: string[];
}

function addPacks(acc: Accumulator, ref: string, files: string[]): void {
  const fresh = files.filter((f) => !acc.seenPacks.has(f));
  for (const f of fresh) acc.seenPacks.add(f);
  if (fresh.length > 0) acc.layers.push({ ref, packFiles: fresh, builtin: false });
}

/**
 * Applies one config file: first its `extends` layers (recursively, in order,
 * each pack loaded once), then its own settings, so later layers win.
 */
async function applyConfigFile(file: string, origin: string, acc: Accumulator, chain: string[], top: boolean): Promise<void> {
  const raw = await readConfigFile(file);
  acc.files.push(file);
  for (const ref of raw.extends ?? (top ? [BUILTIN] : [])) {
    const target = await resolveExtendsTarget(ref, file);
    if (target.kind === "builtin") {
      if (!acc.builtin) acc.layers.push({ ref, packFiles: [], builtin: true });
      acc.builtin = true;
    } else if (target.kind === "packs") {
      addPacks(acc, ref, target.files);
    } else {
      if (chain.includes(target.file)) {
        const cycle = [...chain.slice(chain.indexOf(target.file)), target.file].map(displayPath).join(" → ");
        throw new GitwardError(`${displayPath(file)}: extends: "${ref}" forms a cycle: ${cycle}`, "config");
      }
      addPacks(acc, ref, target.packFiles);
      await applyConfigFile(target.file, target.origin, acc, [...chain, target.file], false);
    }
  }
  const { config } = acc;
  for (const [ruleId, value] of Object.entries(raw.rules ?? {})) {
    const o: RuleOverride = typeof value === "string" ? { mode: value } : value;
    acc.overrides[ruleId] = [...(acc.overrides[ruleId] ?? []), { ...o, origin }];
    config.rules[ruleId] = { ...config.rules[ruleId], ...o };
  }
  if (raw.allowlist) {
    const a = config.allowlist;
    const add = (list: string[] = []) => list.map(() => origin);
    const was = a.origins ?? { paths: add(a.paths), regexes: add(a.regexes), stopwords: add(a.stopwords) };
    config.allowlist = {
      paths: [...a.paths, ...(raw.allowlist.paths ?? [])],
      regexes: [...a.regexes, ...(raw.allowlist.regexes ?? [])],
      regexTarget: raw.allowlist.regexTarget ?? a.regexTarget,
      stopwords: [...a.stopwords, ...(raw.allowlist.stopwords ?? [])],
      origins: {
        paths: [...was.paths, ...add(raw.allowlist.paths)],
        regexes: [...was.regexes, ...add(raw.allowlist.regexes)],
        stopwords: [...was.stopwords, ...add(raw.allowlist.stopwords)],
      },
    };
  }
  if (raw.failOn) config.failOn = raw.failOn;
  if (raw.maxFileSize !== undefined) {
    config.maxFileSize = parseSize(raw.maxFileSize);
    if (config.maxFileSize <= 0)
      throw new GitwardError(
        `${displayPath(file)}: maxFileSize: ${raw.maxFileSize} would skip every file; give a size above 0`,
        "config",
      );
  }
  if (raw.reportUnusedAllows !== undefined) config.reportUnusedAllows = raw.reportUnusedAllows;
  if (raw.verify !== undefined) {
    const v = typeof raw.verify === "boolean" ? { enabled: raw.verify } : raw.verify;
    const prev = config.verify ?? defaultVerifySettings();
    config.verify = {
      ...prev,
      ...v,
      endpoints: { ...prev.endpoints, ...(v.endpoints ?? {}) },
      rules: { ...prev.rules, ...(v.rules ?? {}) },
      ...(v.cacheFile ? { cacheFile: resolve(dirname(file), v.cacheFile) } : {}),
    };
  }
  // The baseline belongs to the repository: only the repo's own config names it.
  if (top && raw.baseline) config.baseline = resolve(dirname(file), raw.baseline);
  if (top) config.extends = raw.extends ?? [BUILTIN];
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
  const file =
    options.explicitFile === false
      ? undefined
      : options.explicitFile
        ? resolve(cwd, options.explicitFile)
        : findConfigFile(cwd, options.repoRoot);
  if (options.explicitFile && file && !existsSync(file)) {
    throw new GitwardError(`config file ${displayPath(file)} not found`, "config");
  }
  if (!file) return { config, layers: [{ ref: BUILTIN, packFiles: [], builtin: true }], overrides: {}, files: [] };
  const acc: Accumulator = { config, layers: [], overrides: {}, seenPacks: new Set(), builtin: false, files: [] };
  config.file = file;
  await applyConfigFile(file, originOf(file, options.repoRoot ?? cwd), acc, [file], true);
  return { config, layers: acc.layers, overrides: acc.overrides, files: acc.files };
}
