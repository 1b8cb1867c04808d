/**
 * The hook fast path. `gitward staged` and `gitward pre-push` run on every
 * commit and push, and loading yargs alone costs more than the whole scan of
 * a typical commit. When the arguments are plain (known options from the same
 * SCAN_OPTIONS table yargs uses), they are parsed here and the command runs
 * directly. Anything else (help, unknown or repeated flags, bad values, option
 * clusters) returns undefined and the full yargs CLI handles it, with its usual
 * messages: this parser only has to be right about what it accepts.
 *
 * Hand-written rather than node:util's parseArgs: that one is loaded and
 * warmed up on first use, about a millisecond of every hook, for a grammar
 * this small.
 */
import type { CliIO } from "./io.js";
import { type OptionSpec, SCAN_OPTIONS, type ScanArgs } from "./scan-options.js";

const FAST_COMMANDS = new Set(["staged", "pre-push"]);

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

const BY_NAME = new Map<string, OptionSpec>(SCAN_OPTIONS.map((o) => [o.name, o]));
const BY_ALIAS = new Map<string, OptionSpec>(
  SCAN_OPTIONS.filter((o) => o.alias?.length === 1).map((o) => [o.alias as string, o]),
);

type Parsed = { values: Map<OptionSpec, string | boolean | string[]>; positionals: string[] };

/**
 * `--name`, `--name=value`, `--name value`, `--no-name` (boolean or negatable
 * options), `-x` and `-x value` (one-letter aliases), positionals, and `--`
 * (everything after it is a positional). Undefined for anything else (`-`
 * included), and for an option given twice (yargs decides what that means)
 * unless it is an array option.
 */
function parseOptions(argv: readonly string[]): Parsed | undefined {
  const values: Parsed["values"] = new Map();
  const positionals: string[] = [];
  const set = (o: OptionSpec, value: string | boolean): boolean => {
    const prev = values.get(o);
    if (o.array && typeof value === "string") values.set(o, [...((prev as string[] | undefined) ?? []), value]);
    else if (prev !== undefined) return false;
    else values.set(o, o.array ? [value as string] : value);
    return true;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      // Hook managers pass file names after "--", so that "-dash.env" is a name, not an option.
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    let option: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      option = BY_NAME.get(name);
      if (!option && name.startsWith("no-")) {
        const negated = BY_NAME.get(name.slice(3));
        if (!negated || inline !== undefined || !(negated.type === "boolean" || negated.negatable)) return undefined;
        if (!set(negated, false)) return undefined;
        continue;
      }
    } else if (arg.length === 2) option = BY_ALIAS.get(arg.slice(1));
    if (!option) return undefined;
    if (option.type === "boolean") {
      if (inline !== undefined || !set(option, true)) return undefined;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // A missing value, or one that looks like a flag: yargs words the error (or the ambiguity).
      if (next === undefined || next.startsWith("-")) return undefined;
      value = next;
      i++;
    }
    if (!set(option, value)) return undefined;
  }
  return { values, positionals };
}

/** Parses hook-style arguments, or returns undefined when yargs should handle them. */
export function parseFastArgs(argv: string[]): { command: string; args: ScanArgs & Record<string, unknown> } | undefined {
  const [command, ...rest] = argv;
  if (!command || !FAST_COMMANDS.has(command)) return undefined;
  const parsed = parseOptions(rest);
  if (!parsed) return undefined;
  const args: Record<string, unknown> = {};
  for (const o of SCAN_OPTIONS) {
    const key = camel(o.name);
    const value = parsed.values.get(o) ?? o.default;
    if (value === undefined) continue;
    if (o.choices && typeof value === "string" && !o.choices.includes(value)) return undefined;
    args[key] = value;
  }
  if (command === "staged") args.files = parsed.positionals;
  else {
    if (parsed.positionals.length > 2) return undefined;
    args.remote = parsed.positionals[0];
    args.url = parsed.positionals[1];
  }
  return { command, args: args as ScanArgs & Record<string, unknown> };
}

export async function tryFastPath(argv: string[], io: CliIO): Promise<number | undefined> {
  const fast = parseFastArgs(argv);
  if (!fast) return undefined;
  if (fast.command === "staged") {
    const { stagedCommand } = await import("./commands/staged.js");
    return stagedCommand(fast.args as never, io);
  }
  const { prePushCommand } = await import("./commands/pre-push.js");
  return prePushCommand(fast.args as never, io);
}
