/**
 * A time budget for each rule's regex on each fragment, so that a slow regex
 * (a user pack's, or one the ReDoS analysis could not decide) cannot make a
 * hook crawl silently.
 *
 * JavaScript cannot interrupt a running `RegExp.exec`. The options were:
 *   (a) time each rule's exec loop per fragment; over budget → stop the loop,
 *       warn naming the rule and the file, disable the rule for the rest of
 *       the run, and fail closed for what it did not scan;
 *   (b) cap what regexes see (split long lines into overlapping windows):
 *       bounds polynomial blow-ups but changes matching at window edges, and an
 *       exponential regex still hangs on a 30-character window;
 *   (c) run rules in a worker thread that can be terminated: the only hard
 *       stop, but ~35 ms of worker start-up and a copy of every fragment on
 *       each hook run.
 * Chosen: (a), which costs two clock reads (`nowMs()`) per candidate rule
 * per fragment (unmeasurable on the built-in hook path: rules run only when
 * their keywords occur). It is combined with the load-time ReDoS analysis of
 * user packs (packs/redos-check.ts), which refuses the exponential and
 * polynomial regexes that could hang a single `exec`; the budget catches what
 * slips through (a regex that is slow but finishes). A single `exec` that
 * never returns is not stoppable in-process; that residue is what (c) would add.
 *
 * The limit per rule and fragment is `baseMs + perMbMs × size in MB`
 * (default 1000 ms + 200 ms/MB; a linear regex runs at ~10 ms/MB).
 * GITWARD_REGEX_BUDGET_MS overrides the base (tests, slow CI machines).
 */
import type { ScanWarning, SkipNotice } from "../types.js";

export interface RegexBudgetOptions {
  baseMs?: number;
  perMbMs?: number;
}

export function budgetFromEnv(env: NodeJS.ProcessEnv = process.env): RegexBudgetOptions {
  const base = Number(env.GITWARD_REGEX_BUDGET_MS);
  return Number.isFinite(base) && base > 0 ? { baseMs: base } : {};
}

export class RegexBudget {
  private readonly baseMs: number;
  private readonly perMbMs: number;
  /** rule id → the file and time that blew its budget. */
  private readonly disabled = new Map<string, { path: string; ms: number }>();
  /** "rule\0path" already reported as not scanned. */
  private readonly reported = new Set<string>();

  constructor(options: RegexBudgetOptions = {}) {
    this.baseMs = options.baseMs ?? 1000;
    this.perMbMs = options.perMbMs ?? 200;
  }

  /** Milliseconds one rule may spend on a text of this many characters. */
  limitFor(length: number): number {
    return this.baseMs + (this.perMbMs * length) / 1_048_576;
  }

  isDisabled(ruleId: string): boolean {
    return this.disabled.size > 0 && this.disabled.has(ruleId);
  }

  /** Records that `ruleId` blew its budget on `path`; returns the warning to report. */
  disable(ruleId: string, path: string, ms: number, limit: number, finished: boolean): ScanWarning {
    this.disabled.set(ruleId, { path, ms });
    return {
      ruleId,
      path,
      message: `${path}: rule ${ruleId} exceeded its regex time budget (${Math.round(ms)} ms > ${Math.round(limit)} ms)${
        finished ? "" : " and stopped before the end of the file"
      }; the rule is disabled for the rest of this run (a slow or catastrophic-backtracking regex: run gitward packs lint)`,
    };
  }

  /** The fail-closed notice for a file a rule did not (fully) scan; once per rule and path. */
  notScanned(ruleId: string, path: string): SkipNotice | undefined {
    const key = `${ruleId}\0${path}`;
    if (this.reported.has(key)) return undefined;
    this.reported.add(key);
    const origin = this.disabled.get(ruleId);
    return {
      path,
      reason: "other",
      detail: `not scanned by rule ${ruleId}: it exceeded its regex time budget${origin ? ` on ${origin.path}` : ""}`,
      fatal: true,
    };
  }
}
