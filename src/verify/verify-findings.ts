/**
 * The verification stage of the one data flow:
 *
 *   findings → verification → output filters (--only-verified) → reporters
 *
 * It runs on the finished, consolidated findings of a scan (after the
 * suppression filters: an allowlisted test fixture or a baselined secret is
 * not sent anywhere) and only when asked (`--verify`, or `verify.enabled` in
 * the config; hooks only with `verify.hooks` as well). For each active secret
 * finding whose rule has a verifier (registry.ts) it gathers the companions
 * (AWS key id + secret, Twilio Account SID, ...) from nearby findings and
 * lines, asks the cache, and otherwise makes the provider's read-only call
 * through the HttpClient. Every finding keeps being reported whatever the
 * answer; a failed check is an `unknown` or `error` verdict with a reason.
 */
import type { VerifySettings } from "../config/config-types.js";
import { GitwardError } from "../errors.js";
import type { Finding } from "../types.js";
import { displayPath } from "../util/display-path.js";
import { sha256 } from "../util/hash.js";
import { checkSendableUrl, HttpClient, type HttpClientOptions, retryAfterMs, VerifyHttpError } from "./http-client.js";
import { RULE_VERIFIERS, type RuleVerifier, VERIFIERS, verifierForRule } from "./registry.js";
import type { HttpAnswer, Verdict, Verification, VerificationSummary } from "./types.js";
import { type CompanionSpec, isVerdict, type Verifier, type VerifyContext } from "./verifier.js";
import { cacheKey, companionsHash, VerifyCache } from "./verify-cache.js";

export interface VerifyStageOptions {
  settings: VerifySettings;
  /** The config file the settings came from, for messages. */
  configFile?: string;
  env: Record<string, string | undefined>;
  /** The whole text of the file a finding is in (at its commit), for companions on nearby lines. */
  readText?: (finding: Finding) => Promise<string | undefined>;
  /** The cache file to use (undefined: no cache). */
  cacheFile?: string;
  /** Notices for stderr (where overridden endpoints send secrets). */
  notice?: (message: string) => void;
  now?: () => Date;
  /** Test hooks for the HTTP layer (backoff, CA, sleep). */
  http?: Partial<HttpClientOptions>;
}

/** Checks `verify.endpoints` and `verify.rules`; errors name the config file and field. */
export function checkSettings(settings: VerifySettings, configFile?: string): void {
  const where = configFile ? `${displayPath(configFile)}: ` : "";
  const known = () => [...VERIFIERS.keys()].sort().join(", ");
  for (const [id, base] of Object.entries(settings.endpoints)) {
    if (!VERIFIERS.has(id))
      throw new GitwardError(`${where}verify.endpoints.${id}: no verifier named "${id}" (known: ${known()})`, "config");
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new GitwardError(`${where}verify.endpoints.${id}: "${base}" is not a URL`, "config");
    }
    const refused = checkSendableUrl(url);
    if (refused) throw new GitwardError(`${where}verify.endpoints.${id}: ${refused}`, "config");
    if (url.search || url.hash)
      throw new GitwardError(`${where}verify.endpoints.${id}: give a base URL without ? or #`, "config");
  }
  for (const [rule, target] of Object.entries(settings.rules)) {
    const id = target.split(":")[0] as string;
    if (!VERIFIERS.has(id))
      throw new GitwardError(`${where}verify.rules.${rule}: no verifier named "${id}" (known: ${known()})`, "config");
  }
}

function isActiveSecret(f: Finding): boolean {
  return f.kind === "secret" && (!f.suppressions || f.suppressions.every((s) => s.expired));
}

/** Lines around `line` (1-based), nearest first: the line itself, then ±1, ±2, ... */
function* linesNearestFirst(lines: string[], line: number, within: number): Generator<string> {
  const at = line - 1;
  if (lines[at] !== undefined) yield lines[at] as string;
  for (let d = 1; d <= within; d++) {
    if (lines[at - d] !== undefined) yield lines[at - d] as string;
    if (lines[at + d] !== undefined) yield lines[at + d] as string;
  }
}

