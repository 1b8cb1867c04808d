/**
 * Entry of the hook bundle, dist/bin/gitward-hook.cjs: `gitward staged` and
 * `gitward pre-push` with plain arguments, on every commit and push. It is the
 * fast path of the full CLI (src/cli/main.ts) without yargs, the other
 * commands and their libraries, so the hook compiles and deserializes a third
 * less code (bin/gitward.cjs explains the code cache). Anything the fast path
 * leaves to yargs (help, unknown or repeated options, bad values) makes main
 * resolve false before it writes anything: bin/gitward.cjs then runs the full
 * CLI with the same arguments.
 */
import { coldRunReason } from "../util/code-cache-hint.js";
import { tryFastPath } from "./fast-path.js";
import { processIO, processOutputFlushed } from "./io.js";
import { leadingCwd } from "./leading-cwd.js";
import { reportError } from "./report-error.js";

/** For bin/gitward.cjs: why this run should not write the V8 code cache (see util/code-cache-hint.ts). */
export { coldRunReason };

/** Runs the hook command; false when the arguments need the full CLI (nothing was run or written). */
export async function main(): Promise<boolean> {
  const io = processIO();
  const leading = leadingCwd(process.argv.slice(2), io);
  let code: number | undefined;
  if (typeof leading === "number") code = leading;
  else {
    try {
      code = await tryFastPath(leading.argv, leading.io);
    } catch (e) {
      code = reportError(e, leading.io);
    }
  }
  if (code === undefined) return false;
  process.exitCode = code;
  await processOutputFlushed();
  return true;
}
