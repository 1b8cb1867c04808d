/**
 * Pairs found by the real engine in a real file: an AWS key id and its
 * secret on nearby lines verify with one signed STS call, and both findings
 * get the verdict; a Twilio auth token goes with the Account SID next to it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, reposPerTest, runCli, tempDir } from "../helpers/temp-repo.js";
import { basicOf, type ProviderServer, startProvider } from "./provider-server.js";

const repos = reposPerTest();
let server: ProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const AKID = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "pairs-akid");
const AWS_SECRET =
  expandFakes("{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:36}}", "pairs-aws") + "Ab3/";
const SID = `AC${expandFakes("{{fake:hex:32}}", "pairs-sid")}`;
const TWILIO = expandFakes("{{fake:hex:32}}", "pairs-twilio");

async function scan(config: string, file: string) {
  const r = createRepo();
  repos.track(r);
  r.write(".gitward.yaml", config);
  r.write("app.env", file);
  const run = await runCli(["scan", ".", "--verify", "--format", "json"], r.dir, { env: { GITWARD_CACHE_DIR: tempDir() } });
  return {
    run,
    doc: JSON.parse(run.stdout) as { findings: { ruleId: string; verification?: { status: string; detail: string } }[] },
  };
}

describe("pairs", () => {
  it("AWS key id + secret: one SigV4-signed GetCallerIdentity, both findings live", async () => {
    server = await startProvider(() => ({
      status: 200,
      body: "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deploy</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>",
      headers: { "content-type": "text/xml" },
    }));
    const { run, doc } = await scan(
      `verify:\n  endpoints:\n    aws: ${server.url}\n`,
      `AWS_ACCESS_KEY_ID=${AKID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`,
    );
    expect(run.code).toBe(1);
    expect(doc.findings.map((f) => [f.ruleId, f.verification?.status])).toEqual([
      ["aws-access-key-id", "live"],
      ["aws-secret-access-key", "live"],
    ]);
    expect(doc.findings[0]?.verification?.detail).toBe("AWS STS accepted it (arn:aws:iam::123456789012:user/deploy)");
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req?.method).toBe("POST");
    expect(req?.body).toBe("Action=GetCallerIdentity&Version=2011-06-15");
    expect(String(req?.headers.authorization)).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${AKID}/\\d{8}/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$`,
      ),
    );
    // The secret key itself never travels, only the signature made with it.
    expect(JSON.stringify(req)).not.toContain(AWS_SECRET);
    expect(run.stdout + run.stderr).not.toContain(AWS_SECRET);
  });

  it("AWS: a rejected pair is invalid for both halves", async () => {
    server = await startProvider(() => ({
      status: 403,
      body: "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>",
    }));
    const { doc } = await scan(
      `verify:\n  endpoints:\n    aws: ${server.url}\n`,
      `AWS_ACCESS_KEY_ID=${AKID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`,
    );
    expect(doc.findings.map((f) => f.verification)).toEqual([
      expect.objectContaining({ status: "invalid", detail: "AWS STS rejected the pair (InvalidClientTokenId)" }),
      expect.objectContaining({ status: "invalid" }),
    ]);
  });

  it("Twilio auth token with the Account SID on the line above: Basic SID:token to the account resource", async () => {
    server = await startProvider(() => ({ status: 200, body: { friendly_name: "Prod", status: "active" } }));
    const { doc } = await scan(
      `verify:\n  endpoints:\n    twilio: ${server.url}\n`,
      `TWILIO_ACCOUNT_SID=${SID}\nTWILIO_AUTH_TOKEN=${TWILIO}\n`,
    );
    const twilio = doc.findings.find((f) => f.ruleId === "twilio-auth-token");
    expect(twilio?.verification).toMatchObject({ status: "live", detail: "Twilio accepted it (Prod)" });
    expect(server.requests.map((r) => [r.path, basicOf(r)])).toEqual([[`/2010-04-01/Accounts/${SID}.json`, `${SID}:${TWILIO}`]]);
  });
});
