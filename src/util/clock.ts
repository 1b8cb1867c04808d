/**
 * Milliseconds from an arbitrary origin, for durations. Not the global
 * `performance.now()`: its first use loads perf_hooks and a dozen internal
 * modules, a few milliseconds of every pre-commit hook's start-up.
 */
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
