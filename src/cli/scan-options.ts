/**
 * Options shared by every scanning command (scan, staged, pre-push, history),
 * declared once as data. yargs builds the full CLI from this table; the hook
 * fast path (fast-path.ts) parses the same table itself,
 * so a pre-commit hook never pays for loading yargs.
 */
import type { Argv } from "yargs";
import { GitwardError } from "../errors.js";
import type { SetupOptions } from "../setup.js";
import { SEVERITIES, type Severity } from "../types.js";
import { parseSize } from "../util/size.js";

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

export interface OptionSpec {
  /** Kebab-case flag name; yargs also exposes it camel-cased. */
  name: string;
  type: "string" | "boolean";
  alias?: string;
  array?: boolean;
  choices?: readonly string[];
  default?: string | boolean;
  /** A string option that also accepts --no-<name> (config, baseline). */
  negatable?: boolean;
  describe: string;
}

export const SCAN_OPTIONS: readonly OptionSpec[] = [
  { name: "format", alias: "f", type: "string", choices: ["text", "json", "sarif"], default: "text", describe: "Report format" },
  { name: "output", alias: "o", type: "string", describe: "Write the report to FILE (the summary still goes to stderr)" },
  { name: "redact", type: "boolean", default: true, describe: "Mask secrets in all output (--no-redact shows them in full)" },
  {
    name: "config",
    alias: "c",
    type: "string",
    negatable: true,
    describe: "Config file (default: nearest .gitward.yaml up to the repo root); --no-config ignores it",
  },
  { name: "pack", type: "string", array: true, describe: "Add a pack file for this run (repeatable)" },
  { name: "fail-on", type: "string", choices: SEVERITIES, describe: "Lowest severity that blocks (overrides config failOn)" },
  { name: "max-file-size", type: "string", describe: 'Skip files larger than this (bytes or e.g. "5MB")' },
  {
    name: "baseline",
    type: "string",
    negatable: true,
    describe: "Baseline file (default: config baseline or .gitward-baseline.json if present); --no-baseline ignores it",
  },
  { name: "rule", type: "string", array: true, describe: "Run only this rule (repeatable)" },
  { name: "show-suppressed", type: "boolean", default: false, describe: "List suppressed findings too" },
  { name: "strict", type: "boolean", default: false, describe: "Report imprecise inline allows (no rule id)" },
  { name: "report-unused-allows", type: "boolean", default: false, describe: "List inline allows that no longer match anything" },
  {
    name: "allow-skip",
    type: "boolean",
    default: false,
    describe: "Do not fail when a file could not be read or parsed (it is still reported)",
  },
  {
    name: "debug",
    type: "boolean",
    default: false,
    describe: "Trace why candidates were dropped (to stderr; secrets stay masked)",
  },
  { name: "verbose", alias: "v", type: "boolean", default: false, describe: "List skipped files" },
  { name: "quiet", alias: "q", type: "boolean", default: false, describe: "Print findings only, no summary" },
];

export function withScanOptions<T>(y: Argv<T>): Argv<T & ScanArgs> {
  let out = y as Argv<unknown>;
  for (const o of SCAN_OPTIONS) {
    out = out.option(o.name, {
      type: o.type,
      describe: o.describe,
      ...(o.alias ? { alias: o.alias } : {}),
      ...(o.array ? { array: true } : {}),
      ...(o.choices ? { choices: o.choices } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
    });
  }
  return out as Argv<T & ScanArgs>;
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
    if (options.maxFileSize <= 0) {
      throw new GitwardError(
        `--max-file-size: ${args.maxFileSize} would skip every file; give a size above 0 (default 5MB)`,
        "usage",
      );
    }
  }
  if (args.rule?.length) options.onlyRules = args.rule;
  return options;
}
