/**
 * The hook fast path. `gitward staged` and `gitward pre-push` run on every
 * commit and push, and loading yargs alone costs more than the whole scan of
 * a typical commit. When the arguments are plain (known options from the same
 * SCAN_OPTIONS table yargs uses), they are parsed here with node:util's
 * parseArgs and the command runs directly. Anything else — help, unknown
 * flags, bad values — returns undefined and the full yargs CLI handles it,
 * with its usual messages.
 */
import { parseArgs } from "node:util";
import type { CliIO } from "./io.js";
import { SCAN_OPTIONS, type ScanArgs } from "./scan-options.js";

const FAST_COMMANDS = new Set(["staged", "pre-push"]);

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses hook-style arguments, or returns undefined when yargs should handle them. */
export function parseFastArgs(argv: string[]): { command: string; args: ScanArgs & Record<string, unknown> } | undefined {
  const [command, ...rest] = argv;
  if (!command || !FAST_COMMANDS.has(command)) return undefined;
  if (rest.some((a) => a === "--help" || a === "-h" || a === "--version")) return undefined;
  const options: NonNullable<Parameters<typeof parseArgs>[0]>["options"] = {};
  for (const o of SCAN_OPTIONS) {
    options[o.name] = {
      type: o.type,
      ...(o.alias && o.alias.length === 1 ? { short: o.alias } : {}),
      ...(o.array ? { multiple: true } : {}),
    };
    if (o.type === "boolean" || o.negatable) options[`no-${o.name}`] = { type: "boolean" };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const args: Record<string, unknown> = {};
  for (const o of SCAN_OPTIONS) {
    const key = camel(o.name);
    const value = parsed.values[o.name];
    const negated = parsed.values[`no-${o.name}`] === true;
    if (negated) args[key] = false;
    else if (value !== undefined) args[key] = value;
    else if (o.default !== undefined) args[key] = o.default;
    if (o.choices && typeof args[key] === "string" && !o.choices.includes(args[key] as string)) return undefined;
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
