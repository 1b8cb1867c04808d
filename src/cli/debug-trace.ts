/**
 * `--debug`: every candidate a detector dropped, with the stage and reason.
 * Keyword-stage drops (a rule whose keywords do not occur) are counted rather
 * than listed: they are the common case and would drown the rest.
 */
import type { Tracer } from "../types.js";
import type { CliIO } from "./io.js";

export function createDebugTracer(io: CliIO): { tracer: Tracer; finish(): void } {
  let keywordSkips = 0;
  return {
    tracer: (e) => {
      if (e.stage === "keyword") {
        keywordSkips++;
        return;
      }
      io.stderr(`debug: ${e.ruleId} ${e.path}${e.line ? `:${e.line}` : ""} dropped at ${e.stage}: ${e.reason}\n`);
    },
    finish: () => io.stderr(`debug: ${keywordSkips} rule/fragment pairs skipped by the keyword prefilter\n`),
  };
}
