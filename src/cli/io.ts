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
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/** Colour on a TTY unless NO_COLOR is set (any value), or FORCE_COLOR asks for it. */
export function useColor(io: CliIO, tty: boolean): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return tty && io.env.TERM !== "dumb";
}
