/**
 * Whether this run is a fair sample of the runs to come, for the V8 code cache
 * that bin/gitward.cjs writes after the first run of a command (it holds the
 * code that run compiled, and every later run deserializes all of it).
 *
 * A run that had to validate a config or pack (YAML parser, schema validators,
 * ReDoS analysis) or build a keyword automaton, and stored the result in the
 * user's cache, compiles a lot of code that later runs skip. Its code cache was 50 % larger than a warm run's (672 kB against
 * 446 kB for a hook with a config), and every later commit paid ~4 ms to
 * deserialize code it never ran. Such a run says so here, and the executable
 * leaves writing the cache to the next run.
 */
let reason: string | undefined;

/** Called where a run does one-off work that later runs will find cached. */
export function markColdRun(why: string): void {
  reason ??= why;
}

/** Why this run's compiled code is not a fair sample, or undefined when it is. */
export function coldRunReason(): string | undefined {
  return reason;
}
