#!/usr/bin/env node
// `node bin/gitward.js` keeps working: the executable is bin/gitward.cjs (CommonJS, so that start-up
// skips the ESM loader; it loads the bundled CLI through V8's code cache).
import { createRequire } from "node:module";

createRequire(import.meta.url)("./gitward.cjs");
