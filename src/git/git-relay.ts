/**
 * A streamed git process whose output is drained by a worker thread.
 *
 * Reading `git log -p` on the main thread couples git to the scanner: the pipe
 * between them holds 64 kB, so whenever the scanner is busy with a chunk git
 * blocks, and whenever git is busy computing diffs the scanner idles. Measured
 * on a history scan: as much time idle as scanning, and a wall time near the
 * sum of both. Here a worker thread owns the git process and reads its output
 * as fast as git writes it, handing chunks to the main thread; git and the
 * scanner then overlap, each on its own core. Memory stays bounded: the worker
 * stops reading (and git blocks) when more than `maxBuffered` bytes have been
 * handed over but not yet consumed.
 */
import { Worker } from "node:worker_threads";
import { GitwardError } from "../errors.js";
import { gitEnv, SAFE_GIT_CONFIG } from "./run-git.js";

export interface RelayedGit {
  /** Writes to git's stdin (unbounded: for commit lists, which git reads whole before starting). */
  write(text: string): void;
  endInput(): void;
  /** git's stdout, chunk by chunk; a chunk is released to the worker's budget when the next is asked for. */
  stdout: AsyncIterable<Buffer>;
  kill(): void;
  /** Bytes handed over by the thread and not yet read (what the budget bounds). */
  readonly pendingBytes: number;
  /** Resolves with the exit code and stderr once git has ended. */
  done: Promise<{ code: number; stderr: string }>;
}

/** The worker: plain JavaScript (CommonJS) run with `eval`, so it needs no file of its own in any build. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const { args, cwd, env, maxBuffered } = workerData;
const child = spawn("git", args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
let buffered = 0;
let paused = false;
child.stdout.on("data", (b) => {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  buffered += copy.length;
  parentPort.postMessage({ t: "data", b: copy }, [copy.buffer]);
  if (!paused && buffered > maxBuffered) {
    paused = true;
    child.stdout.pause();
  }
});
child.stdout.on("end", () => parentPort.postMessage({ t: "end" }));
const err = [];
child.stderr.on("data", (b) => { if (err.length < 64) err.push(b); });
child.stdin.on("error", () => {});
child.on("error", (e) => parentPort.postMessage({ t: "error", message: e.message }));
child.on("close", (code) => {
  parentPort.postMessage({ t: "close", code: code === null ? 1 : code, stderr: Buffer.concat(err).toString("utf8") });
  parentPort.close();
});
parentPort.on("message", (m) => {
  if (m.t === "ack") {
    buffered -= m.n;
    if (paused && buffered <= maxBuffered / 2) {
      paused = false;
      child.stdout.resume();
    }
  } else if (m.t === "write") child.stdin.write(m.s);
  else if (m.t === "end") child.stdin.end();
  else if (m.t === "kill") child.kill();
});
`;

export function spawnGitRelayed(
  args: string[],
  cwd: string,
  extraConfig: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
  maxBuffered = 32 * 1024 * 1024,
): RelayedGit {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { args: [...SAFE_GIT_CONFIG, ...extraConfig, ...args], cwd, env: gitEnv(extraEnv), maxBuffered },
  });
  const chunks: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  let settle: (r: { code: number; stderr: string }) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  done.catch(() => {}); // observed by the caller through checkGit; never an unhandled rejection
  worker.on("message", (m: { t: string; b?: Uint8Array; code?: number; stderr?: string; message?: string }) => {
    if (m.t === "data" && m.b) chunks.push(Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength));
    else if (m.t === "end") ended = true;
    else if (m.t === "close") {
      ended = true;
      settle({ code: m.code ?? 1, stderr: m.stderr ?? "" });
    } else if (m.t === "error") {
      failure = new GitwardError(`cannot run git: ${m.message}`, "git");
      ended = true;
      fail(failure);
    }
    notify();
  });
  worker.on("error", (e) => {
    failure = new GitwardError(`git reader thread failed: ${e.message}`, "git");
    ended = true;
    fail(failure);
    notify();
  });
  worker.on("exit", () => {
    if (!ended) {
      ended = true;
      failure ??= new GitwardError("git reader thread exited early", "git");
      fail(failure);
    }
    notify();
  });

  async function* read(): AsyncGenerator<Buffer> {
    let previous = 0;
    try {
      for (;;) {
        if (previous > 0) worker.postMessage({ t: "ack", n: previous });
        previous = 0;
        const chunk = chunks.shift();
        if (chunk) {
          previous = chunk.length;
          yield chunk;
          continue;
        }
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (failure) throw failure;
    } finally {
      // Abandoned early (an error downstream): stop git; the thread ends when git has.
      if (!ended) worker.postMessage({ t: "kill" });
    }
  }

  return {
    write: (text) => worker.postMessage({ t: "write", s: text }),
    endInput: () => worker.postMessage({ t: "end" }),
    stdout: read(),
    kill: () => {
      worker.postMessage({ t: "kill" });
    },
    get pendingBytes() {
      return chunks.reduce((n, c) => n + c.length, 0);
    },
    done,
  };
}
