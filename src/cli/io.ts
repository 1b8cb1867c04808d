import { writeSync } from "node:fs";
import { isatty } from "node:tty";

/**
 * yargs-parser drops a lone "-" argument, but "-" is the conventional name for
 * stdin (`gitward scan -`), so run() swaps it for this marker before parsing.
 */
export const STDIN_ARG = "\u0000stdin";

/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Bytes of standard input (Uint8Array so the public types need no @types/node). */
  readStdin(): Promise<Uint8Array>;
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: directWriter(1, () => process.stdout),
    stderr: directWriter(2, () => process.stderr),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: isatty(1),
    stderrIsTTY: isatty(2),
  };
}

/** Per descriptor, the last write handed to Node's stream (writes complete in order). */
const lastStreamWrite: Record<1 | 2, Promise<void>> = { 1: Promise.resolve(), 2: Promise.resolve() };

/**
 * Resolves once everything written through processIO() has been written out,
 * so that the process can exit at once without losing output (a terminal on
 * Windows is written asynchronously).
 */
export async function processOutputFlushed(): Promise<void> {
  await Promise.all([lastStreamWrite[1], lastStreamWrite[2]]);
}

/**
 * Writes to a standard stream without creating Node's stream object for it
 * when the descriptor is a file or a pipe: process.stdout and process.stderr
 * are built on first access (a net.Socket for a pipe, with its modules), which
 * was ~8 ms of every pre-commit hook. For pipes and files Node writes stdio
 * synchronously on POSIX anyway, so output and its order are the same. A
 * terminal, a descriptor that would block (EAGAIN: a non-blocking pipe that is
 * full) or any other failure hands the rest to the stream; a closed reader
 * (EPIPE, e.g. `| head`) ends output quietly.
 */
function directWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  let direct = !isatty(fd) && process.platform !== "win32";
  let closed = false;
  const viaStream = (data: string | Uint8Array) => {
    lastStreamWrite[fd] = new Promise<void>((resolve) => stream().write(data, () => resolve()));
  };
  return (text) => {
    if (closed) return;
    if (!direct) {
      viaStream(text);
      return;
    }
    const bytes = Buffer.from(text, "utf8");
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(fd, bytes, at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") closed = true;
      else {
        direct = false;
        viaStream(bytes.subarray(at)); // bytes, so a character cut by the failed write stays whole
      }
    }
  };
}

/** Colour on a TTY unless NO_COLOR is set (any value), or FORCE_COLOR asks for it. */
export function useColor(io: CliIO, tty: boolean): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return tty && io.env.TERM !== "dumb";
}
