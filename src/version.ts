import { readFileSync } from "node:fs";

/** The package version, read once from package.json (kept out of the bundle so it never drifts). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export const TOOL_NAME = "gitward";
export const TOOL_URI = "https://github.com/gitward/gitward";
