/**
 * `gitward -C DIR <command>` (also `--cwd DIR`, `--cwd=DIR`, repeatable) runs
 * as if started in DIR, like git -C: config discovery, paths and the
 * repository are DIR's. Shared by the full CLI (run.ts) and the hook entry
 * (hook-main.ts), which both take it before anything else.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode } from "../errors.js";
import type { CliIO } from "./io.js";

/** The arguments after the leading -C options and the io of that directory, or the exit code of a bad one. */
export function leadingCwd(argvIn: string[], ioIn: CliIO): { argv: string[]; io: CliIO } | number {
  let argv = argvIn;
  let io = ioIn;
  while (argv[0] === "-C" || argv[0]?.startsWith("--cwd")) {
    const inline = argv[0].startsWith("--cwd=") ? argv[0].slice(6) : undefined;
    const dir = inline ?? argv[1];
    if (!dir) {
      io.stderr("gitward: -C needs a directory\n");
      return ExitCode.Error;
    }
    const target = resolve(io.cwd, dir);
    if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
      io.stderr(`gitward: -C ${dir}: not a directory\n`);
      return ExitCode.Error;
    }
    io = { ...io, cwd: target };
    argv = argv.slice(inline === undefined ? 2 : 1);
  }
  return { argv, io };
}
