/**
 * How a command's failure reaches the user: gitward's own errors and the
 * system's file errors as one line each (exit 2), anything else as an internal
 * error with its stack. Shared by the full CLI (run.ts) and the hook entry
 * (hook-main.ts).
 */
import { ExitCode, GitwardError } from "../errors.js";
import { displayPath } from "../util/display-path.js";
import type { CliIO } from "./io.js";

/** What the operating system says about a file a user named or could fix (no stack trace for these). */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
};

export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof GitwardError) {
    io.stderr(`gitward: ${e.message}\n`);
    return ExitCode.Error;
  }
  const sys = e as NodeJS.ErrnoException;
  const what = sys?.code ? SYSTEM_ERRORS[sys.code] : undefined;
  if (what) {
    // A file the user named, or the disk: say which and what, like any other usage error.
    const path = sys.path ? ` ${displayPath(sys.path)}` : "";
    io.stderr(`gitward: cannot ${sys.syscall ?? "access"}${path}: ${what} (${sys.code})\n`);
    return ExitCode.Error;
  }
  io.stderr(`gitward: internal error: ${(e as Error).stack ?? e}\nPlease report this; nothing was changed.\n`);
  return ExitCode.Error;
}
