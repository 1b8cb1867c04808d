/**
 * Every verifier against a loopback server answering as the provider's
 * documentation says: once for a live credential, once for a rejected one.
 * Each case also checks what was sent (method, path, where the credential
 * goes) and, through the registry, that a rule of the provider reaches it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultVerifySettings } from "../../src/config/config-types.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import type { Finding } from "../../src/types.js";
import { RULE_VERIFIERS, VERIFIERS } from "../../src/verify/registry.js";
import type { VerificationStatus } from "../../src/verify/types.js";
import { verifyFindings } from "../../src/verify/verify-findings.js";
import { secretFinding } from "./finding.js";
import { type Answer, basicOf, type ProviderServer, type SeenRequest, startProvider } from "./provider-server.js";

const GH = expandFakes("{{fake:crc32:ghp_:30}}", "providers-gh");
const NPM = expandFakes("{{fake:crc32:npm_:30}}", "providers-npm");
const HEX32 = expandFakes("{{fake:hex:32}}", "providers-hex");
const SID = `AC${expandFakes("{{fake:hex:32}}", "providers-sid")}`;
const SK = `SK${expandFakes("{{fake:hex:32}}", "providers-sk")}`;
const AKID = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "providers-akid");
const AWS_SECRET = expandFakes("{{fake:b64:40}}", "providers-aws").replace(/[+/]/g, "x");
const TOKEN = expandFakes("tok_{{fake:alnum:32}}", "providers-token");

interface Case {
  verifier: string;
  /** Default TOKEN. */
  secret?: string;
  /** Lines of the file; the finding is on line `line` (default 1). */
  text?: string;
  line?: number;
  /** Other findings in the same file (pairs). */
  others?: Finding[];
  live?: Answer;
  dead?: Answer;
  deadStatus?: VerificationStatus;
  method?: string;
  path: string | RegExp;
  /** Where the credential must appear (default: anywhere in headers, path or body, plain or in Basic). */
  sent?: (req: SeenRequest, secret: string) => boolean;
  /** Expected live detail fragment. */
  detail?: string;
}

const ok = (body: object): Answer => ({ status: 200, body });
const bearer = (req: SeenRequest, s: string) => req.headers.authorization === `Bearer ${s}`;

