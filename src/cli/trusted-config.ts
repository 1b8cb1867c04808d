/**
 * Trusted config for ranged scans in CI (`gitward history A..B
 * --trusted-config-from A`): a pull request must not decide what CI reports
 * about it. Its own `.gitward.yaml`, baseline and local packs could otherwise
 * allowlist the key it adds, so they are read from the trusted (base)
 * revision instead, and every suppression the range adds is listed:
 *
 * - config: each allowlist entry, rule override or setting (failOn, extends,
 *   baseline, …) the range's tip has and the base has not;
 * - baseline: each entry the tip's baseline has and the base's has not;
 * - inline allows: each allow on a line the range adds (the history scan sees
 *   exactly the added lines); they still apply, and are listed with what they
 *   suppressed.
 *
 * The base revision's files are written to a private temporary directory
 * (config, the local files its `extends` names, the baseline) and loaded from
 * there as usual; `node_modules` is linked in so package layers resolve.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { CONFIG_NAMES } from "../config/load-config.js";
import { GitwardError } from "../errors.js";
import { DEFAULT_BASELINE_FILE, entryKey, parseBaseline } from "../filters/baseline.js";
import type { InlineAllowFilter } from "../filters/inline-allow.js";
import { runGit } from "../git/run-git.js";
import type { AddedSuppression } from "../types.js";

/** The gitward files of one revision, as repository-relative POSIX paths and their text. */
export interface RevisionFiles {
  rev: string;
  sha: string;
  configRel?: string;
  config?: Record<string, unknown>;
  configText?: string;
  baselineRel?: string;
  baselineText?: string;
  /** Every file read (config, the local files it extends, the baseline). */
  files: Map<string, string>;
}

export interface TrustedConfig extends RevisionFiles {
  dir: string;
  /** The materialised config (false: the trusted revision has none). */
  configFile: string | false;
  baselineFile?: string;
  cleanup(): void;
}

function posix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

async function resolveCommit(cwd: string, rev: string, flag: string): Promise<string> {
  if (rev.startsWith("-")) throw new GitwardError(`${flag}: "${rev}" is not a revision`, "usage");
  const r = await runGit(["rev-parse", "--verify", "-q", "--end-of-options", `${rev}^{commit}`], cwd, { allowFail: true });
  if (r.code !== 0)
    throw new GitwardError(`${flag}: unknown revision "${rev}" (fetch it first: actions/checkout fetch-depth: 0)`, "usage");
  return r.stdout.toString("utf8").trim();
}

async function treeFiles(cwd: string, sha: string): Promise<Set<string>> {
  const r = await runGit(["ls-tree", "-r", "--name-only", "-z", sha], cwd);
  return new Set(r.stdout.toString("utf8").split("\0").filter(Boolean));
}

async function readBlob(cwd: string, sha: string, path: string): Promise<string> {
  const r = await runGit(["cat-file", "blob", `${sha}:${path}`], cwd);
  return r.stdout.toString("utf8");
}

