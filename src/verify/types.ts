/**
 * The vocabulary of the verification stage (findings → verification → output
 * filters → reporters): what a verifier is, what it returns, and what a
 * finding carries afterwards.
 */

/**
 * live: the provider accepted the credential (it still grants access).
 * invalid: the provider rejected it (revoked, deleted, wrong pair).
 * unknown: no decision (rate-limited, an unexpected answer, a missing companion such as the account id).
 * error: the check itself failed (timeout, connection refused, malformed body, 5xx, redirect).
 */
export type VerificationStatus = "live" | "invalid" | "unknown" | "error";

export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ["live", "invalid", "unknown", "error"];

export interface Verification {
  status: VerificationStatus;
  /** Why, in words; never contains the secret. */
  detail: string;
  /** ISO-8601 time of the provider call (or of the cached call). */
  checkedAt: string;
  /** Which verifier decided (e.g. "github"). */
  verifier?: string;
  /** True when the answer came from the verification cache. */
  cached?: boolean;
}

/** Counts for the summary of a verified run. */
export interface VerificationSummary {
  live: number;
  invalid: number;
  unknown: number;
  error: number;
  /** Active secret findings whose rule has no verifier. */
  notVerifiable: number;
  /** HTTP requests made (retries included). */
  requests: number;
  /** Answers taken from the verification cache. */
  cached: number;
  /** Findings not shown because of --only-verified. */
  hiddenNotLive?: number;
}

/** An HTTP answer as a verifier sees it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What a verifier asks the HTTP layer to send. */
export interface HttpCall {
  method: "GET" | "POST" | "HEAD";
  /** Absolute URL (the base already applied). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A verifier's verdict before the stage stamps `checkedAt`. */
export interface Verdict {
  status: VerificationStatus;
  detail: string;
}
