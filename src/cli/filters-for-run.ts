/**
 * Filters a scanning command adds after the defaults (config allowlist, inline
 * allows): the baseline. Kept in one place so every command (scan, staged,
 * pre-push, history) suppresses the same way.
 */
import type { FindingFilter } from "../filters/filter.js";
import type { ScanSetup } from "../setup.js";
import type { ScanArgs } from "./scan-options.js";

export async function extraFiltersFor(_setup: ScanSetup, _args: ScanArgs, _cwd: string): Promise<FindingFilter[]> {
  return [];
}
