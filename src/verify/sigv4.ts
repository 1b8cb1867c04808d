/**
 * AWS Signature Version 4, for the one call the AWS verifier makes
 * (STS GetCallerIdentity). Written against the published algorithm with
 * node:crypto rather than pulling in an SDK: canonical request → string to
 * sign → HMAC chain (date, region, service, "aws4_request") → signature.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from "node:crypto";

export interface SigV4Request {
  method: string;
  /** Host header value (host[:port]). */
  host: string;
  path: string;
  /** Query string without "?", any order (sorted here). */
  query?: string;
  /** Header names in any case; host and x-amz-date are added. */
  headers: Record<string, string>;
  body: string;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved kept, everything else %XX). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string | undefined): string {
  if (!query) return "";
  return query
    .split("&")
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf("=");
      const k = decodeURIComponent(i === -1 ? p : p.slice(0, i));
      const v = i === -1 ? "" : decodeURIComponent(p.slice(i + 1).replace(/\+/g, " "));
      return [uriEncode(k), uriEncode(v)] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** "20150830T123600Z" */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Returns the headers to send: the input headers plus host, x-amz-date, (token) and authorization. */
export function signV4(
  req: SigV4Request,
  creds: SigV4Credentials,
  region: string,
  service: string,
  now: Date,
): Record<string, string> {
  const stamp = amzDate(now);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  headers.host = req.host;
  headers["x-amz-date"] = stamp;
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    req.method,
    req.path.split("/").map(uriEncode).join("/") || "/",
    canonicalQuery(req.query),
    canonicalHeaders,
    signedHeaders,
    sha256hex(req.body),
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256hex(canonicalRequest)].join("\n");
  const kDate = hmac(`AWS4${creds.secretAccessKey}`, day);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, "aws4_request");
  const signature = createHmac("sha256", kSigning).update(stringToSign, "utf8").digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