function findCompanion(
  spec: CompanionSpec,
  finding: Finding,
  all: readonly Finding[],
  lines: string[] | undefined,
): string | undefined {
  const within = spec.withinLines ?? 5;
  if (spec.rules) {
    let best: Finding | undefined;
    for (const f of all) {
      if (f === finding || !f.secret || !spec.rules.includes(f.ruleId) || f.path !== finding.path) continue;
      if ((f.commit?.sha ?? "") !== (finding.commit?.sha ?? "")) continue;
      const d = Math.abs(f.startLine - finding.startLine);
      if (d > within) continue;
      if (!best || d < Math.abs(best.startLine - finding.startLine)) best = f;
    }
    if (best) return best.secret;
  }
  if (spec.regex && lines) {
    for (const text of linesNearestFirst(lines, finding.startLine, within)) {
      const m = new RegExp(spec.regex.source, spec.regex.flags.replace("g", "")).exec(text);
      if (m?.[1] && m[1] !== finding.secret) return m[1];
    }
  }
  return undefined;
}

/** Replaces any credential value in a detail (a provider may echo what it got). */
function scrub(detail: string, values: readonly string[]): string {
  let out = detail;
  for (const v of values) if (v.length >= 6) out = out.split(v).join("****");
  return out;
}

function outcomeOf(verifier: Verifier, answer: HttpAnswer, ctx: VerifyContext): Verdict {
  const { status } = answer;
  if (status >= 300 && status < 400) {
    let to = "another location";
    const location = answer.headers.location;
    try {
      if (typeof location === "string") to = new URL(location, ctx.base).host;
    } catch {
      // an unreadable Location stays "another location"
    }
    return { status: "error", detail: `${verifier.provider} redirected to ${to} (redirects are not followed)` };
  }
  if (status === 429) {
    const after = retryAfterMs(answer.headers["retry-after"]);
    return {
      status: "unknown",
      detail: `${verifier.provider} rate-limited the check (HTTP 429${after !== undefined ? `, retry after ${Math.ceil(after / 1000)} s` : ""})`,
    };
  }
  if (status >= 500) return { status: "error", detail: `${verifier.provider} answered HTTP ${status} (server error)` };
  return verifier.interpret(answer, ctx);
}

/** May this call go where it is going? The provider's own host (or its pattern), or the configured override. */
function destinationProblem(verifier: Verifier, url: string, base: string, overridden: boolean): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return "the call has no valid URL";
  }
  if (overridden)
    return target.host === new URL(base).host ? undefined : `the call would go to ${target.host}, not ${new URL(base).host}`;
  if (target.protocol !== "https:") return "the call is not https";
  if (verifier.hostPattern)
    return verifier.hostPattern.test(target.hostname) ? undefined : `${target.hostname} is not a ${verifier.provider} API host`;
  const expected = new URL(verifier.base).host;
  return target.host === expected ? undefined : `the call would go to ${target.host}, not ${expected}`;
}

/**
 * Verifies the active secret findings in place (each gains `verification`)
 * and returns the counts for the summary.
 */
