/** Process entry point: bin/gitward.js imports this (bundled) and sets the exit code. */
import { processIO } from "./io.js";
import { run } from "./run.js";

export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIO());
}
