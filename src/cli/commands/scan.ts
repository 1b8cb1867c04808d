/** `gitward scan [paths..]`: files and directories on disk, or `-` for stdin. */
import { GitwardError } from "../../errors.js";
import { runPipeline } from "../../pipeline.js";
import { prepareScan } from "../../setup.js";
import { FilesSource } from "../../sources/files.js";
import type { TextSource } from "../../sources/source.js";
import { StdinSource } from "../../sources/stdin.js";
import { createDebugTracer } from "../debug-trace.js";
import { extraFiltersFor } from "../filters-for-run.js";
import { type CliIO, STDIN_ARG } from "../io.js";
import { emitReport } from "../report-output.js";
import { type ScanArgs, setupOptionsFrom } from "../scan-options.js";
import { type VerifyArgs, verifyIfAsked } from "../verify-run.js";

export interface ScanCommandArgs extends ScanArgs, VerifyArgs {
  paths: string[];
  stdinFilename?: string;
  ignore: boolean;
  scanAll: boolean;
}

export async function scanCommand(args: ScanCommandArgs, io: CliIO): Promise<number> {
  const setup = await prepareScan(setupOptionsFrom(args, io.cwd));
  for (const w of setup.warnings) io.stderr(`warning: ${w.message}\n`);
  const paths = args.paths ?? [];
  let source: TextSource;
  if (paths.includes(STDIN_ARG)) {
    if (paths.length > 1) throw new GitwardError("scan: '-' (stdin) cannot be combined with other paths", "usage");
    source = new StdinSource(() => io.readStdin(), args.stdinFilename ?? "<stdin>");
  } else {
    source = new FilesSource({
      cwd: io.cwd,
      paths,
      maxFileSize: setup.config.maxFileSize,
      excludePaths: setup.config.allowlist.paths,
      noIgnore: args.ignore === false,
      scanAll: args.scanAll,
    });
  }
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
  await verifyIfAsked(result, setup, args, io, { hook: false, root: setup.repoRoot ?? io.cwd });
  return emitReport(result, setup.ruleSet, args, io, {
    sourceDescription: source.description,
    root: io.cwd,
  });
}
