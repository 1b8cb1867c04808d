/**
 * gitward as a library:
 *
 *   import { scan } from "gitward";
 *   const result = await scan({ cwd: "/path/to/repo", paths: ["."] });
 *   for (const f of result.findings) console.log(f.ruleId, f.path, f.startLine);
 *
 * `scan` runs the same pipeline as `gitward scan` with the same config
 * discovery, packs and filters; findings keep the secret in memory
 * (`finding.secret`) for callers that need it, and reporters redact it.
 */
import { activeFindings, hasBlocking, runPipeline } from "./pipeline.js";
import { prepareScan, type SetupOptions } from "./setup.js";
import { FilesSource } from "./sources/files.js";
import type { TextSource } from "./sources/source.js";
import type { Fragment, ScanResult } from "./types.js";

export interface ScanOptions extends Partial<SetupOptions> {
  /** Files or directories relative to cwd (default ["."]). */
  paths?: string[];
  /** Scan in-memory texts instead of files. */
  texts?: { path: string; text: string }[];
}

export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const setup = await prepareScan({ ...options, cwd });
  const source: TextSource = options.texts
    ? {
        description: "files",
        async *fragments(ctx) {
          for (const t of options.texts ?? []) {
            ctx.countFile(Buffer.byteLength(t.text), t.text.split("\n").length);
            yield { path: t.path, text: t.text, startLine: 1, source: "file" } satisfies Fragment;
          }
        },
      }
    : new FilesSource({
        cwd,
        paths: options.paths ?? ["."],
        maxFileSize: setup.config.maxFileSize,
        excludePaths: setup.config.allowlist.paths,
      });
  const result = await runPipeline({ source, ruleSet: setup.ruleSet, config: setup.config });
  result.warnings.unshift(...setup.warnings);
  return result;
}

export type { CliIO } from "./cli/io.js";
export { run } from "./cli/run.js";
export type { ResolvedConfig } from "./config/config-types.js";
export type { ConfigRuleSpec, LoadedPack, LoadedRule, PackSpec, RuleSpec, SecretRuleSpec } from "./packs/pack-types.js";
export { prepareScan } from "./setup.js";
export type { SourceContext, TextSource } from "./sources/source.js";
export type { CommitInfo, Finding, Fragment, ScanResult, ScanWarning, Severity, SkipNotice, Suppression } from "./types.js";
export { activeFindings, hasBlocking, runPipeline };
