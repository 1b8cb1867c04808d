/**
 * Process entry point: bin/gitward.cjs loads this (bundled), runs it and then
 * exits the process. Resolves once the exit code is set and all output is out.
 */
import { coldRunReason } from "../util/code-cache-hint.js";
import { processIO, processOutputFlushed } from "./io.js";
import { run } from "./run.js";

/** For bin/gitward.cjs: why this run should not write the V8 code cache (see util/code-cache-hint.ts). */
export { coldRunReason };

export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIO());
  await processOutputFlushed();
}
