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
 * handed over but not yet consumed (8 MB by default: peak RSS is budgeted at 200 MB).
 */
import { Worker } from "node:worker_threads";
import { GitwardError } from "../errors.js";
import { spawnGit } from "./git-stream.js";
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

/** Bytes consumed before they are released to the thread's budget. */
const ACK_STEP = 1024 * 1024;
/** Characters of stdin collected before they are posted to the thread. */
const INPUT_BATCH = 64 * 1024;

/** How long the thread may hold git's output before posting it (see the worker). */
const FLUSH_MS = 5;

/**
 * A relay thread boots with this (plain JavaScript, run with `eval`, so it
 * needs no file of its own in any build): it loads child_process, then waits
 * for its work, WORKER_SOURCE with its data. Booting a thread took 70-120 ms
 * before git could start (the walk that every history scan waits for), so
 * bin/gitward.cjs starts one for `history` before it loads the CLI bundle,
 * and spawnGitRelayed takes that one (takePrestartedRelay) instead of
 * booting its own. bin/gitward.cjs holds a copy of this text (a test checks).
 */
export const RELAY_BOOT =
  'const { parentPort } = require("node:worker_threads"); const vm = require("node:vm"); require("node:child_process"); parentPort.once("message", (m) => vm.runInThisContext("(function (require, parentPort, workerData) {" + m.source + "\\n})")(require, parentPort, m.data));';

/** Where bin/gitward.cjs leaves the thread it started with RELAY_BOOT. */
const PRESTARTED = Symbol.for("gitward.relay");

/**
 * The relay thread bin/gitward.cjs started, once (later relays boot their
 * own), unless it has already ended: its end would have gone unheard.
 */
function takePrestartedRelay(): Worker | undefined {
  const g = globalThis as { [PRESTARTED]?: Worker & { gitwardEnded?: boolean } };
  const worker = g[PRESTARTED];
  delete g[PRESTARTED];
  return worker && !worker.gitwardEnded ? worker : undefined;
}

/** The relay's work, run by RELAY_BOOT with `require`, `parentPort` and `workerData`. */
const WORKER_SOURCE = `
const { spawn } = require("node:child_process");
const { args, cwd, env, maxBuffered } = workerData;
const child = spawn("git", args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
let buffered = 0;
let paused = false;
// git writes in small pieces (4 kB, and at the end of each commit), which the thread reads as they
// come. They are gathered into batches of up to 256 kB, posted at the latest ${FLUSH_MS} ms after the
// first piece of a batch: a message per piece (a setImmediate flush) was 33,000 messages for a
// 30,000-commit history, and about 3 s of CPU between the two threads, taken from git's core.
let pending = [];
let pendingBytes = 0;
let scheduled = false;
const flush = () => {
  scheduled = false;
  if (pendingBytes === 0) return;
  const batch = new Uint8Array(pendingBytes);
  let at = 0;
  for (const b of pending) { batch.set(b, at); at += b.length; }
  pending = [];
  pendingBytes = 0;
  parentPort.postMessage({ t: "data", b: batch }, [batch.buffer]);
};
child.stdout.on("data", (b) => {
  pending.push(b);
  pendingBytes += b.length;
  buffered += b.length;
  if (pendingBytes >= 262144) flush();
  else if (!scheduled) { scheduled = true; setTimeout(flush, ${FLUSH_MS}); }
  if (!paused && buffered > maxBuffered) {
    paused = true;
    child.stdout.pause();
  }
});
child.stdout.on("end", () => { flush(); parentPort.postMessage({ t: "end" }); });
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
  maxBuffered = 8 * 1024 * 1024,
): RelayedGit {
  let worker: Worker;
  try {
    worker = takePrestartedRelay() ?? new Worker(RELAY_BOOT, { eval: true });
  } catch (e) {
    // Node's permission model without --allow-worker, say: a clear error, not an internal one.
    throw new GitwardError(`cannot start the thread that reads git: ${(e as Error).message}`, "git");
  }
  worker.ref(); // (a prestarted thread is unreferenced until it has work)
  worker.postMessage({
    source: WORKER_SOURCE,
    data: { args: [...SAFE_GIT_CONFIG, ...extraConfig, ...args], cwd, env: gitEnv(extraEnv), maxBuffered },
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

  let input = "";
  const flushInput = () => {
    if (input.length > 0) worker.postMessage({ t: "write", s: input });
    input = "";
  };

  // The budget is released in steps, not per chunk: an ack per chunk (whenever the scanner had caught
  // up with git) was a tenth of the main thread's time in a history scan. A step below the budget keeps
  // this live: a paused thread has more than the budget handed over, so once the main thread has
  // consumed it all, at least one step is unacknowledged and gets sent before it waits.
  const ackStep = Math.max(1, Math.min(ACK_STEP, Math.floor(maxBuffered / 2)));
  async function* read(): AsyncGenerator<Buffer> {
    let previous = 0;
    let unacked = 0;
    try {
      for (;;) {
        unacked += previous;
        previous = 0;
        if (unacked >= ackStep) {
          worker.postMessage({ t: "ack", n: unacked });
          unacked = 0;
        }
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
    write: (text) => {
      // Batched: a message per commit id cost more than the scan of a small commit (measured).
      input += text;
      if (input.length >= INPUT_BATCH) flushInput();
    },
    endInput: () => {
      flushInput();
      worker.postMessage({ t: "end" });
    },
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

/**
 * The same interface over a git process read on this thread, without a
 * relay: for a walk that is usually small (a pre-push's few commits), where
 * the relay thread's boot costs more than it saves. A push of three commits
 * took 97 ms through the relay (its walk waited ~60 ms for the thread) and
 * 87 ms read here; a push of all of express's 6,158 commits took the same
 * time either way (1.6-1.8 s), with less memory.
 */
export function spawnGitInline(
  args: string[],
  cwd: string,
  extraConfig: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): RelayedGit {
  const git = spawnGit(args, cwd, extraConfig, extraEnv);
  const stdout = git.child.stdout as AsyncIterable<Buffer> & { readableLength: number };
  return {
    write: (text) => {
      git.child.stdin.write(text);
    },
    endInput: () => {
      git.child.stdin.end();
    },
    stdout,
    kill: () => {
      git.child.kill();
    },
    get pendingBytes() {
      return stdout.readableLength;
    },
    done: git.done,
  };
}
