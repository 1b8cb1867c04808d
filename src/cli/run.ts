/**
 * The CLI as a pure function: `run(argv, io)` parses arguments with yargs,
 * dispatches to a command, and returns the exit code. `bin/gitward.cjs` loads
 * it (bundled, through V8's code cache); tests call `run` in-process.
 *
 * yargs only parses here: handlers record which command was chosen, and the
 * command's module is imported afterwards, so a pre-commit hook loads only
 * what `gitward staged` needs.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { isatty } from "node:tty";
import type { Argv } from "yargs";
import { ExitCode, GitwardError } from "../errors.js";
import { toolVersion } from "../version.js";
import { type CliIO, STDIN_ARG } from "./io.js";
import { leadingCwd } from "./leading-cwd.js";
import { reportError } from "./report-error.js";
import { withScanOptions } from "./scan-options.js";

// Commands take their own argument types; yargs has validated them, so the table is typed loosely.
type Handler = (args: never, io: CliIO) => Promise<number>;

const EPILOGUE = `Exit codes:
  0  no blocking findings, and everything asked for was scanned
  1  blocking findings (fix them, allow them with "gitward:allow <rule> -- <reason>", or baseline them)
  2  usage, config or pack error, or something could not be scanned (fail closed)

Docs: gitward explain <rule-id>   Config: .gitward.yaml (gitward init writes one)`;

const COMMANDS = new Set([
  "scan",
  "staged",
  "pre-push",
  "history",
  "install",
  "uninstall",
  "init",
  "baseline",
  "rules",
  "explain",
  "packs",
]);
// Verification calls providers over the network: only scan and history offer the flags (never the hooks).
const VERIFY_OPTION = {
  type: "boolean",
  describe: "Ask each provider whether found secrets still work (network; see docs/verification.md)",
} as const;
const ONLY_VERIFIED_OPTION = {
  type: "boolean",
  describe: "Report only secrets the provider still accepts (implies --verify)",
} as const;

export async function run(argvIn: string[], ioIn: CliIO): Promise<number> {
  // `gitward -C DIR <command>` runs as if started in DIR (like git -C), so config discovery,
  // paths and the repository are DIR's.
  const leading = leadingCwd(argvIn, ioIn);
  if (typeof leading === "number") return leading;
  const { argv } = leading;
  let { io } = leading;
  try {
    const { tryFastPath } = await import("./fast-path.js");
    const fast = await tryFastPath(argv, io);
    if (fast !== undefined) return fast;
  } catch (e) {
    return reportError(e, io);
  }
  const { default: yargs } = await import("yargs");
  let selected: { handler: () => Promise<Handler>; args: Record<string, unknown> } | undefined;
  const choose = (handler: () => Promise<Handler>) => (args: Record<string, unknown>) => {
    selected = { handler, args };
  };

  const parser: Argv = yargs()
    .scriptName("gitward")
    .usage("$0 [-C DIR] <command> [options]\n\nStops secrets and insecure infrastructure settings from getting into git.")
    .version(toolVersion())
    .help()
    .alias("h", "help")
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, (isatty(1) && process.stdout.columns) || 100))
    .epilogue(EPILOGUE)
    .exitProcess(false)
    // Handled before parsing (it may come first, like git -C); declared so that --help lists it.
    .option("C", {
      alias: "cwd",
      type: "string",
      global: true,
      describe: "Run as if gitward was started in DIR (like git -C)",
    })
    .command(
      "scan [paths..]",
      "Scan files and directories (honours .gitignore); '-' reads stdin",
      (y) =>
        withScanOptions(y)
          .positional("paths", {
            type: "string",
            array: true,
            default: [] as string[],
            describe: "Files or directories (default: .)",
          })
          .option("stdin-filename", { type: "string", describe: "Path to report (and to select rules by) for stdin" })
          .option("staged", { type: "boolean", default: false, describe: "Scan what is staged (same as gitward staged)" })
          // Declared as "ignore" so that yargs' --no-ignore negation works under strict mode.
          .option("ignore", {
            type: "boolean",
            default: true,
            describe: "Honour .gitignore (--no-ignore also scans ignored files)",
          })
          .option("scan-all", { type: "boolean", default: false, describe: "Also scan minified bundles and lockfile hashes" })
          .option("verify", VERIFY_OPTION)
          .option("only-verified", ONLY_VERIFIED_OPTION),
      choose(async () => {
        return async (args: Record<string, unknown>, io: CliIO) => {
          if (args.staged) {
            const paths = (args.paths as string[] | undefined) ?? [];
            if (paths.includes(STDIN_ARG) || args.stdinFilename !== undefined) {
              throw new GitwardError(
                "scan: '-' (stdin) and --staged are different sources: use one (gitward scan - < file, or gitward staged)",
                "usage",
              );
            }
            const { stagedCommand } = await import("./commands/staged.js");
            return stagedCommand({ ...args, files: paths } as never, io);
          }
          const { scanCommand } = await import("./commands/scan.js");
          return scanCommand(args as never, io);
        };
      }),
    )
    .command(
      "staged [files..]",
      "Scan exactly what is staged (the pre-commit hook)",
      (y) =>
        withScanOptions(y).positional("files", {
          type: "string",
          array: true,
          default: [] as string[],
          describe: "Limit to these files (as passed by the pre-commit framework)",
        }),
      choose(async () => (await import("./commands/staged.js")).stagedCommand as Handler),
    )
    .command(
      "pre-push [remote] [url]",
      "Scan commits about to be pushed (reads git's pre-push stdin)",
      (y) => withScanOptions(y).positional("remote", { type: "string" }).positional("url", { type: "string" }),
      choose(async () => (await import("./commands/pre-push.js")).prePushCommand as Handler),
    )
    .command(
      "history [range]",
      "Scan git history for secrets (all refs by default), for CI",
      (y) =>
        withScanOptions(y)
          .positional("range", { type: "string", describe: "Revision range such as main..feature" })
          .option("all", { type: "boolean", default: false, describe: "All refs (default when no range is given)" })
          .option("since", { type: "string", describe: "Only commits after this revision or date" })
          .option("max-count", { type: "number", describe: "At most this many commits" })
          .option("path", { type: "string", array: true, describe: "Only these paths" })
          .option("cache", { type: "string", describe: "Incremental scan cache file (hashes only)" })
          .option("jobs", {
            alias: "j",
            type: "number",
            describe: "Parallel git log processes (default 1; cores - 1 on 3+ cores, max 4)",
          })
          .option("progress", { type: "boolean", describe: "Progress bar on stderr (default: on a TTY outside CI)" })
          .option("trusted-config-from", {
            type: "string",
            describe:
              "Read config and baseline from this revision (a pull request's base), and list every suppression the range adds",
          })
          .option("step-summary", { type: "string", describe: "Append a Markdown summary to FILE (CI job page)" })
          .option("verify", VERIFY_OPTION)
          .option("only-verified", ONLY_VERIFIED_OPTION),
      choose(async () => (await import("./commands/history.js")).historyCommand as Handler),
    )
    .command(
      "install",
      "Install the pre-commit hook (husky if used, else a git hook honouring core.hooksPath)",
      (y) =>
        y
          .option("pre-push", { type: "boolean", default: false, describe: "Also install the pre-push hook" })
          .option("husky", { type: "boolean", describe: "Force (or with --no-husky, avoid) husky" }),
      choose(async () => (await import("./commands/install.js")).installCommand as Handler),
    )
    .command(
      "uninstall",
      "Remove gitward's hooks and restore any hook they chained",
      (y) => y,
      choose(async () => (await import("./commands/install.js")).uninstallCommand as Handler),
    )
    .command(
      "init",
      "Write a commented starter .gitward.yaml",
      (y) =>
        y
          .option("install", { type: "boolean", default: false, describe: "Also install the pre-commit hook" })
          .option("force", { type: "boolean", default: false, describe: "Overwrite an existing config" }),
      choose(async () => (await import("./commands/init.js")).initCommand as Handler),
    )
    .command(
      "baseline <action>",
      "Record current findings so that only new ones block (create | update | prune)",
      (y) =>
        withScanOptions(y)
          .positional("action", { choices: ["create", "update", "prune"] as const })
          .option("file", { type: "string", describe: "Baseline file (default: .gitward-baseline.json)" })
          .option("reason", { type: "string", describe: "Reason recorded on new entries" })
          .option("owner", { type: "string", describe: "Owner recorded on new entries" })
          .option("expires", { type: "string", describe: "Expiry date (YYYY-MM-DD) recorded on new entries" })
          .option("history", {
            type: "boolean",
            describe:
              "Also record (or, for prune, keep) findings of the history scan of every ref (prune: default in a repository)",
          }),
      choose(async () => (await import("./commands/baseline.js")).baselineCommand as Handler),
    )
    .command(
      "rules",
      "List loaded rules and the pack each came from",
      (y) =>
        y
          .option("config", { alias: "c", type: "string" })
          .option("pack", { type: "string", array: true })
          .option("kind", { choices: ["secret", "config"] as const })
          .option("format", { alias: "f", choices: ["text", "json"] as const, default: "text" as const }),
      choose(async () => (await import("./commands/rules.js")).rulesCommand as Handler),
    )
    .command(
      "explain <rule-id>",
      "Show a rule's documentation: why it matters, how to fix, how to allow",
      (y) =>
        y
          .positional("rule-id", { type: "string", demandOption: true })
          .option("config", { alias: "c", type: "string" })
          .option("pack", { type: "string", array: true }),
      choose(async () => (await import("./commands/rules.js")).explainCommand as Handler),
    )
    .command(
      "packs <action> [packs..]",
      "Test, lint or scaffold pattern packs (test | lint | new)",
      (y) =>
        y
          .positional("action", { choices: ["test", "lint", "new"] as const })
          .positional("packs", {
            type: "string",
            array: true,
            default: [] as string[],
            describe: "Pack files (default: built-in packs); for new: the rule id",
          })
          .option("format", { alias: "f", choices: ["text", "json"] as const, default: "text" as const })
          .option("output", { alias: "o", type: "string", describe: "For new: the pack file to append to" })
          .option("redos", { type: "boolean", default: true, describe: "lint: run the catastrophic-backtracking analysis" })
          .option("redos-timeout", {
            type: "number",
            describe: "lint: time budget per regex for that analysis, in ms (default 1000; verdicts are cached by regex)",
          }),
      choose(async () => (await import("./commands/packs.js")).packsCommand as Handler),
    )
    .demandCommand(1, "Say which command to run: gitward scan, gitward staged, gitward history ... (gitward --help)");

  // yargs renders the full help text whenever a command is chosen, in case the command fails later
  // (measured: ~50 ms of every history or scan run). Our handlers run after parsing and report
  // their own errors; --help and parse errors still render help on demand.
  const internals = (parser as unknown as { getInternalMethods?: () => { getUsageInstance(): { cacheHelpMessage(): void } } })
    .getInternalMethods;
  if (internals) internals.call(parser).getUsageInstance().cacheHelpMessage = () => {};

  let output = "";
  let parseError: Error | undefined;
  try {
    await parser.parseAsync(
      argv.map((a) => (a === "-" ? STDIN_ARG : a)),
      {},
      (err, _argv, out) => {
        if (err) parseError = err;
        output = out;
      },
    );
  } catch (e) {
    parseError ??= e as Error;
  }
  if (parseError) {
    // The error once, and where the options are listed; not the whole help (yargs puts the error
    // at the end of its help text too, so printing that would say it twice).
    const command = argv.find((a) => !a.startsWith("-") && COMMANDS.has(a));
    const help = command ? `gitward ${command} --help` : "gitward --help";
    io.stderr(`gitward: ${parseError.message.replace(/\s*\n\s*/g, " ")}\n${help} lists the commands and options.\n`);
    return ExitCode.Error;
  }
  if (!selected) {
    if (output) io.stdout(`${output}\n`);
    return ExitCode.Clean;
  }
  // -C DIR after the command name (`gitward scan -C DIR`): the same as before it.
  const late = selected.args.cwd ?? selected.args.C;
  if (typeof late === "string") {
    const target = resolve(io.cwd, late);
    if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
      io.stderr(`gitward: -C ${late}: not a directory\n`);
      return ExitCode.Error;
    }
    io = { ...io, cwd: target };
  }
  try {
    const handler = await selected.handler();
    return await handler(selected.args as never, io);
  } catch (e) {
    return reportError(e, io);
  }
}
