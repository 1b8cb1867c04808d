/**
 * The transport rules every verifier call obeys (src/verify/http-client.ts),
 * against loopback servers: retries and Retry-After, 5xx, timeouts, body cap,
 * no redirects, http only to loopback, and HTTPS_PROXY through a CONNECT
 * tunnel to a TLS server (certificate made at test time with openssl).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSendableUrl, HttpClient, type HttpClientOptions, retryAfterMs } from "../../src/verify/http-client.js";
import { noProxyMatches, proxyFor } from "../../src/verify/proxy.js";
import { tempDir } from "../helpers/temp-repo.js";
import { startProvider } from "./provider-server.js";

function client(extra: Partial<HttpClientOptions> = {}): { client: HttpClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const c = new HttpClient({
    timeoutMs: 2000,
    retries: 2,
    backoffMs: 100,
    maxRetryAfterMs: 30_000,
    concurrency: 2,
    minIntervalMs: 0,
    maxBodyBytes: 1024,
    env: {},
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { client: c, sleeps };
}

describe("HttpClient", () => {
  it("retries a 429, waiting what Retry-After says, then returns the answer", async () => {
    let n = 0;
    const server = await startProvider(() =>
      ++n === 1 ? { status: 429, headers: { "retry-after": "3" }, body: {} } : { status: 200, body: { ok: true } },
    );
    const { client: c, sleeps } = client();
    const a = await c.send({ method: "GET", url: `${server.url}/x` });
    expect(a.status).toBe(200);
    expect(sleeps).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
    expect(c.requests).toBe(2);
    await server.close();
  });

  it("a 429 whose Retry-After is beyond the cap is returned at once (no long wait)", async () => {
    const server = await startProvider(() => ({ status: 429, headers: { "retry-after": "3600" }, body: {} }));
    const { client: c, sleeps } = client();
    expect((await c.send({ method: "GET", url: `${server.url}/x` })).status).toBe(429);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await server.close();
  });

  it("retries 5xx with exponential backoff, then returns the last answer", async () => {
    const server = await startProvider(() => ({ status: 503, body: "down" }));
    const { client: c, sleeps } = client();
    expect((await c.send({ method: "GET", url: `${server.url}/x` })).status).toBe(503);
    expect(sleeps).toEqual([100, 200]);
    expect(server.requests).toHaveLength(3);
    await server.close();
  });

  it("does not retry 401 (a decided answer)", async () => {
    const server = await startProvider(() => ({ status: 401, body: {} }));
    const { client: c } = client();
    expect((await c.send({ method: "GET", url: `${server.url}/x` })).status).toBe(401);
    expect(server.requests).toHaveLength(1);
    await server.close();
  });

  it("a slow server: timeout error naming the host, never the path", async () => {
    const server = await startProvider(() => ({ status: 200, body: {}, delayMs: 1500 }));
    const { client: c } = client({ timeoutMs: 200 });
    await expect(c.send({ method: "GET", url: `${server.url}/botSECRET123456/getMe` })).rejects.toThrow(
      /^no answer from 127\.0\.0\.1 within 200 ms$/,
    );
    await server.close();
  });

  it("a body larger than the cap is an error, not an unbounded read", async () => {
    const server = await startProvider(() => ({ status: 200, body: "x".repeat(5000) }));
    const { client: c } = client();
    await expect(c.send({ method: "GET", url: `${server.url}/x` })).rejects.toThrow(/larger than 1024 bytes/);
    await server.close();
  });

  it("never follows a redirect: the 3xx comes back and the other host gets nothing", async () => {
    const other = await startProvider(() => ({ status: 200, body: {} }));
    const server = await startProvider(() => ({ status: 302, headers: { location: `${other.url}/steal` } }));
    const { client: c } = client();
    const a = await c.send({ method: "GET", url: `${server.url}/user`, headers: { authorization: "token x" } });
    expect(a.status).toBe(302);
    expect(other.requests).toHaveLength(0);
    await Promise.all([server.close(), other.close()]);
  });

  it("refuses plain http to anything but loopback, and URLs with credentials", async () => {
    const { client: c } = client();
    await expect(c.send({ method: "GET", url: "http://api.github.com/user" })).rejects.toThrow(/only allowed to loopback/);
    expect(checkSendableUrl(new URL("http://127.0.0.1:9/"))).toBeUndefined();
    expect(checkSendableUrl(new URL("http://[::1]:9/"))).toBeUndefined();
    expect(checkSendableUrl(new URL("http://localhost:9/"))).toBeUndefined();
    expect(checkSendableUrl(new URL("https://api.github.com/"))).toBeUndefined();
    expect(checkSendableUrl(new URL("http://10.0.0.1/"))).toMatch(/loopback/);
    expect(checkSendableUrl(new URL("ftp://example.com/"))).toMatch(/scheme/);
    expect(checkSendableUrl(new URL("https://u:p@example.com/"))).toMatch(/credentials/);
    expect(c.requests).toBe(0);
  });

  it("a connection refused is an error with the code (retried, then thrown)", async () => {
    const server = await startProvider(() => ({ status: 200 }));
    const url = server.url;
    await server.close();
    const { client: c, sleeps } = client();
    await expect(c.send({ method: "GET", url: `${url}/x` })).rejects.toThrow(/127\.0\.0\.1: ECONNREFUSED/);
    expect(sleeps).toEqual([100, 200]);
  });

  it("spaces calls to one host and caps the calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await startProvider(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return { status: 200, body: {} };
    });
    const { client: c } = client({ concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => c.send({ method: "GET", url: `${server.url}/x` })));
    expect(server.requests).toHaveLength(6);
    expect(peak).toBeLessThanOrEqual(2);
    await server.close();
  });

  it("Retry-After: seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(Date.UTC(2026, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(10_000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("proxy selection", () => {
  it("HTTPS_PROXY for https, HTTP_PROXY for http, lower-case names too; loopback never proxied", () => {
    expect(proxyFor(new URL("https://api.github.com/"), { HTTPS_PROXY: "http://proxy:3128" })?.url.host).toBe("proxy:3128");
    expect(proxyFor(new URL("https://api.github.com/"), { https_proxy: "proxy:8080" })?.url.host).toBe("proxy:8080");
    expect(proxyFor(new URL("http://example.com/"), { HTTPS_PROXY: "http://p:1" })).toBeUndefined();
    expect(proxyFor(new URL("http://127.0.0.1:5/"), { HTTP_PROXY: "http://p:1" })).toBeUndefined();
    expect(() => proxyFor(new URL("https://a.com/"), { HTTPS_PROXY: "socks5://p:1" })).toThrow(/not supported/);
  });

  it("NO_PROXY: *, exact hosts, domain suffixes with or without a dot, ports", () => {
    expect(noProxyMatches("*", "api.github.com", 443)).toBe(true);
    expect(noProxyMatches("github.com", "api.github.com", 443)).toBe(true);
    expect(noProxyMatches(".github.com", "api.github.com", 443)).toBe(true);
    expect(noProxyMatches("*.github.com", "api.github.com", 443)).toBe(true);
    expect(noProxyMatches("github.com", "notgithub.com", 443)).toBe(false);
    expect(noProxyMatches("a.com:8443", "a.com", 443)).toBe(false);
    expect(noProxyMatches("a.com:443, b.com", "a.com", 443)).toBe(true);
    expect(proxyFor(new URL("https://api.github.com/"), { HTTPS_PROXY: "http://p:1", NO_PROXY: "github.com" })).toBeUndefined();
  });
});

describe("HTTPS_PROXY: CONNECT tunnel to a TLS server", () => {
  let tlsServer: https.Server;
  let proxy: http.Server;
  let ca: string;
  let tlsPort = 0;
  let proxyPort = 0;
  const connects: { target: string; auth?: string }[] = [];
  const tunnelled: Buffer[] = [];
  const seen: { host?: string; authorization?: string; path?: string }[] = [];

  beforeAll(async () => {
    const dir = tempDir("gitward-tls-");
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=provider.test",
        "-addext",
        "subjectAltName=DNS:provider.test",
      ],
      { stdio: "ignore" },
    );
    ca = readFileSync(cert, "utf8");
    tlsServer = https.createServer({ key: readFileSync(key), cert: ca }, (req, res) => {
      seen.push({ host: req.headers.host, authorization: req.headers.authorization, path: req.url });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"login":"octo"}');
    });
    await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", r));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    // A minimal forward proxy: CONNECT provider.test:443 is sent to the local TLS server.
    proxy = http.createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    proxy.on("connect", (req, socket, head) => {
      connects.push({
        target: req.url ?? "",
        ...(req.headers["proxy-authorization"] ? { auth: String(req.headers["proxy-authorization"]) } : {}),
      });
      if (req.url !== "provider.test:443") {
        socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const upstream = net.connect(tlsPort, "127.0.0.1", () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        socket.on("data", (d: Buffer) => tunnelled.push(d));
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  afterAll(() => {
    tlsServer.close();
    proxy.close();
  });

  it("reaches the provider through the proxy with TLS checked against the provider's name; the proxy sees only ciphertext", async () => {
    const { client: c } = client({ env: { HTTPS_PROXY: `http://user:pa%20ss@127.0.0.1:${proxyPort}` }, ca });
    const token = "tok-SECRET-visible-only-to-the-provider";
    const a = await c.send({ method: "GET", url: "https://provider.test/user", headers: { authorization: `token ${token}` } });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ login: "octo" });
    expect(connects.at(-1)).toEqual({
      target: "provider.test:443",
      auth: `Basic ${Buffer.from("user:pa ss").toString("base64")}`,
    });
    expect(seen.at(-1)).toEqual({ host: "provider.test", authorization: `token ${token}`, path: "/user" });
    expect(Buffer.concat(tunnelled).includes(token)).toBe(false);
  });

  it("an untrusted certificate through the tunnel fails (no silent downgrade)", async () => {
    const { client: c } = client({ env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }, retries: 0 });
    await expect(c.send({ method: "GET", url: "https://provider.test/user" })).rejects.toThrow(/provider\.test: .*(CERT|SIGNED)/);
  });

  it("a proxy that refuses the tunnel is an error naming the proxy without its credentials", async () => {
    const { client: c } = client({ env: { HTTPS_PROXY: `http://user:hunter2@127.0.0.1:${proxyPort}` }, retries: 0, ca });
    const e = await c.send({ method: "GET", url: "https://elsewhere.test/user" }).catch((x: Error) => x);
    expect(String(e)).toMatch(/refused the tunnel \(HTTP 403\)/);
    expect(String(e)).not.toContain("hunter2");
  });
});