const CASES: Case[] = [
  {
    verifier: "aws",
    secret: AWS_SECRET,
    others: [secretFinding("aws-access-key-id", AKID, 1)],
    line: 2,
    live: {
      status: 200,
      body: "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>",
    },
    dead: { status: 403, body: "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>" },
    method: "POST",
    path: "/",
    sent: (req) =>
      String(req.headers.authorization).includes(`Credential=${AKID}/`) &&
      req.body === "Action=GetCallerIdentity&Version=2011-06-15",
    detail: "arn:aws:iam::123456789012:user/ci",
  },
  {
    verifier: "github",
    secret: GH,
    live: ok({ login: "octocat" }),
    path: "/user",
    sent: (r, s) => r.headers.authorization === `token ${s}`,
    detail: "octocat",
  },
  {
    verifier: "gitlab",
    live: ok({ name: "ci", scopes: ["read_api"] }),
    path: "/api/v4/personal_access_tokens/self",
    sent: (r, s) => r.headers["private-token"] === s,
  },
  {
    verifier: "azure-devops",
    live: ok({ displayName: "Dev" }),
    dead: { status: 203, body: "<html>sign in</html>" },
    path: "/_apis/profile/profiles/me?api-version=7.1",
    sent: (r, s) => basicOf(r) === `:${s}`,
  },
  { verifier: "circleci", live: ok({ login: "dev" }), path: "/api/v2/me", sent: (r, s) => r.headers["circle-token"] === s },
  { verifier: "buildkite", live: ok({ uuid: "u" }), path: "/v2/access-token", sent: bearer },
  {
    verifier: "snyk",
    live: ok({ username: "dev" }),
    path: "/v1/user/me",
    sent: (r, s) => r.headers.authorization === `token ${s}`,
  },
  {
    verifier: "slack",
    live: ok({ ok: true, team: "acme", user: "bot" }),
    dead: ok({ ok: false, error: "invalid_auth" }),
    method: "POST",
    path: "/api/auth.test",
    sent: bearer,
  },
  {
    verifier: "discord-bot",
    live: ok({ username: "bot" }),
    path: "/api/v10/users/@me",
    sent: (r, s) => r.headers.authorization === `Bot ${s}`,
  },
  {
    verifier: "telegram-bot",
    secret: "123456789:AA" + "x".repeat(33),
    live: ok({ ok: true, result: { username: "my_bot" } }),
    dead: { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } },
    path: /^\/bot123456789:AAx+\/getMe$/,
    sent: (r, s) => r.path.includes(s),
  },
  {
    verifier: "twilio",
    secret: HEX32,
    text: `TWILIO_AUTH_TOKEN=${HEX32}\nTWILIO_ACCOUNT_SID=${SID}`,
    live: ok({ friendly_name: "Prod" }),
    path: `/2010-04-01/Accounts/${SID}.json`,
    sent: (r, s) => basicOf(r) === `${SID}:${s}`,
  },
  {
    verifier: "twilio-api-key",
    text: `TWILIO_API_KEY=${SK}\nTWILIO_API_SECRET=${TOKEN}`,
    line: 2,
    live: ok({ accounts: [] }),
    path: "/2010-04-01/Accounts.json?PageSize=1",
    sent: (r, s) => basicOf(r) === `${SK}:${s}`,
  },
  { verifier: "sendgrid", live: ok({ scopes: ["mail.send"] }), path: "/v3/scopes", sent: bearer },
  { verifier: "mailgun", live: ok({ items: [] }), path: "/v3/domains?limit=1", sent: (r, s) => basicOf(r) === `api:${s}` },
  {
    verifier: "mailchimp",
    secret: `${HEX32}-us6`,
    live: ok({ health_status: "Everything's Chimpy!" }),
    path: "/3.0/ping",
    sent: (r, s) => basicOf(r)?.endsWith(`:${s}`) === true,
  },
  {
    verifier: "postmark",
    live: ok({ Name: "srv" }),
    path: "/server",
    sent: (r, s) => r.headers["x-postmark-server-token"] === s,
  },
  { verifier: "stripe", live: ok({ id: "acct_1" }), path: "/v1/account", sent: bearer, detail: "acct_1" },
  {
    verifier: "shopify",
    text: `SHOP=acme-store.myshopify.com\nSHOPIFY_TOKEN=${TOKEN}`,
    line: 2,
    live: ok({ access_scopes: [] }),
    path: "/admin/oauth/access_scopes.json",
    sent: (r, s) => r.headers["x-shopify-access-token"] === s,
  },
  { verifier: "npm", secret: NPM, live: ok({ username: "dev" }), path: "/-/whoami", sent: bearer, detail: "dev" },
  {
    verifier: "pypi",
    live: { status: 400, body: "Error: no file" },
    dead: { status: 403, body: "Invalid or non-existent authentication information." },
    method: "POST",
    path: "/legacy/",
    sent: (r, s) => basicOf(r) === `__token__:${s}`,
  },
  {
    verifier: "testpypi",
    live: { status: 400, body: "Error: no file" },
    dead: { status: 403, body: "Invalid" },
    method: "POST",
    path: "/legacy/",
    sent: (r, s) => basicOf(r) === `__token__:${s}`,
  },
  {
    verifier: "dockerhub",
    text: `DOCKERHUB_USERNAME=acme\nDOCKERHUB_TOKEN=${TOKEN}`,
    line: 2,
    live: ok({ token: "session" }),
    method: "POST",
    path: "/v2/users/login",
    sent: (r, s) => r.body === JSON.stringify({ username: "acme", password: s }),
  },
  {
    verifier: "crates-io",
    live: ok({ user: { login: "dev" } }),
    dead: { status: 403, body: {} },
    path: "/api/v1/me",
    sent: (r, s) => r.headers.authorization === s,
  },
  { verifier: "digitalocean", live: ok({ account: { uuid: "u1" } }), path: "/v2/account", sent: bearer },
  { verifier: "heroku", live: ok({ id: "h1" }), path: "/account", sent: bearer },
  {
    verifier: "cloudflare",
    live: ok({ success: true, result: { status: "active" } }),
    dead: ok({ success: true, result: { status: "disabled" } }),
    path: "/client/v4/user/tokens/verify",
    sent: bearer,
  },
  {
    verifier: "vercel",
    live: ok({ user: { username: "dev" } }),
    dead: { status: 403, body: { error: { invalidToken: true } } },
    path: "/v2/user",
    sent: bearer,
  },
  { verifier: "netlify", live: ok({ slug: "dev" }), path: "/api/v1/user", sent: bearer },
  { verifier: "linode", live: ok({ username: "dev" }), path: "/v4/profile", sent: bearer },
  { verifier: "hetzner-cloud", live: ok({ servers: [] }), path: "/v1/servers?per_page=1", sent: bearer },
  { verifier: "render", live: { status: 200, body: [] }, path: "/v1/owners?limit=1", sent: bearer },
  {
    verifier: "datadog",
    live: ok({ valid: true }),
    dead: { status: 403, body: { errors: ["Forbidden"] } },
    path: "/api/v1/validate",
    sent: (r, s) => r.headers["dd-api-key"] === s,
  },
  { verifier: "sentry", live: { status: 200, body: [] }, path: "/api/0/organizations/", sent: bearer },
  {
    verifier: "newrelic",
    live: ok({ data: { actor: { user: { id: 1 } } } }),
    method: "POST",
    path: "/graphql",
    sent: (r, s) => r.headers["api-key"] === s,
  },
  {
    verifier: "pagerduty",
    live: ok({ abilities: [] }),
    path: "/abilities",
    sent: (r, s) => r.headers.authorization === `Token token=${s}`,
  },
  { verifier: "openai", live: ok({ data: [] }), path: "/v1/models", sent: bearer },
  { verifier: "openai-admin", live: ok({ data: [] }), path: "/v1/organization/projects?limit=1", sent: bearer },
  {
    verifier: "anthropic",
    live: ok({ data: [] }),
    path: "/v1/models?limit=1",
    sent: (r, s) => r.headers["x-api-key"] === s && r.headers["anthropic-version"] === "2023-06-01",
  },
  {
    verifier: "anthropic-admin",
    live: ok({ id: "org-1", name: "Acme", type: "organization" }),
    path: "/v1/organizations/me",
    detail: "Acme",
    sent: (r, s) => r.headers["x-api-key"] === s,
  },
  { verifier: "huggingface", live: ok({ name: "dev" }), path: "/api/whoami-v2", sent: bearer, detail: "dev" },
  { verifier: "replicate", live: ok({ username: "dev" }), path: "/v1/account", sent: bearer },
  { verifier: "groq", live: ok({ data: [] }), path: "/openai/v1/models", sent: bearer },
  { verifier: "mistral", live: ok({ data: [] }), path: "/v1/models", sent: bearer },
  {
    verifier: "cohere",
    live: ok({ valid: true }),
    dead: ok({ valid: false }),
    method: "POST",
    path: "/v1/check-api-key",
    sent: bearer,
  },
  { verifier: "elevenlabs", live: ok({ subscription: {} }), path: "/v1/user", sent: (r, s) => r.headers["xi-api-key"] === s },
  {
    verifier: "xai",
    live: ok({ name: "k" }),
    dead: { status: 400, body: { error: "Incorrect API key provided" } },
    path: "/v1/api-key",
    sent: bearer,
  },
  { verifier: "openrouter", live: ok({ data: { label: "k" } }), path: "/api/v1/key", sent: bearer },
  {
    verifier: "atlassian",
    text: `JIRA_URL=https://acme.atlassian.net\nJIRA_USER=dev@example.com\nJIRA_TOKEN=${TOKEN}`,
    line: 3,
    live: ok({ displayName: "Dev" }),
    path: "/rest/api/3/myself",
    sent: (r, s) => basicOf(r) === `dev@example.com:${s}`,
  },
  {
    verifier: "linear",
    live: ok({ data: { viewer: { id: "1", name: "Dev" } } }),
    dead: {
      status: 400,
      body: { errors: [{ message: "Authentication required", extensions: { code: "AUTHENTICATION_ERROR" } }] },
    },
    method: "POST",
    path: "/graphql",
    sent: (r, s) => r.headers.authorization === s,
  },
  { verifier: "notion", live: ok({ name: "bot" }), path: "/v1/users/me", sent: bearer },
  { verifier: "airtable", live: ok({ id: "usr1" }), path: "/v0/meta/whoami", sent: bearer },
  {
    verifier: "figma",
    live: ok({ handle: "dev" }),
    dead: { status: 403, body: { status: 403, err: "Invalid token" } },
    path: "/v1/me",
    sent: (r, s) => r.headers["x-figma-token"] === s,
  },
  { verifier: "asana", live: ok({ data: { name: "Dev" } }), path: "/api/1.0/users/me", sent: bearer },
  { verifier: "doppler", live: ok({ name: "tok" }), path: "/v3/me", sent: bearer },
  { verifier: "postman", live: ok({ user: { username: "dev" } }), path: "/me", sent: (r, s) => r.headers["x-api-key"] === s },
  {
    verifier: "terraform-cloud",
    live: ok({ data: { attributes: { username: "dev" } } }),
    path: "/api/v2/account/details",
    sent: bearer,
  },
  {
    verifier: "dropbox",
    live: ok({ name: { display_name: "Dev" } }),
    method: "POST",
    path: "/2/users/get_current_account",
    sent: bearer,
  },
  { verifier: "hubspot", live: ok({ portalId: 1 }), path: "/account-info/v3/details", sent: bearer },
  {
    verifier: "pulumi",
    live: ok({ githubLogin: "dev" }),
    path: "/api/user",
    sent: (r, s) => r.headers.authorization === `token ${s}`,
  },
  {
    verifier: "sourcegraph",
    live: ok({ data: { currentUser: { username: "dev" } } }),
    method: "POST",
    path: "/.api/graphql",
    sent: (r, s) => r.headers.authorization === `token ${s}`,
    detail: "dev",
  },
  {
    verifier: "travis-ci",
    live: ok({ login: "dev" }),
    dead: { status: 403, body: { error_type: "access_denied" } },
    path: "/user",
    sent: (r, s) => r.headers.authorization === `token ${s}` && r.headers["travis-api-version"] === "3",
  },
  { verifier: "vultr", live: ok({ account: { name: "Acme" } }), path: "/v2/account", sent: bearer },
  { verifier: "supabase", live: { status: 200, body: [] }, path: "/v1/projects", sent: bearer },
  { verifier: "fastly", live: ok({ name: "ci" }), path: "/tokens/self", sent: (r, s) => r.headers["fastly-key"] === s },
  { verifier: "neon", live: ok({ login: "dev" }), path: "/api/v2/users/me", sent: bearer },
  {
    verifier: "honeycomb",
    live: ok({ team: { name: "Acme" } }),
    path: "/1/auth",
    sent: (r, s) => r.headers["x-honeycomb-team"] === s,
    detail: "Acme",
  },
  {
    verifier: "launchdarkly",
    live: ok({ tokenName: "ci" }),
    path: "/api/v2/caller-identity",
    sent: (r, s) => r.headers.authorization === s,
  },
  {
    verifier: "opsgenie",
    live: ok({ data: { name: "acme" } }),
    path: "/v2/account",
    sent: (r, s) => r.headers.authorization === `GenieKey ${s}`,
  },
  { verifier: "axiom", live: ok({ name: "Dev" }), path: "/v2/user", sent: bearer },
  { verifier: "intercom", live: ok({ app: { name: "Acme" } }), path: "/me", sent: bearer },
  { verifier: "brevo", live: ok({ companyName: "Acme" }), path: "/v3/account", sent: (r, s) => r.headers["api-key"] === s },
  { verifier: "sparkpost", live: ok({ results: {} }), path: "/api/v1/account", sent: (r, s) => r.headers.authorization === s },
  { verifier: "webex", live: ok({ displayName: "Dev" }), path: "/v1/people/me", sent: bearer },
  {
    verifier: "klaviyo",
    live: ok({ data: [] }),
    path: "/api/accounts/",
    sent: (r, s) => r.headers.authorization === `Klaviyo-API-Key ${s}` && r.headers.revision !== undefined,
  },
  { verifier: "square", live: ok({ merchant: { business_name: "Acme" } }), path: "/v2/merchants/me", sent: bearer },
  { verifier: "pinecone", live: ok({ indexes: [] }), path: "/indexes", sent: (r, s) => r.headers["api-key"] === s },
  { verifier: "together", live: { status: 200, body: [] }, path: "/v1/models", sent: bearer },
  { verifier: "deepseek", live: ok({ is_available: true }), path: "/user/balance", sent: bearer },
  {
    verifier: "deepgram",
    live: ok({ projects: [] }),
    path: "/v1/projects",
    sent: (r, s) => r.headers.authorization === `Token ${s}`,
  },
  { verifier: "stability", live: ok({ id: "u1" }), path: "/v1/user/account", sent: bearer },
  {
    verifier: "deepl",
    live: ok({ character_count: 1 }),
    dead: { status: 403, body: { message: "Wrong endpoint" } },
    path: "/v2/usage",
    sent: (r, s) => r.headers.authorization === `DeepL-Auth-Key ${s}`,
  },
  {
    verifier: "deepl-free",
    live: ok({ character_count: 1 }),
    dead: { status: 403, body: {} },
    path: "/v2/usage",
    sent: (r, s) => r.headers.authorization === `DeepL-Auth-Key ${s}`,
  },
  { verifier: "typeform", live: ok({ alias: "dev" }), path: "/me", sent: bearer },
  { verifier: "contentful", live: ok({ firstName: "Dev" }), path: "/users/me", sent: bearer },
  { verifier: "posthog", live: ok({ uuid: "u" }), path: "/api/users/@me/", sent: bearer },
  {
    verifier: "clickup",
    live: ok({ user: { username: "dev" } }),
    path: "/api/v2/user",
    sent: (r, s) => r.headers.authorization === s,
  },
  { verifier: "webflow", live: ok({ authorization: {} }), path: "/v2/token/introspect", sent: bearer },
  { verifier: "tailscale", live: ok({ devices: [] }), path: "/api/v2/tailnet/-/devices", sent: bearer },
  {
    verifier: "shortcut",
    live: ok({ mention_name: "dev" }),
    path: "/api/v3/member",
    sent: (r, s) => r.headers["shortcut-token"] === s,
  },
  {
    verifier: "bitly",
    live: ok({ login: "dev" }),
    dead: { status: 403, body: { message: "FORBIDDEN" } },
    path: "/v4/user",
    sent: bearer,
  },
  { verifier: "mailtrap", live: { status: 200, body: [] }, path: "/api/accounts", sent: bearer },
  { verifier: "line", live: ok({ basicId: "@bot" }), path: "/v2/bot/info", sent: bearer },
  { verifier: "mercadopago", live: ok({ nickname: "SHOP" }), path: "/users/me", sent: bearer },
  { verifier: "calcom", live: ok({ data: { username: "dev" } }), path: "/v2/me", sent: bearer },
  {
    verifier: "pipedrive",
    live: ok({ data: { company_domain: "acme" } }),
    path: "/v1/users/me",
    sent: (r, s) => r.headers["x-api-token"] === s,
  },
  { verifier: "coda", live: ok({ name: "Dev" }), path: "/apis/v1/whoami", sent: bearer },
  { verifier: "smartsheet", live: ok({ id: 1 }), path: "/2.0/users/me", sent: bearer },
  { verifier: "eventbrite", live: ok({ name: "Dev" }), path: "/v3/users/me/", sent: bearer },
  { verifier: "surveymonkey", live: ok({ username: "dev" }), path: "/v3/users/me", sent: bearer },
  { verifier: "wrike", live: ok({ data: [] }), path: "/api/v4/contacts?me=true", sent: bearer },
  { verifier: "devto", live: ok({ username: "dev" }), path: "/api/users/me", sent: (r, s) => r.headers["api-key"] === s },
  {
    verifier: "statuspage",
    live: { status: 200, body: [] },
    path: "/v1/pages",
    sent: (r, s) => r.headers.authorization === `OAuth ${s}`,
  },
  { verifier: "pinterest", live: ok({ username: "dev" }), path: "/v5/user_account", sent: bearer },
  { verifier: "jumpcloud", live: ok({ results: [] }), path: "/api/organizations", sent: (r, s) => r.headers["x-api-key"] === s },
  { verifier: "apify", live: ok({ data: { username: "dev" } }), path: "/v2/users/me", sent: bearer },
  { verifier: "rootly", live: ok({ data: {} }), path: "/v1/users/me", sent: bearer },
  { verifier: "cockroachdb-cloud", live: ok({ clusters: [] }), path: "/api/v1/clusters", sent: bearer },
  { verifier: "astra", live: { status: 200, body: [] }, path: "/v2/databases", sent: bearer },
  {
    verifier: "elastic-cloud",
    live: ok({ id: "acct" }),
    path: "/api/v1/account",
    sent: (r, s) => r.headers.authorization === `ApiKey ${s}`,
  },
];

