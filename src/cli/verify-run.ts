/**
 * Wires the verification stage into the commands: decides whether this run
 * verifies (scan/history: --verify or `verify.enabled`; the staged and
 * pre-push hooks only with `verify.enabled` and `verify.hooks`, never from a
 * flag), and applies --only-verified. The verifiers, and with them every
 * network module, are imported only when a run verifies: a scan without
 * verification cannot make a request.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { GitwardError } from "../errors.js";
import { runGit } from "../git/run-git.js";
import type { ScanSetup } from "../setup.js";
import type { Finding, ScanResult } from "../types.js";
import type { CliIO } from "./io.js";

export interface VerifyArgs {
  /** --verify / --no-verify (scan, history). */
  verify?: boolean;
  /** --only-verified: report only findings the provider still accepts. */
  onlyVerified?: boolean;
}

export interface VerifyRunOptions {
  /** staged / pre-push: only the config can turn verification on, and only with verify.hooks. */
  hook: boolean;
  /** Repository root (git lookups) or scan root. */
  root: string;
  /** history --cache FILE: the verification cache goes beside it. */
  historyCacheFile?: string;
}

export function wantsVerification(setup: ScanSetup, args: VerifyArgs, hook: boolean): boolean {
  const settings = setup.config.verify;
  if (hook) return settings?.enabled === true && settings.hooks === true;
  if (args.onlyVerified && args.verify === false)
    throw new GitwardError("--only-verified needs verification (drop --no-verify)", "usage");
  return args.verify ?? args.onlyVerified ?? settings?.enabled ?? false;
}

/** Verifies the result's findings in place when this run should; applies --only-verified. */
export async function verifyIfAsked(
  result: ScanResult,
  setup: ScanSetup,
  args: VerifyArgs,
  io: CliIO,
  options: VerifyRunOptions,
): Promise<void> {
  if (!wantsVerification(setup, args, options.hook)) return;
  const { verifyFindings } = await import("../verify/verify-findings.js");
  const { defaultVerifyCacheFile } = await import("../verify/verify-cache.js");
  const { defaultVerifySettings } = await import("../config/config-types.js");
  const settings = setup.config.verify ?? defaultVerifySettings();
  const cacheFile =
    settings.cacheFile ??
    (options.historyCacheFile ? `${resolve(io.cwd, options.historyCacheFile)}.verify.json` : defaultVerifyCacheFile(io.env));
  const summary = await verifyFindings(result.findings, {
    settings,
    ...(setup.config.file ? { configFile: setup.config.file } : {}),
    env: io.env,
    readText: (f) => readFindingText(f, io.cwd, options.root),
    ...(cacheFile ? { cacheFile } : {}),
    notice: (m) => io.stderr(`gitward: ${m}\n`),
  });
  if (args.onlyVerified) {
    const before = result.findings.length;
    result.findings = result.findings.filter((f) => f.verification?.status === "live");
    summary.hiddenNotLive = before - result.findings.length;
  }
  result.verification = summary;
}

/** The file a finding is in, at its commit for history findings, else on disk. */
async function readFindingText(f: Finding, cwd: string, root: string): Promise<string | undefined> {
  if (f.commit?.sha) {
    const r = await runGit(["cat-file", "blob", `${f.commit.sha}:${f.path}`], root, { allowFail: true });
    return r.code === 0 ? r.stdout.toString("utf8") : undefined;
  }
  for (const base of [cwd, root]) {
    try {
      return await readFile(resolve(base, f.path), "utf8");
    } catch {
      // try the next base
    }
  }
  return undefined;
}
