/**
 * `gitward baseline create | update | prune [--file FILE]`: records the
 * current findings of the whole working tree so that only new ones block.
 *
 * - create: writes a new baseline (refuses to replace an existing one).
 * - update: adds findings not yet recorded; keeps every existing entry (and its reason, owner, expires).
 * - prune: drops entries that no longer match a finding. Entries for files that
 *   could not be scanned, or for rules not run (`--rule`), are kept.
 *
 * `--history` adds the findings of `gitward history` (every commit on every
 * ref) to the work tree's, so that the baseline also covers secrets that are
 * only in history (they are leaked all the same, and `gitward history` in CI
 * reports them). `prune` checks history by default in a repository with
 * commits, so that entries for history findings (written by `--history` or by
 * hand) are kept while the history still holds them; `--no-history` prunes
 * against the work tree alone.
 *
 * The scan always covers the repository root (not just the working
 * directory), so pruning from a subdirectory cannot drop other entries.
 * Findings already suppressed by the config allowlist or an inline allow are
 * not recorded. `--reason`, `--owner`, `--expires` annotate new entries.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { ExitCode, GitwardError } from "../../errors.js";
import {
  type BaselineEntry,
  DEFAULT_BASELINE_FILE,
  entryFromFinding,
  entryKey,
  isValidDate,
  normalizeEntries,
  readBaseline,
  writeBaseline,
} from "../../filters/baseline.js";
import { runPipeline } from "../../pipeline.js";
import { prepareScan, type ScanSetup } from "../../setup.js";
import { FilesSource } from "../../sources/files.js";
import type { ScanResult } from "../../types.js";
import { baselineOrigin, baselineRoot } from "../filters-for-run.js";
import type { CliIO } from "../io.js";
import { type ScanArgs, setupOptionsFrom } from "../scan-options.js";

export interface BaselineArgs extends ScanArgs {
  action: "create" | "update" | "prune";
  file?: string;
  reason?: string;
  owner?: string;
  expires?: string;
  /** Also the findings of the history scan (default: only for prune, in a repository with commits). */
  history?: boolean;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/**
 * Makes `git merge` keep both sides' lines of the baseline (`merge=union`):
 * every entry line is self-contained, so even entries two branches add at the
 * same place merge without a conflict. Returns the line added, if any.
 */
export function ensureUnionMerge(repoRoot: string, baselineFile: string): string | undefined {
  const rel = toPosix(relative(repoRoot, baselineFile));
  if (rel.startsWith("..")) return undefined;
  const attributes = join(repoRoot, ".gitattributes");
  const line = `/${rel.replace(/ /g, "[[:space:]]")} merge=union`;
  const existing = existsSync(attributes) ? readFileSync(attributes, "utf8") : "";
  if (existing.split(/\r?\n/).some((l) => l.includes(rel) && l.includes("merge="))) return undefined;
  const prefix = existing === "" || existing.endsWith("\n") ? "" : "\n";
  appendFileSync(attributes, `${prefix}# gitward baseline: keep both branches' entries when merging\n${line}\n`);
  return line;
}

/** The findings of a history scan of every ref, without any baseline (what `gitward history` would report). */
async function historyFindings(setup: ScanSetup, args: BaselineArgs, io: CliIO): Promise<ScanResult> {
  const { requireRepository, runHistoryScan } = await import("./history.js");
  await requireRepository(io.cwd, "baseline --history");
  const outcome = await runHistoryScan(
    setup,
    { ...args, baseline: false },
    { ...io, cwd: setup.repoRoot ?? io.cwd },
    { revs: ["--all"], kind: "history", progress: false },
  );
  return outcome.result;
}

