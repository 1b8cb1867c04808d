/**
 * The only way a secret leaves the machine. Every verifier call goes through
 * `HttpClient.send`, which enforces what docs/verification.md promises:
 *
 * - https only; plain http only to loopback addresses (tests, local mirrors);
 * - redirects are never followed (a 3xx is returned to the stage, which
 *   reports it as an error naming the other host, never the URL);
 * - a timeout per attempt and a cap on the body read;
 * - retries with exponential backoff on 429 (honouring Retry-After up to a
 *   cap) and on 5xx / connection resets;
 * - per-host concurrency and spacing (host-limiter.ts);
 * - HTTPS_PROXY / NO_PROXY through a CONNECT tunnel (proxy.ts).
 *
 * Errors carry codes and host names only: never a URL path (Telegram puts the
 * token in it), a header or a body.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import tls from "node:tls";
import { HostLimiter } from "./host-limiter.js";
import { connectTunnel, isLoopbackHost, proxyFor } from "./proxy.js";
import type { HttpAnswer, HttpCall } from "./types.js";

export interface HttpClientOptions {
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx and connection resets. */
  retries: number;
  /** Base of the exponential backoff (doubled per retry). */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the answer is returned as is. */
  maxRetryAfterMs: number;
  /** Per host. */
  concurrency: number;
  /** Per host: at least this long between two call starts. */
  minIntervalMs: number;
  maxBodyBytes: number;
  env: Record<string, string | undefined>;
  /** Extra trusted CA certificates (tests; NODE_EXTRA_CA_CERTS works too). */
  ca?: string | string[];
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

export class VerifyHttpError extends Error {
  override readonly name = "VerifyHttpError";
  constructor(
    message: string,
    readonly kind: "timeout" | "network" | "too-large" | "refused-url",
  ) {
    super(message);
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Is this URL one a secret may be sent to? https anywhere, http only on loopback. */
export function checkSendableUrl(url: URL): string | undefined {
  if (url.username || url.password) return "URLs with credentials are not used";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === "http:") return `plain http is only allowed to loopback addresses, not ${url.hostname}`;
  return `scheme ${url.protocol} is not allowed`;
}

/** Retry-After as milliseconds (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v.trim()) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class HttpClient {
  private readonly limiter: HostLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Requests put on the wire (retries included). */
  requests = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.limiter = new HostLimiter({ concurrency: options.concurrency, minIntervalMs: options.minIntervalMs }, this.sleep);
  }

  /** Sends the call, retrying 429/5xx/resets; returns the last answer or throws VerifyHttpError. */
  async send(call: HttpCall): Promise<HttpAnswer> {
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      throw new VerifyHttpError("not a valid URL", "refused-url");
    }
    const refused = checkSendableUrl(url);
    if (refused) throw new VerifyHttpError(refused, "refused-url");
    const { retries, backoffMs, maxRetryAfterMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      let answer: HttpAnswer | undefined;
      try {
        answer = await this.limiter.run(url.host, () => this.once(url, call));
      } catch (e) {
        const err = e as VerifyHttpError;
        if (err.kind !== "network" || attempt >= retries) throw err;
        await this.sleep(backoffMs * 2 ** attempt);
        continue;
      }
      if (attempt >= retries) return answer;
      if (answer.status === 429) {
        const after = retryAfterMs(answer.headers["retry-after"]);
        if (after !== undefined && after > maxRetryAfterMs) return answer;
        await this.sleep(after ?? backoffMs * 2 ** attempt);
        continue;
      }
      if (answer.status >= 500 && answer.status <= 599) {
        await this.sleep(backoffMs * 2 ** attempt);
        continue;
      }
      return answer;
    }
  }

  private async connect(url: URL): Promise<{ createConnection?: () => Socket }> {
    const proxy = proxyFor(url, this.options.env);
    if (!proxy) return {};
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const raw = await connectTunnel(proxy.url, host, port, this.options.timeoutMs);
    if (url.protocol !== "https:") return { createConnection: () => raw };
    // The handshake finishes (certificate checked against the provider's name) before any byte of the request.
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        socket: raw,
        ...(isIp(host) ? {} : { servername: host }),
        host,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
        ALPNProtocols: ["http/1.1"],
      });
      s.once("secureConnect", () => {
        s.removeAllListeners("error");
        resolve(s);
      });
      s.once("error", (e: NodeJS.ErrnoException) => {
        raw.destroy();
        reject(new Error(`${host}: ${e.code ?? e.message}`));
      });
    });
    return { createConnection: () => secure };
  }

  private async once(url: URL, call: HttpCall): Promise<HttpAnswer> {
    this.requests++;
    const { timeoutMs, maxBodyBytes } = this.options;
    let tunnel: { createConnection?: () => Socket };
    try {
      tunnel = await this.connect(url);
    } catch (e) {
      throw new VerifyHttpError((e as Error).message, "network");
    }
    const body = call.body === undefined ? undefined : Buffer.from(call.body, "utf8");
    const headers: Record<string, string> = {
      "user-agent": this.options.userAgent ?? "gitward-verify",
      accept: "application/json",
      ...call.headers,
      ...(body ? { "content-length": String(body.length) } : {}),
    };
    // Through a tunnel the socket is already TLS (or plain to a loopback host): speak HTTP over it.
    const viaTunnel = tunnel.createConnection !== undefined;
    const mod = url.protocol === "https:" && !viaTunnel ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      const fail = (e: VerifyHttpError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = mod.request({
        protocol: viaTunnel ? "http:" : url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: call.method,
        headers: { host: url.host, ...headers },
        // Node uses createConnection only when no agent is given; direct calls get a fresh agent (no pooling).
        ...(tunnel.createConnection ? { createConnection: tunnel.createConnection } : { agent: false }),
        ...(!viaTunnel && url.protocol === "https:" && this.options.ca ? { ca: this.options.ca } : {}),
      });
      const timer = setTimeout(
        () => fail(new VerifyHttpError(`no answer from ${url.hostname} within ${timeoutMs} ms`, "timeout")),
        timeoutMs,
      );
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBodyBytes) {
            fail(new VerifyHttpError(`answer from ${url.hostname} larger than ${maxBodyBytes} bytes`, "too-large"));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (e: NodeJS.ErrnoException) =>
          fail(new VerifyHttpError(`${url.hostname}: ${e.code ?? "connection error"}`, "network")),
        );
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        // Node's messages for TLS failures name only the host; codes are enough and never leak a path.
        fail(new VerifyHttpError(`${url.hostname}: ${e.code ?? e.message.split("\n")[0]}`, "network"));
      });
      req.end(body);
    });
  }
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}
