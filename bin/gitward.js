#!/usr/bin/env node
// Thin wrapper: all behaviour lives in run(argv, io) (src/cli/run.ts), bundled into dist/bin/.
import { main } from "../dist/bin/main.js";

await main();
