// Runs the CLI from source without building: npx tsx scripts/dev.ts <command> [options]
import { processIO } from "../src/cli/io.js";
import { run } from "../src/cli/run.js";

process.exitCode = await run(process.argv.slice(2), processIO());
