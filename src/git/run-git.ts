/**
 * Every git invocation goes through here: arguments as an array (never a
 * shell), and repo-local settings that could run programs or rewrite files
 * during a scan switched off. Hot paths (the pre-commit hook, history
 * streaming) use these spawn-based helpers directly because simple-git buffers
 * whole outputs and costs start-up time; simple-git serves the
 * non-hot commands (hook installation, repository discovery in tools).
 */
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
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

/**
 * Config as GIT_CONFIG_COUNT/KEY_n/VALUE_n variables (like `-c`, above the
 * repository's config, but any key works: a subsection may contain "="),
 * appended to those already in the environment.
 */
export function configEnv(pairs: readonly (readonly [string, string])[]): NodeJS.ProcessEnv {
  const base = Number.parseInt(process.env.GIT_CONFIG_COUNT ?? "0", 10) || 0;
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(base + pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${base + i}`] = key;
    env[`GIT_CONFIG_VALUE_${base + i}`] = value;
  });
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
    // No stdin pipe unless there is input: one socket fewer to create and tear down on the hook path.
    const stdin: "pipe" | "ignore" = options.input !== undefined ? "pipe" : "ignore";
    const child = spawn("git", [...SAFE_GIT_CONFIG, ...args], {
      cwd,
      env: gitEnv(),
      stdio: [stdin, "pipe", "pipe"],
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new GitwardError(`cannot run git: ${e.message}`, "git")));
    child.on("close", (code) => {
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 };
      const failure = failureOf(args, result, options.allowFail);
      if (failure) reject(failure);
      else resolve(result);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * runGit, blocking until git exits. For a git that answers in a few
 * milliseconds on the hook path: a synchronous run skips the pipes, stream
 * objects and events of an asynchronous one (about 3 ms of a pre-commit hook).
 * Throws where runGit rejects.
 */
export function runGitSync(args: string[], cwd: string, options: { allowFail?: boolean } = {}): GitResult {
  const r = spawnSync("git", [...SAFE_GIT_CONFIG, ...args], {
    cwd,
    env: gitEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: Number.POSITIVE_INFINITY,
  });
  if (r.error) throw new GitwardError(`cannot run git: ${r.error.message}`, "git");
  const result = { stdout: r.stdout, stderr: r.stderr.toString("utf8"), code: r.status ?? 1 };
  const failure = failureOf(args, result, options.allowFail);
  if (failure) throw failure;
  return result;
}

/**
 * runGit for a short git run started early on the hook path, whose output is
 * needed only later: git writes into anonymous files (created in `dir`, which
 * must be private to the repository, such as its .git directory, and unlinked
 * at once) instead of pipes. A pipe is a socket object with stream machinery
 * and a read event per chunk on this thread; a file costs two opens, and the
 * output is read in one call after git exits, so git runs on the other core
 * while this thread loads the packs. Undefined when the files cannot be
 * created there (read-only repository, another platform): use runGitSync.
 * Only for git commands that start no programs of their own (no external diff,
 * textconv or hooks), whose output is therefore complete when git exits.
 */
export function runGitInBackground(args: string[], cwd: string, dir: string): Promise<GitResult> | undefined {
  if (process.platform === "win32") return undefined; // an open file cannot be unlinked there
  const out = anonymousFile(dir);
  const err = out === undefined ? undefined : anonymousFile(dir);
  if (out === undefined || err === undefined) {
    if (out !== undefined) closeSync(out);
    return undefined;
  }
  return new Promise<GitResult>((resolve, reject) => {
    const done = () => {
      closeSync(out);
      closeSync(err);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn("git", [...SAFE_GIT_CONFIG, ...args], { cwd, env: gitEnv(), stdio: ["ignore", out, err] });
    } catch (e) {
      done();
      reject(new GitwardError(`cannot run git: ${(e as Error).message}`, "git"));
      return;
    }
    child.on("error", (e) => {
      done();
      reject(new GitwardError(`cannot run git: ${e.message}`, "git"));
    });
    child.on("exit", (code, signal) => {
      try {
        const result = { stdout: readAll(out), stderr: readAll(err).toString("utf8"), code: code ?? (signal ? 128 : 1) };
        const failure = failureOf(args, result);
        if (failure) reject(failure);
        else resolve(result);
      } catch (e) {
        reject(new GitwardError(`cannot read git's output: ${(e as Error).message}`, "git"));
      } finally {
        done();
      }
    });
  });
}

/** A new file only this process can reach: created exclusively, owner-only, and unlinked at once. */
function anonymousFile(dir: string): number | undefined {
  const name = join(dir, `gitward-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(name, "wx+", 0o600);
    unlinkSync(name);
    return fd;
  } catch {
    if (fd !== undefined) closeSync(fd); // created but not unlinked: do not keep using it
    return undefined;
  }
}

function readAll(fd: number): Buffer {
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, buf, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? buf : buf.subarray(0, at);
}

/** The error for a git run that failed (unless failing is allowed), naming the command and what git said. */
function failureOf(args: string[], result: GitResult, allowFail = false): GitwardError | undefined {
  if (result.code === 0 || allowFail) return undefined;
  const command = args
    .filter((a) => !a.startsWith("-c"))
    .slice(0, 3)
    .join(" ");
  return new GitwardError(`git ${command} failed: ${result.stderr.trim() || `exit ${result.code}`}`, "git");
}

/** Convenience: git output as a UTF-8 string. */
export async function gitText(args: string[], cwd: string): Promise<string> {
  return (await runGit(args, cwd)).stdout.toString("utf8");
}

/** The work tree root containing `cwd`, or undefined outside a repository. */
export async function findRepoRoot(cwd: string): Promise<string | undefined> {
  const found = plainWorkTreeRoot(cwd);
  if (found) return found;
  const r = await runGit(["rev-parse", "--show-toplevel"], cwd, { allowFail: true }).catch(() => undefined);
  if (r?.code !== 0) return undefined;
  return r.stdout.toString("utf8").trim() || undefined;
}

/** Environment variables with which git could find the repository or its work tree elsewhere. */
const DISCOVERY_ENV = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_COMMON_DIR",
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_CONFIG_COUNT",
];

/**
 * `git rev-parse --show-toplevel` without spawning git (a process start is a
 * noticeable part of a pre-commit hook), for the plain layout only: the nearest
 * directory at or above `cwd` holding a `.git` directory with a HEAD, whose
 * config neither sets core.worktree nor core.bare. Anything else (worktrees and
 * submodules with a `.git` file, GIT_DIR and friends, Windows paths, a cwd
 * inside `.git`) returns undefined and git is asked. Like git, it answers with
 * the physical path.
 */
export function plainWorkTreeRoot(cwd: string): string | undefined {
  if (process.platform === "win32") return undefined;
  if (DISCOVERY_ENV.some((v) => process.env[v] !== undefined)) return undefined;
  if (/worktree|bare/i.test(process.env.GIT_CONFIG_PARAMETERS ?? "")) return undefined;
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  for (;;) {
    if (basename(dir) === ".git") return undefined;
    const dotGit = join(dir, ".git");
    const st = statSync(dotGit, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory() || !existsSync(join(dotGit, "HEAD"))) return undefined;
      let config = "";
      try {
        config = readFileSync(join(dotGit, "config"), "utf8");
      } catch {
        return undefined;
      }
      return /worktree|bare\s*=\s*true/i.test(config) ? undefined : dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
