/**
 * Renders a scan result in the chosen format, writes it, and decides the exit
 * code: 2 when something asked for could not be scanned (fail closed), 1 when
 * a blocking finding remains, else 0.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode, GitwardError } from "../errors.js";
import type { RuleSet } from "../packs/rule-set.js";
import { activeFindings, hasBlocking } from "../pipeline.js";
import type { ReportOptions } from "../reporters/report-types.js";
import type { ScanResult } from "../types.js";
import type { CliIO } from "./io.js";
import { useColor } from "./io.js";
import type { ScanArgs } from "./scan-options.js";

export async function emitReport(
  result: ScanResult,
  ruleSet: RuleSet,
  args: ScanArgs,
  io: CliIO,
  extra: Partial<ReportOptions> & { sourceDescription: string; hint?: string },
): Promise<number> {
  const toFile = args.output !== undefined;
  const options: ReportOptions = {
    noRedact: !args.redact,
    color: !toFile && args.format === "text" && useColor(io, io.stdoutIsTTY),
    showSuppressed: args.showSuppressed,
    verbose: args.verbose,
    failedClosed: !args.allowSkip && result.skipped.some((s) => s.fatal),
    ...extra,
  };
  let rendered: string;
  if (args.format === "json") rendered = (await import("../reporters/json.js")).renderJson(result, ruleSet, options);
  else if (args.format === "sarif") rendered = (await import("../reporters/sarif.js")).renderSarif(result, ruleSet, options);
  else {
    const { renderText, summaryLines } = await import("../reporters/text.js");
    // Printed lines are masked whatever rules ran: rescan them with every built-in rule.
    const shown = options.showSuppressed ? result.findings : activeFindings(result.findings);
    if (!options.noRedact && shown.length > 0) {
      options.lineMasks = await (await import("../reporters/line-masks.js")).lineMasks(shown, ruleSet);
    }
    rendered = args.quiet
      ? renderText({ ...result, skipped: [], warnings: [] }, ruleSet, options)
          .split("\n")
          .slice(0, -2)
          .join("\n")
      : renderText(result, ruleSet, options);
    if (toFile && !args.quiet)
      io.stderr(`${summaryLines(result, { ...options, color: useColor(io, io.stderrIsTTY) }).join("\n")}\n`);
  }
  if (toFile) {
    try {
      writeFileSync(resolve(io.cwd, args.output as string), rendered);
    } catch (e) {
      throw new GitwardError(`cannot write ${args.output}: ${(e as NodeJS.ErrnoException).code ?? e}`, "io");
    }
    if (args.format !== "text" && !args.quiet) {
      const { summaryLines } = await import("../reporters/text.js");
      io.stderr(`${summaryLines(result, { ...options, color: useColor(io, io.stderrIsTTY) }).join("\n")}\n`);
    }
  } else {
    io.stdout(rendered);
  }
  const notScanned = result.skipped.filter((s) => s.fatal);
  if (notScanned.length > 0 && !args.allowSkip) {
    // JSON or SARIF on stdout: the summary (and its list) was not printed anywhere a reader sees it.
    if (!toFile && args.format !== "text") for (const s of notScanned) io.stderr(`not scanned: ${s.path}: ${s.detail}\n`);
    io.stderr(
      `gitward: ${notScanned.length} file${notScanned.length === 1 ? "" : "s"} could not be scanned (listed above); failing closed. Use --allow-skip to accept.\n`,
    );
    return ExitCode.Error;
  }
  if (hasBlocking(result.findings)) {
    if (extra.hint && args.format === "text" && !args.quiet) io.stderr(`${extra.hint}\n`);
    return ExitCode.Findings;
  }
  return ExitCode.Clean;
}
