/**
 * What a verifier is: a provider's documented, read-only "who am I" call,
 * described as data. Most verifiers are one `simpleVerifier({...})` entry (a
 * GET with the token in a header, 2xx live, 401 invalid); the few that need
 * more (AWS signing, a companion such as Twilio's Account SID, a host that
 * depends on the account) supply their own `request` / `interpret`.
 *
 * A verifier never sees the network: it returns an HttpCall (or a verdict
 * without a call, e.g. a missing companion), and the stage sends it through
 * the HttpClient, which enforces the transport rules.
 */
import type { HttpAnswer, HttpCall, Verdict } from "./types.js";

/** A second value a credential needs (AWS secret for a key id, Twilio Account SID for an auth token). */
export interface CompanionSpec {
  name: string;
  /** Findings of these rules on the same file (and commit), nearest line within `withinLines`. */
  rules?: readonly string[];
  /** Else: the first capture group of this regex on the lines around the finding. */
  regex?: RegExp;
  withinLines?: number;
  /** Without it the verdict is unknown ("needs ... nearby"); optional companions refine the call. */
  required?: boolean;
}

export interface VerifyContext {
  secret: string;
  companions: Record<string, string>;
  /** API base URL without a trailing slash: the default, or verify.endpoints.<id> from config. */
  base: string;
  /** True when the base came from config (GitHub Enterprise, tests). */
  overridden: boolean;
  now: Date;
}

export interface Verifier {
  id: string;
  /** Provider name for details ("GitHub"). */
  provider: string;
  /** The documented call, for docs/verification.md and reviewers. */
  docs: string;
  /** Default API base (scheme + host [+ path prefix]). A `{...}` template when the host depends on the account. */
  base: string;
  /** For templated bases: the host names a secret may go to. */
  hostPattern?: RegExp;
  companions?: readonly CompanionSpec[];
  /** The call to make, or a verdict reached without one. */
  request(ctx: VerifyContext): HttpCall | Verdict;
  /** Reads the answer; 3xx, 429 and 5xx are handled by the stage before this is called. */
  interpret(answer: HttpAnswer, ctx: VerifyContext): Verdict;
}

export type Auth =
  | { kind: "bearer" }
  | { kind: "token" }
  | { kind: "header"; name: string; prefix?: string }
  | { kind: "basic"; user?: string; password?: string };

export function authHeaders(auth: Auth, secret: string): Record<string, string> {
  switch (auth.kind) {
    case "bearer":
      return { authorization: `Bearer ${secret}` };
    case "token":
      return { authorization: `token ${secret}` };
    case "header":
      return { [auth.name]: `${auth.prefix ?? ""}${secret}` };
    case "basic": {
      const user = auth.user ?? secret;
      const password = auth.password ?? (auth.user === undefined ? "" : secret);
      return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
    }
  }
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** JSON body or undefined. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** A string field at a dotted path of a JSON value, for details ("login" of GitHub's /user). */
export function field(value: unknown, path: string): string | undefined {
  let v: unknown = value;
  for (const k of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

/** Details are shown in reports: keep them short and printable. */
export function clean(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

export function isVerdict(x: HttpCall | Verdict): x is Verdict {
  return (x as Verdict).status !== undefined;
}

export interface SimpleSpec {
  id: string;
  provider: string;
  docs: string;
  base: string;
  path: string;
  method?: "GET" | "POST";
  auth: Auth;
  headers?: Record<string, string>;
  body?: string;
  /** Dotted JSON paths tried in order for the live detail ("as octocat"). */
  identity?: readonly string[];
  /** Statuses meaning the credential was rejected (default 401). */
  invalidStatuses?: readonly number[];
  /** 403 means "valid but not allowed to read this" (a scoped token): live. */
  forbiddenIsLive?: boolean;
  /** Decides first when it returns a verdict (e.g. Slack's {"ok": false, "error": "invalid_auth"}); json is undefined for a non-JSON body. */
  check?: (json: unknown, answer: HttpAnswer) => Verdict | undefined;
  /** The body need not be JSON (a 2xx alone decides). */
  anyBody?: boolean;
  /** Refuse without a call: e.g. a checksum that does not match (a typo or a fake). */
  precheck?: (secret: string) => Verdict | undefined;
}

/** The common case: one call, the token in a header, 2xx live, 401 invalid. */
export function simpleVerifier(spec: SimpleSpec): Verifier {
  return {
    id: spec.id,
    provider: spec.provider,
    docs: spec.docs,
    base: spec.base,
    request(ctx) {
      const pre = spec.precheck?.(ctx.secret);
      if (pre) return pre;
      return {
        method: spec.method ?? "GET",
        url: `${ctx.base}${spec.path}`,
        headers: {
          ...authHeaders(spec.auth, ctx.secret),
          ...(spec.body !== undefined ? { "content-type": "application/json" } : {}),
          ...spec.headers,
        },
        ...(spec.body !== undefined ? { body: spec.body } : {}),
      };
    },
    interpret(answer) {
      return interpretSimple(spec, answer);
    },
  };
}

export function interpretSimple(
  spec: Pick<SimpleSpec, "provider" | "identity" | "invalidStatuses" | "forbiddenIsLive" | "check" | "anyBody">,
  answer: HttpAnswer,
): Verdict {
  const { status } = answer;
  const json = parseJson(answer.body);
  const decided = spec.check?.(json, answer);
  if (decided) return decided;
  if (status >= 200 && status < 300) {
    if (json === undefined && !spec.anyBody) {
      return { status: "error", detail: `${spec.provider} answered ${status} with a body that is not JSON` };
    }
    const who = spec.identity?.map((p) => field(json, p)).find((v) => v !== undefined && v !== "");
    return { status: "live", detail: clean(`${spec.provider} accepted it${who ? ` (${who})` : ""}`) };
  }
  if ((spec.invalidStatuses ?? [401]).includes(status)) {
    return { status: "invalid", detail: `${spec.provider} rejected it (HTTP ${status})` };
  }
  if (status === 403 && spec.forbiddenIsLive) {
    return { status: "live", detail: `${spec.provider} knows it but it may not read this resource (HTTP 403)` };
  }
  return { status: "unknown", detail: `${spec.provider} answered HTTP ${status}` };
}
