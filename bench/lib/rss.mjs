// Parsing of GNU time's verbose report (`/usr/bin/time -v`).

/** Elapsed "h:mm:ss" or "m:ss.cc" → seconds. */
export function parseElapsed(text) {
  const parts = text.trim().split(":").map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return Number.NaN;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/**
 * Extracts what the benchmarks use from `/usr/bin/time -v` output (its stderr,
 * possibly mixed with the command's own stderr): peak RSS in bytes, wall,
 * user and system seconds, and the exit status. Missing fields are NaN.
 */
export function parseTimeV(stderr) {
  const out = {
    maxRssBytes: Number.NaN,
    wallSeconds: Number.NaN,
    userSeconds: Number.NaN,
    systemSeconds: Number.NaN,
    exitStatus: Number.NaN,
  };
  for (const line of stderr.split("\n")) {
    const i = line.lastIndexOf(": ");
    if (i === -1) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 2).trim();
    if (key === "Maximum resident set size (kbytes)") out.maxRssBytes = Number(value) * 1024;
    else if (key.startsWith("Elapsed (wall clock) time")) out.wallSeconds = parseElapsed(value);
    else if (key === "User time (seconds)") out.userSeconds = Number(value);
    else if (key === "System time (seconds)") out.systemSeconds = Number(value);
    else if (key === "Exit status") out.exitStatus = Number(value);
  }
  return out;
}

/** The command's own stderr, without GNU time's report (which starts at "Command being timed"). */
export function stripTimeV(stderr) {
  const i = stderr.lastIndexOf("\tCommand being timed:");
  return i === -1 ? stderr : stderr.slice(0, i);
}
