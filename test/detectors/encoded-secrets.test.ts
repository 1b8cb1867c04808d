// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are test data.
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createEncodedSecretsDetector,
  decodeBase64Text,
  type EncodedSecretsDetector,
  findEncodedRuns,
  keyStoreFragment,
  keyStoreKind,
} from "../../src/detectors/encoded-secrets.js";
import { PatternEngine } from "../../src/detectors/pattern-engine.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedRule, SecretRuleSpec } from "../../src/packs/pack-types.js";
import { buildRuleSet } from "../../src/packs/rule-set.js";
import type { Fragment } from "../../src/types.js";

const PACKS = ["private-keys", "databases", "generic"].map((name) =>
  fileURLToPath(new URL(`../../patterns/secrets/${name}.yaml`, import.meta.url)),
);

let rules: LoadedRule<SecretRuleSpec>[];
let detector: EncodedSecretsDetector;

beforeAll(async () => {
  const packs = await Promise.all(PACKS.map((p) => loadPackFile(p)));
  rules = buildRuleSet(packs).secretRules;
  detector = createEncodedSecretsDetector(rules);
});

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const frag = (path: string, text: string, extra: Partial<Fragment> = {}): Fragment => ({
  path,
  text,
  startLine: 1,
  source: "file",
  ...extra,
});
const summary = (f: { ruleId: string; startLine: number; startColumn: number; endColumn: number; secret: string }) => ({
  rule: f.ruleId,
  line: f.startLine,
  col: f.startColumn,
  endCol: f.endColumn,
  secret: f.secret,
});

describe("encoded-secrets detector", () => {
  it("rescans a Kubernetes Secret data value in its key context", () => {
    const password = "Xk9#mPq2vLw"; // gitward:allow generic-password -- fake test password
    const encoded = b64(password);
    const text = `apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  username: ${b64("orders")}\n  password: ${encoded}\n`;
    const out = detector.detect(frag("k8s/db-secret.yaml", text));
    expect(out.findings.map(summary)).toEqual([
      { rule: "generic-password-unquoted", line: 6, col: 13, endCol: 13 + encoded.length, secret: password },
    ]);
    expect(out.findings[0]?.message).toBe("Hard-coded password (unquoted, in a config file) (base64-encoded)");
    expect(out.findings[0]?.lineText).toBe(`  password: ${encoded}`);
  });

  it("the pattern engine leaves the encoded value to this detector (no double report)", () => {
    const text = `data:\n  password: ${b64("Xk9#mPq2vLw")}\n`;
    expect(new PatternEngine(rules).detect(frag("k8s/db-secret.yaml", text)).findings).toEqual([]);
  });

  it("does not report encoded placeholders", () => {
    const text = `data:\n  password: ${b64("changeme")}\n  token: ${b64("your-token-here")}\n  api_key: ${b64("${API_KEY}")}\n`;
    expect(detector.detect(frag("k8s/secret.yaml", text)).findings).toEqual([]);
  });

  it("finds a base64 PEM private key (tls.key) as a multi-line decoding", () => {
    const pem = expandFakes("{{fake:pem:RSA PRIVATE KEY}}", "enc-pem");
    const encoded = b64(`${pem}\n`);
    const text = `kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64("not a certificate, just text")}\n  tls.key: ${encoded}\n`;
    const out = detector.detect(frag("k8s/tls.yaml", text));
    expect(out.findings.map((f) => [f.ruleId, f.startLine, f.startColumn, f.secret])).toEqual([["private-key-pem", 5, 12, pem]]);
  });

  it("decodes two levels: a .dockerconfigjson whose auth is base64 again", () => {
    const user = "ci-bot";
    const password = expandFakes("{{fake:alnum:24}}", "enc-docker");
    const inner = b64(`${user}:${password}`);
    const config = JSON.stringify({ auths: { "registry.acme.io": { auth: inner } } });
    const text = `kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(config)}\n`;
    const out = detector.detect(frag("k8s/pull-secret.yaml", text));
    expect(out.findings.map((f) => [f.ruleId, f.startLine, f.startColumn, f.secret])).toEqual([
      ["generic-api-key", 4, 22, `${user}:${password}`],
    ]);
    const shallow = createEncodedSecretsDetector(rules, { maxDepth: 1 });
    expect(shallow.detect(frag("k8s/pull-secret.yaml", text)).findings).toEqual([]);
  });

  it("respects the depth limit", () => {
    const url = expandFakes("postgres://app:{{fake:alnum:16}}@db.prod.acme.io/app", "enc-depth");
    const twice = b64(b64(url));
    const thrice = b64(twice);
    const line = (v: string) => `DATABASE_URL_B64=${v}\n`;
    expect(detector.detect(frag("deploy/app.env", line(twice))).findings.map((f) => f.ruleId)).toEqual([
      "postgres-connection-string",
    ]);
    expect(detector.detect(frag("deploy/app.env", line(thrice))).findings).toEqual([]);
    const deep = createEncodedSecretsDetector(rules, { maxDepth: 3 });
    expect(deep.detect(frag("deploy/app.env", line(thrice))).findings.map((f) => [f.ruleId, f.startLine, f.startColumn])).toEqual(
      [["postgres-connection-string", 1, 18]],
    );
  });

  it("decodes hex and URL encodings", () => {
    const password = expandFakes("{{fake:alnum:16}}", "enc-hex");
    const url = `postgres://app:${password}@db.prod.acme.io/app`;
    const hex = Buffer.from(url).toString("hex");
    const encodedUrl = encodeURIComponent(url);
    const text = `dsn_hex = "${hex}"\nredirect = "https://app.acme.io/setup?dsn=${encodedUrl}"\n`;
    const out = detector.detect(frag("config/app.toml", text));
    expect(out.findings.map((f) => [f.ruleId, f.startLine, f.startColumn, f.secret, f.message])).toEqual([
      ["postgres-connection-string", 1, 12, password, "PostgreSQL connection URI with a password (hex-encoded)"],
      ["postgres-connection-string", 2, 13, password, "PostgreSQL connection URI with a password (URL-encoded)"],
    ]);
  });

  it("ignores basic-auth headers (their own rule decodes them), JWTs, images and random tokens", () => {
    const jwt = expandFakes("{{fake:jwt}}", "enc-jwt");
    const token = expandFakes("{{fake:b64:40}}", "enc-rand");
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array(60).fill(7)]).toString("base64");
    const text = [
      `Authorization: Basic ${b64("deploy:Zq8vN2xKpL")}`,
      `token = "${jwt}"`,
      `<img src="data:image/png;base64,${png}">`,
      `checksum: ${token}`,
      `const ComponentRegistry = createRegistry(ServiceLocatorFactory);`,
    ].join("\n");
    expect(detector.detect(frag("docs/notes.md", text)).findings).toEqual([]);
  });

  it("maps diff fragments through lineNumbers", () => {
    const text = `  password: ${b64("Xk9#mPq2vLw")}\n`;
    const out = detector.detect(frag("k8s/secret.yaml", text, { startLine: 40, lineNumbers: [40] }));
    expect(out.findings.map((f) => [f.ruleId, f.startLine, f.startColumn])).toEqual([["generic-password-unquoted", 40, 13]]);
  });
});

