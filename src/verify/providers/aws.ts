/**
 * AWS: STS GetCallerIdentity, the documented "who am I" call that needs no
 * IAM permission at all (it cannot be denied by policy), signed with SigV4
 * (sigv4.ts). An access key id is useless without its secret, so the two
 * findings verify as a pair: the key id (AKIA/ASIA) and the 40-character
 * secret on nearby lines; ASIA keys also need their session token.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
import { signV4 } from "../sigv4.js";
import type { Verifier } from "../verifier.js";

const BODY = "Action=GetCallerIdentity&Version=2011-06-15";

function xmlTag(body: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]{1,300})</${tag}>`).exec(body)?.[1];
}

export const awsVerifiers: Verifier[] = [
  {
    id: "aws",
    provider: "AWS STS",
    docs: "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
    base: "https://sts.amazonaws.com",
    companions: [
      {
        name: "accessKeyId",
        rules: ["aws-access-key-id"],
        regex: /\b((?:AKIA|ASIA)[A-Z2-7]{16})\b/,
        withinLines: 5,
        required: true,
      },
      {
        name: "secretAccessKey",
        rules: ["aws-secret-access-key", "aws-secret-access-key-near-id"],
        withinLines: 5,
        required: true,
      },
      { name: "sessionToken", rules: ["aws-session-token"], withinLines: 5 },
    ],
    request(ctx) {
      const { accessKeyId, secretAccessKey, sessionToken } = ctx.companions;
      if (!accessKeyId || !secretAccessKey) return { status: "unknown", detail: "needs both the key id and its secret" };
      if (accessKeyId.startsWith("ASIA") && !sessionToken)
        return { status: "unknown", detail: "a temporary key (ASIA) needs its session token nearby" };
      const url = new URL(`${ctx.base}/`);
      const headers = signV4(
        {
          method: "POST",
          host: url.host,
          path: url.pathname,
          headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
          body: BODY,
        },
        { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
        "us-east-1",
        "sts",
        ctx.now,
      );
      const { host: _host, ...rest } = headers;
      return { method: "POST", url: url.href, headers: { ...rest, accept: "application/xml" }, body: BODY };
    },
    interpret(answer) {
      if (answer.status === 200) {
        const arn = xmlTag(answer.body, "Arn");
        if (!arn) return { status: "error", detail: "AWS STS answered 200 without an Arn (malformed body)" };
        return { status: "live", detail: `AWS STS accepted it (${arn})` };
      }
      const code = xmlTag(answer.body, "Code");
      if (answer.status === 403 && code && /InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(code))
        return { status: "invalid", detail: `AWS STS rejected the pair (${code})` };
      return { status: "unknown", detail: `AWS STS answered HTTP ${answer.status}${code ? ` (${code})` : ""}` };
    },
  },
];
