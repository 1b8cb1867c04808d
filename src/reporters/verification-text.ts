/**
 * The text reporter's verification parts (--verify): the LIVE marker on a
 * finding's heading, its verdict line, and the summary count line. Kept apart
 * from text.ts so the text layout and verification evolve separately.
 */
import type { Finding, VerificationSummary } from "../types.js";

type Paint = (style: "red" | "yellow" | "dim" | "bold" | "green" | "cyan", s: string) => string;

/** " LIVE" (bold red) for a finding the provider still accepts, else "". */
export function liveMarker(f: Finding, c: Paint): string {
  return f.verification?.status === "live" ? ` ${c("red", c("bold", "LIVE"))}` : "";
}

/** "  verified: live: GitHub accepted it (octocat) (checked 2026-12-07T18:00:00Z)", or undefined when not verified. */
export function verificationLine(f: Finding, c: Paint): string | undefined {
  const v = f.verification;
  if (!v) return undefined;
  const status = v.status === "live" ? c("red", "live") : v.status === "invalid" ? c("green", "invalid") : c("yellow", v.status);
  const when = v.cached ? `cached, checked ${v.checkedAt}` : `checked ${v.checkedAt}`;
  return `  ${c("dim", "verified:")} ${status}: ${v.detail} ${c("dim", `(${when})`)}`;
}

/** "verification: 1 live, 2 invalid, 0 unknown, 0 error; 3 not verifiable; 2 requests, 1 cached". */
export function verificationSummaryLine(s: VerificationSummary, c: Paint): string {
  const parts = [`${s.live} live`, `${s.invalid} invalid`, `${s.unknown} unknown`, `${s.error} error`];
  const extra = [
    `${s.notVerifiable} without a verifier`,
    `${s.requests} request${s.requests === 1 ? "" : "s"}`,
    `${s.cached} cached`,
  ];
  if (s.hiddenNotLive) extra.push(`${s.hiddenNotLive} not live hidden by --only-verified`);
  const head = s.live > 0 ? c("red", `verification: ${parts.join(", ")}`) : `verification: ${parts.join(", ")}`;
  return `${head}; ${extra.join(", ")}`;
}