describe("base64 candidates", () => {
  it("accepts padded base64 of text and rejects words, hex and binary", () => {
    expect(decodeBase64Text(b64("hunter2!"))).toBe("hunter2!");
    expect(decodeBase64Text("ServiceLocatorFactory")).toBeUndefined();
    expect(decodeBase64Text("9f86d081884c7d659a2feaa0c55ad015")).toBeUndefined();
    expect(decodeBase64Text(Buffer.from([1, 2, 3, 200, 201, 202, 5, 6, 7]).toString("base64"))).toBeUndefined();
  });

  it("finds runs with their offsets", () => {
    const enc = b64("user:pass-word");
    expect(findEncodedRuns(`x = "${enc}";`)).toEqual([
      { start: 5, end: 5 + enc.length, encoding: "base64", decoded: "user:pass-word" },
    ]);
  });
});

describe("binary key stores", () => {
  const body = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256);
  it("recognises JKS, JCEKS and PKCS#12 by magic bytes", () => {
    expect(keyStoreKind(Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]))).toBe("jks");
    expect(keyStoreKind(Uint8Array.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]))).toBe("jceks");
    expect(keyStoreKind(Uint8Array.from([0x30, 0x82, 0x09, 0xcf, 0x02, 0x01, 0x03, 0x30, 0x82]))).toBe("pkcs12");
    expect(keyStoreKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    // A DER private key (version 0) is not a key store.
    expect(keyStoreKind(Uint8Array.from([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02]))).toBeUndefined();
  });

  it("turns a binary key store into a fragment the key-store rules match", () => {
    const engine = new PatternEngine(rules);
    const jks = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, ...body]);
    const p12 = Uint8Array.from([0x30, 0x82, 0x01, 0x40, 0x02, 0x01, 0x03, 0x30, 0x82, 0x01, 0x30, ...body]);
    const a = keyStoreFragment("certs/server.jks", jks) as Fragment;
    const b = keyStoreFragment("certs/client.p12", p12) as Fragment;
    expect(engine.detect(a).findings.map((f) => [f.ruleId, f.startLine, f.startColumn])).toEqual([
      ["java-keystore-base64", 1, 1],
    ]);
    expect(engine.detect(b).findings.map((f) => [f.ruleId, f.startLine, f.startColumn])).toEqual([
      ["pkcs12-keystore-base64", 1, 1],
    ]);
    expect(keyStoreFragment("img/logo.png", Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
  });
});
