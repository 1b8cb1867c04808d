/**
 * Streaming git: a child process whose stdout is read line by line as it is
 * produced, so a history of any size never sits in memory. Uses the same safe
 * settings as run-git.ts (no fsmonitor, no external diff, no pager, no optional
 * locks); arguments are passed as an array, never through a shell.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { GitwardError } from "../errors.js";
import { gitEnv, SAFE_GIT_CONFIG } from "./run-git.js";

export interface GitStream {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code and stderr once the process has ended. */
  done: Promise<{ code: number; stderr: string }>;
}

export function spawnGit(args: string[], cwd: string, extraConfig: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): GitStream {
  const child = spawn("git", [...SAFE_GIT_CONFIG, ...extraConfig, ...args], {
    cwd,
    env: gitEnv(extraEnv),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const err: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => {
    if (err.length < 64) err.push(b);
  });
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    child.on("error", (e) => reject(new GitwardError(`cannot run git: ${e.message}`, "git")));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr: Buffer.concat(err).toString("utf8") }));
  });
  // Writing to a git that already exited (bad revision) must not crash the process.
  child.stdin.on("error", () => {});
  return { child, done };
}

/** Throws a GitwardError naming the command when a streamed git process failed. */
export async function checkGit(stream: Pick<GitStream, "done">, what: string): Promise<void> {
  const { code, stderr } = await stream.done;
  if (code !== 0) throw new GitwardError(`${what} failed: ${stderr.trim() || `exit ${code}`}`, "git");
}