export async function baselineCommand(args: BaselineArgs, io: CliIO): Promise<number> {
  if (args.expires !== undefined && !isValidDate(args.expires)) {
    throw new GitwardError(`--expires: "${args.expires}" is not a date YYYY-MM-DD`, "usage");
  }
  const setup = await prepareScan(setupOptionsFrom(args, io.cwd));
  for (const w of setup.warnings) io.stderr(`warning: ${w.message}\n`);
  const scanRoot = setup.repoRoot ?? io.cwd;
  const absFile = args.file ? resolve(io.cwd, args.file) : (setup.config.baseline ?? join(scanRoot, DEFAULT_BASELINE_FILE));
  const root = baselineRoot(setup.repoRoot, absFile);
  const origin = baselineOrigin(root, absFile);
  const exists = existsSync(absFile);
  if (args.action === "create" && exists) {
    throw new GitwardError(
      `baseline create: ${origin} already exists; use "gitward baseline update" to add new findings, or delete it first`,
      "usage",
    );
  }
  if (args.action === "prune" && !exists) {
    throw new GitwardError(`baseline prune: ${origin} not found (create one with "gitward baseline create")`, "usage");
  }
  const existing = exists ? await readBaseline(absFile) : [];

  // Scan the whole tree from the root baseline paths are relative to; no baseline filter.
  const result = await runPipeline({
    source: new FilesSource({
      cwd: root,
      paths: [],
      maxFileSize: setup.config.maxFileSize,
      excludePaths: setup.config.allowlist.paths,
    }),
    ruleSet: setup.ruleSet,
    config: setup.config,
    strict: args.strict,
  });
  const withHistory = args.history ?? (args.action === "prune" && setup.repoRoot !== undefined);
  if (withHistory) {
    const history = await historyFindings(setup, args, io);
    result.findings.push(...history.findings);
    result.skipped.push(...history.skipped);
    result.warnings.push(...history.warnings);
  }
  for (const w of result.warnings) io.stderr(`warning: ${w.message}\n`);
  const fatal = result.skipped.filter((s) => s.fatal);
  for (const s of fatal) io.stderr(`not scanned: ${s.path}: ${s.detail}\n`);

  const current = new Map<string, BaselineEntry>();
  const annotations = {
    ...(args.reason ? { reason: args.reason } : {}),
    ...(args.owner ? { owner: args.owner } : {}),
    ...(args.expires ? { expires: args.expires } : {}),
  };
  for (const f of result.findings) {
    if (f.suppressions?.length) continue; // already allowed inline or by the config
    const entry = entryFromFinding(f, f.path, annotations);
    current.set(entryKey(entry), entry);
  }

  const say = (text: string) => {
    if (!args.quiet) io.stdout(`${text}\n`);
  };
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const entriesWord = (n: number) => `${n} entr${n === 1 ? "y" : "ies"}`;

  if (args.action === "create" || args.action === "update") {
    const known = new Set(existing.map(entryKey));
    const added = [...current.values()].filter((e) => !known.has(entryKey(e)));
    const stale = existing.filter((e) => !current.has(entryKey(e))).length;
    writeBaseline(absFile, normalizeEntries([...existing, ...added]));
    const files = new Set(added.map((e) => e.path)).size;
    say(
      args.action === "create"
        ? `recorded ${plural(added.length, "finding")} in ${plural(files, "file")} to ${origin}`
        : `added ${entriesWord(added.length)} to ${origin}, kept ${existing.length}${stale ? ` (${stale} no longer match: gitward baseline prune)` : ""}`,
    );
    if (setup.repoRoot) {
      const attr = ensureUnionMerge(setup.repoRoot, absFile);
      if (attr) say(`added "${attr}" to .gitattributes so that branches adding entries merge without conflicts`);
    }
  } else {
    const skippedPaths = new Set(result.skipped.map((s) => s.path));
    const ranRules = new Set([...setup.ruleSet.secretRules, ...setup.ruleSet.configRules].map((r) => r.spec.id));
    const kept: BaselineEntry[] = [];
    const dropped: BaselineEntry[] = [];
    for (const e of existing) {
      const keep = current.has(entryKey(e)) || skippedPaths.has(e.path) || !ranRules.has(e.ruleId);
      (keep ? kept : dropped).push(e);
    }
    writeBaseline(absFile, kept);
    say(`removed ${entriesWord(dropped.length)} that no longer match from ${origin}, kept ${kept.length}`);
    if (args.verbose) for (const e of dropped) say(`  removed ${e.path} ${e.ruleId} ${e.secretHash.slice(0, 12)}`);
  }
  if (fatal.length > 0 && !args.allowSkip) {
    io.stderr(
      `gitward: ${plural(fatal.length, "file")} could not be scanned; entries for them were kept as they were. Use --allow-skip to accept.\n`,
    );
    return ExitCode.Error;
  }
  return ExitCode.Clean;
}
