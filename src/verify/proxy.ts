/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the verifiers. Node 20's fetch and
 * https.request ignore these variables, and a CI runner behind a proxy would
 * otherwise fail every check with a connection error, so the tunnel is built
 * here: an HTTP CONNECT to the proxy (node:http), then TLS to the provider
 * through it (node:tls), certificate checked against the provider's name as
 * on a direct connection. The proxy sees only the host name and port.
 *
 * Loopback targets are never proxied (as in Go's net/http): they are how
 * tests and local mirrors run, and a proxy cannot reach them anyway.
 */
import http from "node:http";
import type { Socket } from "node:net";

export interface ProxyChoice {
  /** The proxy URL (may carry user:password, used for Proxy-Authorization, never printed). */
  url: URL;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h.endsWith(".localhost");
}

/** Does a NO_PROXY list exempt this host (and port)? Entries: "*", "host", ".domain", "domain", "host:port", IPs. */
export function noProxyMatches(noProxy: string | undefined, hostname: string, port: number): boolean {
  if (!noProxy) return false;
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ""));
    let name = m?.[1] ?? entry;
    const entryPort = m?.[2];
    if (entryPort && Number(entryPort) !== port) continue;
    name = name.replace(/^\*?\./, ".");
    if (name.startsWith(".")) {
      if (host.endsWith(name) || host === name.slice(1)) return true;
    } else if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy for a target, from the environment (upper- or lower-case names), or undefined for a direct connection. */
export function proxyFor(target: URL, env: Record<string, string | undefined>): ProxyChoice | undefined {
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  if (isLoopbackHost(target.hostname)) return undefined;
  if (noProxyMatches(env.NO_PROXY ?? env.no_proxy, target.hostname, port)) return undefined;
  const value =
    target.protocol === "https:"
      ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy ?? env.ALL_PROXY ?? env.all_proxy);
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new Error("HTTPS_PROXY/HTTP_PROXY is not a URL");
  }
  if (url.protocol !== "http:") throw new Error(`proxy scheme ${url.protocol} is not supported (use http://host:port)`);
  return { url };
}

/** A proxy URL fit for messages: scheme, host and port only. */
export function describeProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Opens a tunnel through the proxy to host:port with CONNECT and resolves the
 * raw socket (the caller wraps it in TLS). Rejects on a non-200 answer.
 */
export function connectTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxy.username || proxy.password) {
      const user = decodeURIComponent(proxy.username);
      const pass = decodeURIComponent(proxy.password);
      headers["proxy-authorization"] = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    }
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: Number(proxy.port || 80),
      method: "CONNECT",
      path: `${host.includes(":") ? `[${host}]` : host}:${port}`,
      headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`proxy ${describeProxy(proxy)} did not answer CONNECT within ${timeoutMs} ms`));
    }, timeoutMs);
    req.once("connect", (res, socket) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${describeProxy(proxy)} refused the tunnel (HTTP ${res.statusCode})`));
        return;
      }
      resolve(socket);
    });
    req.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`proxy ${describeProxy(proxy)}: ${e.code ?? e.message}`));
    });
    req.end();
  });
}
