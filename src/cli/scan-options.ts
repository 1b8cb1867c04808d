/**
 * Options shared by every scanning command (scan, staged, pre-push, history),
 * and their translation into setup and report options.
 */
import type { Argv } from "yargs";
import { parseSize } from "../config/load-config.js";
import { GitwardError } from "../errors.js";
import type { SetupOptions } from "../setup.js";
import { SEVERITIES, type Severity } from "../types.js";

export interface ScanArgs {
  format: "text" | "json" | "sarif";
  output?: string;
  redact: boolean;
  config?: string | boolean;
  pack?: string[];
  failOn?: Severity;
  maxFileSize?: string;
  debug: boolean;
  verbose: boolean;
  showSuppressed: boolean;
  strict: boolean;
  reportUnusedAllows: boolean;
  baseline?: string | boolean;
  rule?: string[];
  allowSkip: boolean;
  quiet: boolean;
}

export function withScanOptions<T>(y: Argv<T>): Argv<T & ScanArgs> {
  return y
    .option("format", {
      alias: "f",
      choices: ["text", "json", "sarif"] as const,
      default: "text" as const,
      describe: "Report format",
    })
    .option("output", { alias: "o", type: "string", describe: "Write the report to FILE (the summary still goes to stderr)" })
    .option("redact", { type: "boolean", default: true, describe: "Mask secrets in all output (--no-redact shows them in full)" })
    .option("config", {
      alias: "c",
      type: "string",
      describe: "Config file (default: nearest .gitward.yaml up to the repo root); --no-config ignores it",
    })
    .option("pack", { type: "string", array: true, describe: "Add a pack file for this run (repeatable)" })
    .option("fail-on", { choices: SEVERITIES, describe: "Lowest severity that blocks (overrides config failOn)" })
    .option("max-file-size", { type: "string", describe: 'Skip files larger than this (bytes or e.g. "5MB")' })
    .option("baseline", {
      type: "string",
      describe: "Baseline file (default: config baseline or .gitward-baseline.json if present); --no-baseline ignores it",
    })
    .option("rule", { type: "string", array: true, describe: "Run only this rule (repeatable)" })
    .option("show-suppressed", { type: "boolean", default: false, describe: "List suppressed findings too" })
    .option("strict", { type: "boolean", default: false, describe: "Report imprecise inline allows (no rule id)" })
    .option("report-unused-allows", {
      type: "boolean",
      default: false,
      describe: "List inline allows that no longer match anything",
    })
    .option("allow-skip", {
      type: "boolean",
      default: false,
      describe: "Do not fail when a file could not be read or parsed (it is still reported)",
    })
    .option("debug", {
      type: "boolean",
      default: false,
      describe: "Trace why candidates were dropped (to stderr; secrets stay masked)",
    })
    .option("verbose", { alias: "v", type: "boolean", default: false, describe: "List skipped files" })
    .option("quiet", {
      alias: "q",
      type: "boolean",
      default: false,
      describe: "Print findings only, no summary",
    }) as unknown as Argv<T & ScanArgs>;
}

export function setupOptionsFrom(args: ScanArgs, cwd: string): SetupOptions {
  const options: SetupOptions = { cwd };
  if (args.config === false) options.configFile = false;
  else if (typeof args.config === "string") options.configFile = args.config;
  if (args.pack?.length) options.packs = args.pack;
  if (args.failOn) options.failOn = args.failOn;
  if (args.maxFileSize) {
    try {
      options.maxFileSize = parseSize(args.maxFileSize);
    } catch {
      throw new GitwardError(`--max-file-size: invalid size "${args.maxFileSize}"`, "usage");
    }
  }
  if (args.rule?.length) options.onlyRules = args.rule;
  return options;
}
