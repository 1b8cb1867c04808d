/**
 * The verification stage (src/verify/verify-findings.ts) on its failure
 * paths: rate limits, server errors, garbage, slow providers, redirects,
 * missing companions, and the cache (hits, expiry, no secrets inside).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultVerifySettings, type VerifySettings } from "../../src/config/config-types.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import type { Finding } from "../../src/types.js";
import { VERIFIERS } from "../../src/verify/registry.js";
import type { Verifier } from "../../src/verify/verifier.js";
import { checkSettings, verifyFindings } from "../../src/verify/verify-findings.js";
import { tempDir } from "../helpers/temp-repo.js";
import { secretFinding } from "./finding.js";
import { type Answer, type ProviderServer, startProvider } from "./provider-server.js";

const GH = expandFakes("{{fake:crc32:ghp_:30}}", "stage-gh");
const TOKEN = expandFakes("xoxb-{{fake:digits:12}}-{{fake:alnum:24}}", "stage-slack");

let servers: ProviderServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function provider(handler: () => Answer): Promise<ProviderServer> {
  const s = await startProvider(handler);
  servers.push(s);
  return s;
}

function settings(extra: Partial<VerifySettings>): VerifySettings {
  return { ...defaultVerifySettings(), retries: 0, ...extra };
}

async function verifyOne(f: Finding, s: VerifySettings, cacheFile?: string, now?: () => Date) {
  const summary = await verifyFindings([f], {
    settings: s,
    env: {},
    readText: async () => undefined,
    ...(cacheFile ? { cacheFile } : {}),
    ...(now ? { now } : {}),
    http: { backoffMs: 1 },
  });
  return { v: f.verification, summary };
}

describe("verification outcomes other than live/invalid", () => {
  it("429 with Retry-After beyond the cap: unknown, saying so; the finding is kept", async () => {
    const p = await provider(() => ({ status: 429, headers: { "retry-after": "120" }, body: {} }));
    const f = secretFinding("github-personal-access-token", GH);
    const { v } = await verifyOne(f, settings({ endpoints: { github: p.url }, retries: 2 }));
    expect(v).toMatchObject({ status: "unknown", detail: "GitHub rate-limited the check (HTTP 429, retry after 120 s)" });
    expect(p.requests).toHaveLength(1);
  });

  it("429 then 200: retried after Retry-After, live", async () => {
    let n = 0;
    const p = await provider(() =>
      ++n === 1 ? { status: 429, headers: { "retry-after": "0" }, body: {} } : { status: 200, body: { login: "o" } },
    );
    const { v, summary } = await verifyOne(
      secretFinding("github-personal-access-token", GH),
      settings({ endpoints: { github: p.url }, retries: 1 }),
    );
    expect(v?.status).toBe("live");
    expect(summary.requests).toBe(2);
  });

  it("5xx after the retries: error with the status", async () => {
    const p = await provider(() => ({ status: 502, body: "bad gateway" }));
    const { v } = await verifyOne(
      secretFinding("github-personal-access-token", GH),
      settings({ endpoints: { github: p.url }, retries: 1 }),
    );
    expect(v).toMatchObject({ status: "error", detail: "GitHub answered HTTP 502 (server error)" });
    expect(p.requests).toHaveLength(2);
  });

  it("a 200 with a body that is not JSON: error (malformed), not live", async () => {
    const p = await provider(() => ({ status: 200, body: "<html>captive portal</html>" }));
    const { v } = await verifyOne(secretFinding("github-personal-access-token", GH), settings({ endpoints: { github: p.url } }));
    expect(v).toMatchObject({ status: "error", detail: "GitHub answered 200 with a body that is not JSON" });
  });

  it("Slack's 200 without an ok field: error (malformed)", async () => {
    const p = await provider(() => ({ status: 200, body: { hello: 1 } }));
    const { v } = await verifyOne(secretFinding("slack-bot-token", TOKEN), settings({ endpoints: { slack: p.url } }));
    expect(v).toMatchObject({ status: "error", detail: "Slack answered 200 without an ok field (malformed body)" });
  });

  it("a provider echoing the token in its answer: the detail is scrubbed", async () => {
    const p = await provider(() => ({ status: 200, body: { ok: false, error: `weird ${TOKEN}` } }));
    const { v } = await verifyOne(secretFinding("slack-bot-token", TOKEN), settings({ endpoints: { slack: p.url } }));
    expect(v?.status).toBe("unknown");
    expect(v?.detail).not.toContain(TOKEN);
    expect(v?.detail).toContain("****");
  });

  it("a slow provider: error after the timeout, with the reason", async () => {
    const p = await provider(() => ({ status: 200, body: { login: "o" }, delayMs: 1000 }));
    const { v } = await verifyOne(
      secretFinding("github-personal-access-token", GH),
      settings({ endpoints: { github: p.url }, timeoutMs: 100 }),
    );
    expect(v).toMatchObject({ status: "error", detail: "GitHub: no answer from 127.0.0.1 within 100 ms" });
  });

  it("a redirect to another host: error naming it, nothing sent there", async () => {
    const other = await provider(() => ({ status: 200, body: { login: "thief" } }));
    const p = await provider(() => ({
      status: 301,
      headers: { location: `${other.url.replace("127.0.0.1", "localhost")}/user` },
    }));
    const { v } = await verifyOne(secretFinding("github-personal-access-token", GH), settings({ endpoints: { github: p.url } }));
    expect(v?.status).toBe("error");
    expect(v?.detail).toMatch(/^GitHub redirected to localhost:\d+ \(redirects are not followed\)$/);
    expect(other.requests).toHaveLength(0);
  });

  it("an unexpected status: unknown with the status", async () => {
    const p = await provider(() => ({ status: 404, body: {} }));
    const { v } = await verifyOne(secretFinding("github-personal-access-token", GH), settings({ endpoints: { github: p.url } }));
    expect(v).toMatchObject({ status: "unknown", detail: "GitHub answered HTTP 404" });
  });

  it("a GitHub token whose checksum does not match: invalid without a request", async () => {
    const p = await provider(() => ({ status: 200, body: {} }));
    const broken = `${GH.slice(0, -1)}${GH.endsWith("A") ? "B" : "A"}`;
    const { v, summary } = await verifyOne(
      secretFinding("github-personal-access-token", broken),
      settings({ endpoints: { github: p.url } }),
    );
    expect(v?.status).toBe("invalid");
    expect(v?.detail).toMatch(/checksum/);
    expect(summary.requests).toBe(0);
  });

  it("a pair without its other half nearby: unknown, nothing sent", async () => {
    const p = await provider(() => ({ status: 200, body: {} }));
    const f = secretFinding("twilio-auth-token", expandFakes("{{fake:hex:32}}", "lonely"));
    const summary = await verifyFindings([f], {
      settings: settings({ endpoints: { twilio: p.url } }),
      env: {},
      readText: async () => `TWILIO_AUTH_TOKEN=${f.secret}\n`,
    });
    expect(f.verification).toMatchObject({
      status: "unknown",
      detail: "needs the accountSid nearby (none found within 5 lines); not sent",
    });
    expect(summary.requests).toBe(0);
    expect(p.requests).toHaveLength(0);
  });

  it("an AWS key id too far from its secret (other file, or > 5 lines) is not paired", async () => {
    const p = await provider(() => ({ status: 200, body: "<Arn>x</Arn>" }));
    const id = secretFinding(
      "aws-access-key-id",
      expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "far"),
      1,
    );
    const secret = secretFinding("aws-secret-access-key", "a".repeat(40), 20);
    const elsewhere = secretFinding("aws-secret-access-key", "b".repeat(40), 2, "other.env");
    await verifyFindings([id, secret, elsewhere], { settings: settings({ endpoints: { aws: p.url } }), env: {} });
    expect(id.verification?.status).toBe("unknown");
    expect(secret.verification?.status).toBe("unknown");
    expect(p.requests).toHaveLength(0);
  });

  it("suppressed and config findings are not verified; rules without a verifier are counted", async () => {
    const p = await provider(() => ({ status: 200, body: { login: "o" } }));
    const suppressed = secretFinding("github-personal-access-token", GH);
    suppressed.suppressions = [{ kind: "inline", justification: "test fixture" }];
    const config: Finding = { ...secretFinding("redis-protected-mode-off", "no"), kind: "config" };
    const other = secretFinding("private-key-pem", "-----BEGIN");
    const summary = await verifyFindings([suppressed, config, other], {
      settings: settings({ endpoints: { github: p.url } }),
      env: {},
    });
    expect(suppressed.verification).toBeUndefined();
    expect(config.verification).toBeUndefined();
    expect(other.verification).toBeUndefined();
    expect(summary).toMatchObject({ live: 0, invalid: 0, unknown: 0, error: 0, notVerifiable: 1, requests: 0 });
  });
});

describe("a verifier that throws", () => {
  it("gives an error verdict on that finding without quoting the exception; the others are still checked", async () => {
    const p = await provider(() => ({ status: 200, body: { login: "o" } }));
    const boom: Verifier = {
      id: "boom-test",
      provider: "Boom",
      docs: "https://example.com/",
      base: "https://example.com",
      request: () => {
        throw new Error(`bug holding ${GH}`);
      },
      interpret: () => ({ status: "live", detail: "" }),
    };
    (VERIFIERS as Map<string, Verifier>).set(boom.id, boom);
    try {
      const bad = secretFinding("acme-token", "acme-secret-value-123");
      const good = secretFinding("github-personal-access-token", GH, 3);
      await verifyFindings([bad, good], {
        settings: settings({ endpoints: { github: p.url }, rules: { "acme-token": "boom-test" } }),
        env: {},
      });
      expect(bad.verification).toMatchObject({ status: "error", detail: "Boom: the check failed" });
      expect(good.verification?.status).toBe("live");
    } finally {
      (VERIFIERS as Map<string, Verifier>).delete(boom.id);
    }
  });
});

describe("the verification cache", () => {
  it("a rerun asks nothing; the file holds hashes and verdicts, never the secret", async () => {
    const p = await provider(() => ({ status: 200, body: { login: "octo" } }));
    const cache = join(tempDir("gitward-vcache-"), "sub", "verify.json");
    const s = settings({ endpoints: { github: p.url } });
    const first = await verifyOne(secretFinding("github-personal-access-token", GH), s, cache);
    expect(first.summary).toMatchObject({ live: 1, requests: 1, cached: 0 });
    const second = await verifyOne(secretFinding("github-personal-access-token", GH), s, cache);
    expect(second.summary).toMatchObject({ live: 1, requests: 0, cached: 1 });
    expect(second.v).toMatchObject({ status: "live", cached: true, checkedAt: first.v?.checkedAt });
    expect(p.requests).toHaveLength(1);
    const text = readFileSync(cache, "utf8");
    expect(text).not.toContain(GH);
    expect(text).not.toContain(GH.slice(4, 20));
    // A finding carried from the history cache has only the hash: the cached verdict still applies.
    const carried = { ...secretFinding("github-personal-access-token", GH), secret: "" };
    const third = await verifyOne(carried, s, cache);
    expect(third.v).toMatchObject({ status: "live", cached: true });
  });

  it("expired entries are asked again; unknown/error answers are not cached", async () => {
    let status = 503;
    const p = await provider(() => ({ status, body: { login: "octo" } }));
    const cache = join(tempDir("gitward-vcache-"), "verify.json");
    const s = settings({ endpoints: { github: p.url }, cacheTtlHours: 1 });
    expect((await verifyOne(secretFinding("github-personal-access-token", GH), s, cache)).v?.status).toBe("error");
    status = 200;
    expect((await verifyOne(secretFinding("github-personal-access-token", GH), s, cache)).summary.requests).toBe(1);
    const later = () => new Date(Date.now() + 2 * 3600_000);
    const expired = await verifyOne(secretFinding("github-personal-access-token", GH), s, cache, later);
    expect(expired.summary).toMatchObject({ requests: 1, cached: 0 });
  });

  it("a carried finding without a cached verdict: unknown, explaining why", async () => {
    const { v } = await verifyOne({ ...secretFinding("github-personal-access-token", GH), secret: "" }, settings({}));
    expect(v?.status).toBe("unknown");
    expect(v?.detail).toMatch(/history cache/);
  });
});

describe("settings", () => {
  it("endpoints must name a verifier and be https (http only for loopback); errors name the file and field", () => {
    expect(() => checkSettings(settings({ endpoints: { gihtub: "https://x" } }), "/r/.gitward.yaml")).toThrow(
      /\.gitward\.yaml: verify\.endpoints\.gihtub: no verifier named "gihtub" \(known: .*github/,
    );
    expect(() => checkSettings(settings({ endpoints: { github: "http://ghe.example.com/api/v3" } }))).toThrow(
      /verify\.endpoints\.github: plain http is only allowed to loopback addresses/,
    );
    expect(() => checkSettings(settings({ endpoints: { github: "https://ghe.example.com/api/v3?x=1" } }))).toThrow(
      /without \? or #/,
    );
    expect(() => checkSettings(settings({ rules: { "my-token": "nope" } }))).toThrow(
      /verify\.rules\.my-token: no verifier named "nope"/,
    );
    expect(() =>
      checkSettings(settings({ endpoints: { github: "https://ghe.example.com/api/v3" }, rules: { "my-token": "github" } })),
    ).not.toThrow();
  });

  it("verify.rules maps a user rule to a verifier (one line of config)", async () => {
    const p = await provider(() => ({ status: 200, body: { login: "o" } }));
    const f = secretFinding("acme-github-mirror-token", GH);
    const { v } = await verifyOne(f, settings({ endpoints: { github: p.url }, rules: { "acme-github-mirror-token": "github" } }));
    expect(v?.status).toBe("live");
  });
});
