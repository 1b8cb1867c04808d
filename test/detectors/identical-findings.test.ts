/**
 * One finding per secret: when several rules report the very same secret at
 * the same place, the most specific one does (pipeline dedupeIdentical), and
 * rules that embed another rule's secret leave it to that rule (jwt-token on
 * JFrog lines, gcp-api-key inside a Google Chat webhook URL). Scans real files
 * in a temp directory with every built-in pack.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gitward-identical-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fake = (recipe: string) => expandFakes(recipe, `identical:${recipe}`);

async function findings(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(dir, "case-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const result = await scan({ cwd: root, configFile: false, kinds: { config: false } });
  return result.findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}:${f.startColumn}`);
}

describe("identical findings are reported once, by the most specific rule", () => {
  it("a registry fallback rule wins over the generic key-name rule", async () => {
    expect(await findings({ ".npmrc": `//npm.pkg.acme.io/:_authToken=${fake("{{fake:b64url:40}}")}\n` })).toEqual([
      "npmrc-auth-token .npmrc:1:31",
    ]);
    expect(await findings({ ".yarnrc.yml": `npmAuthToken: ${fake("{{fake:alnum:36}}")}\n` })).toEqual([
      "yarn-npm-auth-token .yarnrc.yml:1:15",
    ]);
  });

  it("an Azure connection-string key is not also a generic api key", async () => {
    const line = `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${fake("{{fake:b64:43}}")}=`;
    expect(await findings({ "config/bus.conf": `${line}\n` })).toEqual([
      "azure-service-bus-shared-access-key config/bus.conf:1:85",
    ]);
  });

  it("a rule that needed its companion pattern wins over one that did not (Yandex static key in AWS settings)", async () => {
    const text = `[default]\naws_access_key_id = YCAJ${fake("{{fake:b64url:21}}")}\naws_secret_access_key = YC${fake("{{fake:b64url:38}}")}\n`;
    expect(await findings({ "ops/yc/credentials": text })).toEqual(["yandex-cloud-static-access-key ops/yc/credentials:3:25"]);
  });

  it("a JWT on a JFrog line is a JFrog access token, not also a generic JWT", async () => {
    const jwt = fake("{{fake:jwt}}");
    expect(await findings({ "ci/.env": `JFROG_ACCESS_TOKEN=${jwt}\nSESSION=${jwt}\n` })).toEqual([
      "jfrog-access-token ci/.env:1:20",
      "jwt-token ci/.env:2:9",
    ]);
  });

  it("the API key inside a Google Chat webhook URL is part of the webhook finding", async () => {
    const url = `https://chat.googleapis.com/v1/spaces/AAAA${fake("{{fake:alnum:7}}")}/messages?key=AIza${fake("{{fake:b64url:35}}")}&token=${fake("{{fake:b64url:43}}")}`;
    expect(await findings({ "alerts/chat.env": `CHAT_WEBHOOK=${url}\nMAPS_KEY=AIza${fake("{{fake:b64url:35}}")}\n` })).toEqual([
      "google-chat-webhook alerts/chat.env:1:14",
      "gcp-api-key alerts/chat.env:2:10",
    ]);
  });
});
