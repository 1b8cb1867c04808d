/**
 * `gitward staged [files..]` (also `gitward scan --staged`): the pre-commit
 * hook. Scans exactly what is staged; with files (the pre-commit framework),
 * those files' staged changes, or their whole content when nothing is staged.
 * Imports only what a hook needs: the pipeline, the staged source, git spawning.
 */

import { DEFAULT_MAX_FILE_SIZE } from "../../config/config-types.js";
import { ExitCode, GitwardError } from "../../errors.js";
import { runPipeline } from "../../pipeline.js";
import { prepareScan } from "../../setup.js";
import { StagedSource, startStagedDiff } from "../../sources/staged.js";
import { createDebugTracer } from "../debug-trace.js";
import { extraFiltersFor } from "../filters-for-run.js";
import type { CliIO } from "../io.js";
import { emitReport } from "../report-output.js";
import { type ScanArgs, setupOptionsFrom } from "../scan-options.js";
import type { VerifyArgs } from "../verify-run.js";

export interface StagedArgs extends ScanArgs, VerifyArgs {
  files?: string[];
  /** `gitward scan --staged [paths..]` passes its paths here. */
  paths?: string[];
  scanAll?: boolean;
}

export const STAGED_HINT =
  'gitward: commit blocked. Remove the secret (and rotate it if it was real), mark a false positive with "gitward:allow <rule-id> -- <reason>", or baseline it. git commit --no-verify skips this hook (the pre-push hook and CI still check).';

export async function stagedCommand(args: StagedArgs, io: CliIO): Promise<number> {
  if (args.verify || args.onlyVerified)
    throw new GitwardError(
      "--verify is not available for staged scans: a hook does not call the network unless the config sets verify.enabled and verify.hooks",
      "usage",
    );
  const options = setupOptionsFrom(args, io.cwd);
  const files = [...(args.files ?? []), ...(args.paths ?? [])];
  // git diffs while the config and packs load; the config's size limit is checked by the source.
  const diff = startStagedDiff(io.cwd, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, files);
  const setup = await prepareScan(options);
  if (!setup.repoRoot) {
    // A bare repository or no repository at all: there is no index to scan.
    throw new GitwardError("staged: not inside a git work tree (nothing is staged here); use gitward scan for files", "usage");
  }
  for (const w of setup.warnings) io.stderr(`warning: ${w.message}\n`);
  const source = new StagedSource({
    diff,
    cwd: io.cwd,
    repoRoot: setup.repoRoot,
    maxFileSize: setup.config.maxFileSize,
    excludePaths: setup.config.allowlist.paths,
    scanAll: args.scanAll === true,
    ...(files.length > 0 ? { files } : {}),
  });
  const debug = args.debug ? createDebugTracer(io) : undefined;
  const result = await runPipeline({
    source,
    ruleSet: setup.ruleSet,
    config: setup.config,
    extraFilters: await extraFiltersFor(setup, args, io.cwd),
    strict: args.strict,
    ...(debug ? { trace: debug.tracer } : {}),
  });
  debug?.finish();
  // The hook path loads verification code only when the config has a verify section at all.
  if (setup.config.verify)
    await (await import("../verify-run.js")).verifyIfAsked(result, setup, {}, io, { hook: true, root: setup.repoRoot });
  const code = await emitReport(result, setup.ruleSet, args, io, {
    sourceDescription: result.stats.files === 1 ? "staged file" : "staged files",
    root: setup.repoRoot,
    hint: STAGED_HINT,
  });
  // Fail closed: files were given (or changes staged) but nothing at all was scanned or deliberately skipped.
  const s = source.summary;
  if (code === ExitCode.Clean && files.length > 0 && s.scanned === 0 && s.skipped === 0) {
    io.stderr(
      `gitward: nothing was scanned although ${files.length} file${files.length === 1 ? " was" : "s were"} given; failing closed\n`,
    );
    return ExitCode.Error;
  }
  if (code === ExitCode.Clean && s.candidates > 0 && s.scanned === 0 && s.skipped < s.candidates) {
    io.stderr(`gitward: nothing was scanned although ${s.candidates} staged changes had content; failing closed\n`);
    return ExitCode.Error;
  }
  return code;
}
