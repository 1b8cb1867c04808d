/**
 * Loopback servers that imitate providers for the verification tests: every
 * request is recorded (method, path, headers, body) and counted, and the
 * handler answers like the provider's documentation says it does. Nothing
 * here touches the internet.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow provider). */
  delayMs?: number;
}

export interface ProviderServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startProvider(handler: (req: SeenRequest) => Answer | Promise<Answer>): Promise<ProviderServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const seen = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const a = await handler(seen);
      const send = () => {
        const body = typeof a.body === "string" ? a.body : a.body === undefined ? "" : JSON.stringify(a.body);
        res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
        res.end(body);
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The Basic credentials of a request, decoded ("user:password"). */
export function basicOf(req: SeenRequest): string | undefined {
  const m = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""));
  return m ? Buffer.from(m[1] as string, "base64").toString("utf8") : undefined;
}
