/**
 * Per-host politeness for the verifiers: at most `concurrency` calls in flight
 * to one host and at least `minIntervalMs` between the starts of two calls to
 * it, so a history with hundreds of leaked tokens for one provider does not
 * trip its abuse detection (or look like credential stuffing).
 */

export interface HostLimits {
  concurrency: number;
  minIntervalMs: number;
}

interface HostState {
  active: number;
  lastStart: number;
  waiting: (() => void)[];
}

export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly limits: HostLimits,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` when the host has a free slot and its interval has passed. */
  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, lastStart: Number.NEGATIVE_INFINITY, waiting: [] };
      this.hosts.set(host, state);
    }
    const s = state;
    while (s.active >= this.limits.concurrency) await new Promise<void>((r) => s.waiting.push(r));
    s.active++;
    try {
      // Reserve the next start slot before sleeping, so concurrent callers space out.
      const start = Math.max(this.now(), s.lastStart + this.limits.minIntervalMs);
      s.lastStart = start;
      const wait = start - this.now();
      if (wait > 0) await this.sleep(wait);
      return await task();
    } finally {
      s.active--;
      s.waiting.shift()?.();
    }
  }
}