export async function verifyFindings(findings: Finding[], options: VerifyStageOptions): Promise<VerificationSummary> {
  const { settings } = options;
  checkSettings(settings, options.configFile);
  const now = options.now ?? (() => new Date());
  const client = new HttpClient({
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    backoffMs: 500,
    maxRetryAfterMs: 30_000,
    concurrency: settings.concurrency,
    minIntervalMs: Math.ceil(1000 / settings.ratePerSecond),
    maxBodyBytes: 256 * 1024,
    env: options.env,
    ...options.http,
  });
  const cache = new VerifyCache(options.cacheFile, settings.cacheTtlHours * 3600_000, () => now().getTime());
  const summary: VerificationSummary = { live: 0, invalid: 0, unknown: 0, error: 0, notVerifiable: 0, requests: 0, cached: 0 };
  for (const [id, base] of Object.entries(settings.endpoints)) {
    options.notice?.(
      `verify: ${VERIFIERS.get(id)?.provider ?? id} credentials go to ${new URL(base).host} (verify.endpoints.${id})`,
    );
  }

  const texts = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (f: Finding) => {
    const key = `${f.commit?.sha ?? ""}\0${f.path}`;
    let p = texts.get(key);
    if (!p) {
      p = (options.readText?.(f) ?? Promise.resolve(undefined)).then((t) => t?.split("\n")).catch(() => undefined);
      texts.set(key, p);
    }
    return p;
  };

  type Job = { finding: Finding; entry: RuleVerifier };
  const jobs: Job[] = [];
  for (const f of findings) {
    if (!isActiveSecret(f)) continue;
    const entry = verifierForRule(f.ruleId, settings.rules);
    if (!entry) {
      summary.notVerifiable++;
      continue;
    }
    jobs.push({ finding: f, entry });
  }

  const inFlight = new Map<string, Promise<Verification>>();
  const stamp = (v: Verdict, verifier: string): Verification => ({ ...v, checkedAt: now().toISOString(), verifier });

  const verifyOne = async ({ finding, entry }: Job): Promise<Verification> => {
    const { verifier, role } = entry;
    const override = settings.endpoints[verifier.id];
    const base = (override ?? verifier.base).replace(/\/+$/, "");
    const key = cacheKey(verifier.id, base, finding.secretHash);
    if (!finding.secret) {
      return (
        cache.get(key, undefined) ??
        stamp(
          {
            status: "unknown",
            detail: "the secret is not in memory (finding carried from the history cache); rerun without --cache to check it",
          },
          verifier.id,
        )
      );
    }
    const companions: Record<string, string> = role ? { [role]: finding.secret } : {};
    const needsText = (verifier.companions ?? []).some((c) => c.name !== role && c.regex);
    const lines = needsText ? await linesOf(finding) : undefined;
    for (const spec of verifier.companions ?? []) {
      if (spec.name === role) continue;
      const value = findCompanion(spec, finding, findings, lines);
      if (value !== undefined) companions[spec.name] = value;
      else if (spec.required)
        return stamp(
          {
            status: "unknown",
            detail: `needs the ${spec.name} nearby (none found within ${spec.withinLines ?? 5} lines); not sent`,
          },
          verifier.id,
        );
    }
    // A pair is one question whichever half was found: key the cache by the whole credential.
    const credential = role
      ? sha256(
          Object.keys(companions)
            .sort()
            .map((k) => `${k}\0${companions[k]}`)
            .join("\0"),
        )
      : finding.secretHash;
    const pairKey = role ? cacheKey(verifier.id, base, credential) : key;
    const compHash = role ? "" : companionsHash(companions);
    const hit = cache.get(pairKey, compHash);
    if (hit) return hit;
    const memo = `${pairKey}\0${compHash}`;
    let pending = inFlight.get(memo);
    if (!pending) {
      pending = (async () => {
        const ctx: VerifyContext = { secret: finding.secret, companions, base, overridden: override !== undefined, now: now() };
        const values = [finding.secret, ...Object.values(companions)];
        let verdict: Verdict;
        // Whatever goes wrong in one check (the network, the provider, a verifier bug) stays a verdict on
        // that finding: the scan still reports it and exits by its usual rules.
        try {
          const call = verifier.request(ctx);
          if (isVerdict(call)) verdict = call;
          else {
            const problem = destinationProblem(verifier, call.url, base, ctx.overridden);
            verdict = problem
              ? { status: "error", detail: `refused: ${problem}` }
              : outcomeOf(verifier, await client.send(call), ctx);
          }
        } catch (e) {
          // Only our own transport messages are shown (host and code); anything else could quote a body or a secret.
          verdict = {
            status: "error",
            detail:
              e instanceof VerifyHttpError ? `${verifier.provider}: ${e.message}` : `${verifier.provider}: the check failed`,
          };
        }
        const v = stamp({ status: verdict.status, detail: scrub(verdict.detail, values) }, verifier.id);
        cache.set(pairKey, compHash, v);
        return v;
      })();
      inFlight.set(memo, pending);
    }
    const v = await pending;
    // Each half of a pair is also findable by its own hash (history-cache findings carry only that).
    if (role && !v.cached) cache.set(key, "pair", v);
    return v;
  };

  // A small global pool; the HttpClient spaces calls per host.
  const queue = [...jobs];
  const workers = Array.from({ length: Math.min(8, queue.length) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const v = await verifyOne(job);
      job.finding.verification = v;
      if (v.cached) summary.cached++;
      summary[v.status]++;
    }
  });
  await Promise.all(workers);
  summary.requests = client.requests;
  const problem = cache.save();
  if (problem) options.notice?.(`warning: ${problem}`);
  return summary;
}

/** Rule ids with a built-in verifier (for `gitward rules` and docs). */
export function verifiableRules(): string[] {
  return Object.keys(RULE_VERIFIERS).sort();
}
