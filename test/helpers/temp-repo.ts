/**
 * Real git repositories in temp dirs for tests (no mocked git), and an
 * in-process CLI runner that captures output.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";

export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string | Buffer): void;
  read(path: string): string;
  commit(message: string, files?: Record<string, string | Buffer>): string;
  cleanup(): void;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export function tempDir(prefix = "gitward-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh repository with a deterministic identity and `main` as the initial branch. */
export function createRepo(options: { bare?: boolean } = {}): TempRepo {
  const dir = tempDir();
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: { ...process.env, ...GIT_ENV },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  git("init", "-q", "-b", "main", ...(options.bare ? ["--bare"] : []));
  const write = (path: string, content: string | Buffer) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  return {
    dir,
    git,
    write,
    read: (path) => readFileSync(join(dir, path), "utf8"),
    commit(message, files) {
      for (const [p, c] of Object.entries(files ?? {})) {
        write(p, c);
        git("add", "--", p);
      }
      git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD").trim();
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh repository per call, each removed after the test that made it. */
/** Makes temp repositories that are removed after each test; `track` hands it others to remove too. */
export interface RepoFactory {
  (options?: { bare?: boolean }): TempRepo;
  track<T extends { cleanup(): void }>(item: T): T;
}

export function reposPerTest(): RepoFactory {
  const made: { cleanup(): void }[] = [];
  afterEach(() => {
    for (const r of made.splice(0)) r.cleanup();
  });
  const factory = ((options: { bare?: boolean } = {}) => {
    const r = createRepo(options);
    made.push(r);
    return r;
  }) as RepoFactory;
  factory.track = (item) => {
    made.push(item);
    return item;
  };
  return factory;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (fast); use `runBin` for true end-to-end tests of the built binary. */
export async function runCli(
  argv: string[],
  cwd: string,
  options: { stdin?: string | Buffer; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => Buffer.from(options.stdin ?? ""),
    cwd,
    env: { ...options.env },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** The package's executable (package.json "bin"); bin/gitward.js delegates to it. */
export const BIN = join(dirname(new URL(import.meta.url).pathname), "../../bin/gitward.cjs");

/** Spawns the built binary (requires `npm run build`). */
export function runBin(argv: string[], cwd: string, options: { input?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    cwd,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV, NO_COLOR: "1", CI: "true", ...options.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export { GIT_ENV };
