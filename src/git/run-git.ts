/**
 * Every git invocation goes through here: arguments as an array (never a
 * shell), and repo-local settings that could run programs or rewrite files
 * during a scan switched off. Hot paths (the pre-commit hook, history
 * streaming) use these spawn-based helpers directly because simple-git buffers
 * whole outputs and costs start-up time; simple-git serves the
 * non-hot commands (hook installation, repository discovery in tools).
 */
import { spawn } from "node:child_process";
import { GitwardError } from "../errors.js";

/** `-c` settings that neutralise repo-local config able to execute programs. */
export const SAFE_GIT_CONFIG = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.untrackedCache=false",
  "-c",
  "core.quotePath=false",
  "-c",
  "diff.external=",
  "-c",
  "core.pager=cat",
  "-c",
  "color.ui=false",
];

/** Environment for git: no optional locks (so read-only commands never rewrite the index), no prompts, no pager. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_OPTIONAL_LOCKS: "0",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    LC_ALL: "C",
    ...extra,
  };
  // A hook runs with GIT_DIR/GIT_INDEX_FILE set by git; they must be kept (they point at the
  // repository being committed to), so they are not cleared here.
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Runs git to completion and returns its output as bytes. Rejects only when git cannot start. */
export function runGit(
  args: string[],
  cwd: string,
  options: { input?: string | Buffer; allowFail?: boolean } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...SAFE_GIT_CONFIG, ...args], { cwd, env: gitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new GitwardError(`cannot run git: ${e.message}`, "git")));
    child.on("close", (code) => {
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 };
      if (result.code !== 0 && !options.allowFail) {
        reject(
          new GitwardError(
            `git ${args
              .filter((a) => !a.startsWith("-c"))
              .slice(0, 3)
              .join(" ")} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
            "git",
          ),
        );
      } else resolve(result);
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Convenience: git output as a UTF-8 string. */
export async function gitText(args: string[], cwd: string): Promise<string> {
  return (await runGit(args, cwd)).stdout.toString("utf8");
}

/** The work tree root containing `cwd`, or undefined outside a repository. */
export async function findRepoRoot(cwd: string): Promise<string | undefined> {
  const r = await runGit(["rev-parse", "--show-toplevel"], cwd, { allowFail: true }).catch(() => undefined);
  if (r?.code !== 0) return undefined;
  return r.stdout.toString("utf8").trim() || undefined;
}
