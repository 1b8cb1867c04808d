import { readFileSync } from "node:fs";

/**
 * The package version, read from package.json at run time so it never drifts.
 * The module runs both from dist/ (one level below the root) and from the
 * bundle in dist/bin/ (two levels), so both locations are tried.
 */
function readVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "gitward" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

let version: string | undefined;

/** The package version, read on first use: a pre-commit hook's text report never needs it. */
export function toolVersion(): string {
  version ??= readVersion();
  return version;
}

export const TOOL_NAME = "gitward";
export const TOOL_URI = "https://github.com/gitward/gitward";