async function parseYaml(text: string): Promise<Record<string, unknown> | undefined> {
  const { parse } = await import("yaml");
  try {
    const value = parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the config governing `cwd` at a revision (or the one named by
 * `--config`), the local files its `extends` names (recursively), and the
 * baseline it uses, without touching the work tree.
 */
export async function readRevisionFiles(
  cwd: string,
  repoRoot: string,
  rev: string,
  options: { config?: string | boolean; baseline?: string | boolean; flag: string },
): Promise<RevisionFiles> {
  const sha = await resolveCommit(cwd, rev, options.flag);
  const tree = await treeFiles(cwd, sha);
  const out: RevisionFiles = { rev, sha, files: new Map() };
  const rel = (abs: string) => posix(relative(repoRoot, abs));
  if (typeof options.config === "string" && options.config !== "") {
    const wanted = rel(resolve(cwd, options.config));
    if (tree.has(wanted)) out.configRel = wanted;
  } else if (options.config !== false) {
    for (let dir = rel(cwd); out.configRel === undefined; dir = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "") {
      const found = CONFIG_NAMES.map((n) => (dir ? `${dir}/${n}` : n)).find((p) => tree.has(p));
      if (found) out.configRel = found;
      if (dir === "") break;
    }
  }
  const add = async (path: string) => {
    if (out.files.has(path) || !tree.has(path)) return false;
    out.files.set(path, await readBlob(cwd, sha, path));
    return true;
  };
  const pending = out.configRel ? [out.configRel] : [];
  while (pending.length > 0) {
    const file = pending.shift() as string;
    if (!(await add(file))) continue;
    const raw = await parseYaml(out.files.get(file) as string);
    if (file === out.configRel) {
      out.configText = out.files.get(file);
      if (raw) out.config = raw;
    }
    for (const ref of Array.isArray(raw?.extends) ? (raw.extends as unknown[]) : []) {
      if (typeof ref !== "string" || !ref.startsWith(".")) continue;
      const target = posix(join(dirname(file), ref));
      if (tree.has(target)) pending.push(target);
      else for (const p of tree) if (p.startsWith(`${target}/`)) await add(p);
    }
  }
  if (options.baseline !== false) {
    const fromConfig =
      typeof out.config?.baseline === "string" && out.configRel
        ? posix(join(dirname(out.configRel), out.config.baseline))
        : undefined;
    const wanted =
      typeof options.baseline === "string" && options.baseline !== ""
        ? rel(resolve(cwd, options.baseline))
        : (fromConfig ?? DEFAULT_BASELINE_FILE);
    if (await add(wanted)) {
      out.baselineRel = wanted;
      out.baselineText = out.files.get(wanted);
    }
  }
  return out;
}

/** The trusted revision's gitward files, written where the usual loaders can read them. */
export async function loadTrustedConfig(
  cwd: string,
  repoRoot: string,
  rev: string,
  options: { config?: string | boolean; baseline?: string | boolean },
): Promise<TrustedConfig> {
  const files = await readRevisionFiles(cwd, repoRoot, rev, { ...options, flag: "--trusted-config-from" });
  const dir = mkdtempSync(join(tmpdir(), "gitward-trusted-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const [path, text] of files.files) {
      const target = join(dir, ...path.split("/"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    // Package layers (extends: ["@acme/gitward-config"]) resolve from the project's install.
    const modules = join(repoRoot, "node_modules");
    if (existsSync(modules)) symlinkSync(modules, join(dir, "node_modules"), "dir");
  } catch (e) {
    cleanup();
    throw new GitwardError(`--trusted-config-from: cannot prepare ${rev}'s config: ${(e as Error).message}`, "io");
  }
  return {
    ...files,
    dir,
    configFile: files.configRel ? join(dir, ...files.configRel.split("/")) : false,
    ...(files.baselineRel ? { baselineFile: join(dir, ...files.baselineRel.split("/")) } : {}),
    cleanup,
  };
}

/** The revision a range ends at: B in A..B and A...B, the revision itself otherwise, else HEAD. */
export function rangeTip(range: string | undefined): string {
  if (!range) return "HEAD";
  const m = /^(.*?)\.{2,3}(.*)$/.exec(range);
  if (!m) return range;
  return m[2] || "HEAD";
}

function lineOf(text: string | undefined, needle: string): number {
  if (!text) return 1;
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  return i === -1 ? 1 : i + 1;
}

const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));

/** Config and baseline suppressions the tip adds over the trusted revision. */
export async function addedConfigSuppressions(base: RevisionFiles, tip: RevisionFiles): Promise<AddedSuppression[]> {
  const out: AddedSuppression[] = [];
  if (tip.configRel && tip.configText !== undefined) {
    const path = tip.configRel;
    const before = base.config ?? {};
    const after = tip.config;
    if (!after) {
      if (tip.configText !== base.configText)
        out.push({ kind: "config", path, line: 1, message: `${path} changed and cannot be read as YAML` });
    } else {
      const entries = (v: unknown) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : []);
      const allowBefore = (before.allowlist ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries((after.allowlist ?? {}) as Record<string, unknown>)) {
        const had = new Set(entries(allowBefore[key]));
        for (const entry of entries(value)) {
          if (had.has(entry)) continue;
          const plain = JSON.parse(entry) as unknown;
          out.push({
            kind: "config",
            path,
            line: lineOf(tip.configText, typeof plain === "string" ? plain : entry),
            message: `allowlist.${key} adds ${entry}`,
          });
        }
      }
      const rulesBefore = (before.rules ?? {}) as Record<string, unknown>;
      for (const [id, value] of Object.entries((after.rules ?? {}) as Record<string, unknown>)) {
        if (JSON.stringify(value) === JSON.stringify(rulesBefore[id])) continue;
        out.push({
          kind: "config",
          path,
          line: lineOf(tip.configText, id),
          message: `rules.${id}: ${show(value)} (was ${show(rulesBefore[id])})`,
        });
      }
      for (const key of Object.keys(after)) {
        if (key === "allowlist" || key === "rules") continue;
        if (JSON.stringify(after[key]) === JSON.stringify(before[key])) continue;
        out.push({
          kind: "config",
          path,
          line: lineOf(tip.configText, `${key}:`),
          message: `${key}: ${show(after[key])} (was ${show(before[key])})`,
        });
      }
    }
  }
  if (tip.baselineRel && tip.baselineText !== undefined) {
    const path = tip.baselineRel;
    let had = new Set<string>();
    try {
      if (base.baselineText !== undefined)
        had = new Set((await parseBaseline(base.baselineText, base.baselineRel ?? path)).map(entryKey));
      for (const e of await parseBaseline(tip.baselineText, path)) {
        if (had.has(entryKey(e))) continue;
        const why = [
          e.reason ? `reason "${e.reason}"` : "no reason",
          e.owner ? `owner ${e.owner}` : "",
          e.expires ? `expires ${e.expires}` : "",
        ]
          .filter(Boolean)
          .join(", ");
        out.push({
          kind: "baseline",
          path,
          line: lineOf(tip.baselineText, e.secretHash),
          ruleIds: [e.ruleId],
          message: `baseline entry for ${e.ruleId} at ${e.path} (sha256 ${e.secretHash.slice(0, 12)}; ${why})`,
        });
      }
    } catch (e) {
      out.push({ kind: "baseline", path, line: 1, message: `${path} changed and cannot be read: ${(e as Error).message}` });
    }
  }
  return out;
}

/** Inline allows on the lines the range adds, with what each suppressed. */
export function addedInlineAllows(filter: InlineAllowFilter): AddedSuppression[] {
  return filter.allows().map((a) => {
    const named = a.rules.length ? a.rules.join(", ") : "every rule";
    const did = a.suppressed.length ? `; suppressed ${a.suppressed.join(", ")}` : "; suppressed nothing in this range";
    return {
      kind: "inline-allow",
      path: a.path,
      line: a.line,
      ...(a.commit ? { commit: a.commit } : {}),
      ruleIds: a.suppressed,
      message: `inline allow (${a.marker}) for ${named}${a.reason ? ` -- ${a.reason}` : ", no reason"}${did}`,
    };
  });
}
