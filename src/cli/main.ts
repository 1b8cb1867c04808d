/**
 * Process entry point: bin/gitward.cjs loads this (bundled), runs it and then
 * exits the process. Resolves once the exit code is set and all output is out.
 */
import { processIO, processOutputFlushed } from "./io.js";
import { run } from "./run.js";

export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIO());
  await processOutputFlushed();
}