let server: ProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function ruleFor(verifier: string): string {
  const rule = Object.entries(RULE_VERIFIERS).find(([, v]) => v.split(":")[0] === verifier && !v.includes(":"))?.[0];
  return rule ?? (Object.entries(RULE_VERIFIERS).find(([, v]) => v.startsWith(`${verifier}:`))?.[0] as string);
}

async function check(c: Case, answer: Answer) {
  server = await startProvider(() => answer);
  const secret = c.secret ?? TOKEN;
  const rule = c.verifier === "aws" ? "aws-secret-access-key" : ruleFor(c.verifier);
  const finding = secretFinding(rule, secret, c.line ?? 1);
  const findings = [finding, ...(c.others ?? [])];
  const summary = await verifyFindings(findings, {
    settings: { ...defaultVerifySettings(), retries: 0, endpoints: { [c.verifier]: server.url } },
    env: {},
    readText: async () => c.text ?? `TOKEN=${secret}`,
  });
  return { finding, summary, requests: server.requests };
}

describe("verifiers", () => {
  it("there are at least 30, and every one has a case here", () => {
    expect(VERIFIERS.size).toBeGreaterThanOrEqual(30);
    expect(CASES.map((c) => c.verifier).sort()).toEqual([...VERIFIERS.keys()].sort());
  });

  for (const c of CASES) {
    it(`${c.verifier}: live, then rejected (${c.method ?? "GET"} ${c.path})`, async () => {
      const secret = c.secret ?? TOKEN;
      const live = await check(c, c.live ?? { status: 200, body: {} });
      expect(live.finding.verification?.status, live.finding.verification?.detail).toBe("live");
      expect(live.finding.verification?.verifier).toBe(c.verifier);
      if (c.detail) expect(live.finding.verification?.detail).toContain(c.detail);
      expect(live.requests).toHaveLength(1);
      const req = live.requests[0] as SeenRequest;
      expect(req.method).toBe(c.method ?? "GET");
      if (typeof c.path === "string") expect(req.path).toBe(c.path);
      else expect(req.path).toMatch(c.path);
      expect(c.sent ? c.sent(req, secret) : true, JSON.stringify(req.headers)).toBe(true);
      expect(live.finding.verification?.detail).not.toContain(secret);
      // A pair (AWS) is one call, and both halves get its verdict.
      const n = 1 + (c.others?.length ?? 0);
      expect(live.summary).toMatchObject({ live: n, requests: 1 });
      await server?.close();

      const dead = await check(c, c.dead ?? { status: 401, body: { message: "Bad credentials" } });
      expect(dead.finding.verification?.status, dead.finding.verification?.detail).toBe(c.deadStatus ?? "invalid");
      expect(dead.summary).toMatchObject({ live: 0, invalid: 1 + (c.others?.length ?? 0) });
    });
  }
});
