#!/usr/bin/env node
// Thin wrapper: all behaviour lives in run(argv, io), which tests call in-process.
import { processIO } from "../dist/cli/io.js";
import { run } from "../dist/cli/run.js";

const code = await run(process.argv.slice(2), processIO());
process.exitCode = code;
