// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are test data.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createEncodedSecretsDetector,
  decodeBase64Text,
  decodeBudget,
  type EncodedSecretsDetector,
  findEncodedRuns,
} from "../../src/detectors/encoded-secrets.js";
import { PatternEngine } from "../../src/detectors/pattern-engine.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { loadPackFile } from "../../src/packs/load-pack.js";
import type { LoadedRule, SecretRuleSpec } from "../../src/packs/pack-types.js";
import { buildRuleSet } from "../../src/packs/rule-set.js";
import { isTrustStoreOnly, keyStoreFragment, keyStoreKind } from "../../src/sources/key-stores.js";
import type { Fragment } from "../../src/types.js";

const PACKS = ["private-keys", "databases", "generic"].map((name) =>
  fileURLToPath(new URL(`../../patterns/secrets/${name}.yaml`, import.meta.url)),
);

let rules: LoadedRule<SecretRuleSpec>[];
let githubRules: LoadedRule<SecretRuleSpec>[];
let detector: EncodedSecretsDetector;

beforeAll(async () => {
  const packs = await Promise.all(PACKS.map((p) => loadPackFile(p)));
  rules = buildRuleSet(packs).secretRules;
  const vcs = await loadPackFile(fileURLToPath(new URL("../../patterns/secrets/vcs-ci.yaml", import.meta.url)));
  githubRules = buildRuleSet([vcs]).secretRules.filter((r) => r.spec.id.startsWith("github-"));
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

  it("turns a binary key store into a fragment: the file rule by name, the base64 rule by magic bytes elsewhere", () => {
    const engine = new PatternEngine(rules);
    const jks = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, ...body]);
    const p12 = Uint8Array.from([0x30, 0x82, 0x01, 0x40, 0x02, 0x01, 0x03, 0x30, 0x82, 0x01, 0x30, ...body]);
    const found = (f: Fragment | undefined) =>
      engine.detect(f as Fragment).findings.map((x) => [x.ruleId, x.startLine, x.startColumn, x.secret.length]);
    const b64Length = (n: number) => Math.ceil(n / 3) * 4;
    expect(found(keyStoreFragment("certs/server.jks", jks))).toEqual([["java-keystore-file", 1, 1, b64Length(jks.length)]]);
    expect(found(keyStoreFragment("certs/client.p12", p12))).toEqual([["pkcs12-keystore-file", 1, 1, b64Length(p12.length)]]);
    // Magic bytes under another name.
    expect(found(keyStoreFragment("certs/server-store", jks))).toEqual([["java-keystore-base64", 1, 1, b64Length(jks.length)]]);
    expect(found(keyStoreFragment("certs/client.bin", p12))).toEqual([["pkcs12-keystore-base64", 1, 1, b64Length(p12.length)]]);
    // By name alone (Bouncy Castle FIPS key stores have no magic number).
    const bcfks = Uint8Array.from([0x30, 0x82, 0x01, 0x2c, 0x30, 0x81, 0x90, ...body]);
    expect(keyStoreKind(bcfks)).toBeUndefined();
    expect(found(keyStoreFragment("fips/keys.bcfks", bcfks))).toEqual([["java-keystore-file", 1, 1, b64Length(bcfks.length)]]);
    expect(keyStoreFragment("fips/keys.bin", bcfks)).toBeUndefined();
    expect(keyStoreFragment("img/logo.png", Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
  });

  it("leaves out JKS trust stores (certificates only) but not stores with a key entry", () => {
    const u16 = (n: number) => [n >> 8, n & 255];
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const utf = (s: string) => [...u16(s.length), ...Buffer.from(s)];
    const cert = Array.from({ length: 120 }, (_, i) => (i * 13) % 256);
    const trusted = (alias: string) => [
      ...u32(2),
      ...utf(alias),
      ...Array(8).fill(1),
      ...utf("X.509"),
      ...u32(cert.length),
      ...cert,
    ];
    const store = (entries: number[][]) =>
      Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, ...u32(2), ...u32(entries.length), ...entries.flat(), ...Array(20).fill(9)]);
    const trustStore = store([trusted("root-ca"), trusted("intermediate")]);
    expect(isTrustStoreOnly(trustStore)).toBe(true);
    expect(keyStoreFragment("src/main/resources/truststore.jks", trustStore)).toBeUndefined();
    const privateKey = [...u32(1), ...utf("server"), ...Array(8).fill(1), ...u32(body.length), ...body, ...u32(0)];
    const keyStore = store([trusted("root-ca"), privateKey]);
    expect(isTrustStoreOnly(keyStore)).toBe(false);
    expect(keyStoreFragment("src/main/resources/keystore.jks", keyStore)?.text).toBe(Buffer.from(keyStore).toString("base64"));
  });
});

describe("cost bounds", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `v${i}: ${b64(`value number ${i} of many`)}`).join("\n");

  it("decodes at most maxCandidates runs and maxDecodedBytes characters per fragment", () => {
    expect(findEncodedRuns(many(40))).toHaveLength(40);
    expect(findEncodedRuns(many(40), { maxCandidates: 10 })).toHaveLength(10);
    const budget = decodeBudget({ maxDecodedBytes: 100 });
    const runs = findEncodedRuns(many(40), {}, budget);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.reduce((n, r) => n + r.decoded.length, 0)).toBeLessThanOrEqual(100);
    expect(budget.exhausted).toBe(true);
  });

  it("a fragment past the limit still reports what it found before it, and says so under --debug", () => {
    const ghp = expandFakes("{{fake:crc32:ghp_:30}}", "enc-budget");
    const text = `${many(5)}\ntoken: ${b64(ghp)}\n${many(5)}\nlate: ${b64(ghp.replace("ghp_", "gho_"))}\n`;
    const withGithub = [...rules, ...githubRules];
    const limited = createEncodedSecretsDetector(withGithub, { maxCandidates: 7 });
    const events: string[] = [];
    const out = limited.detect(frag("k8s/s.yaml", text), (e) => events.push(`${e.stage}: ${e.reason}`));
    expect(out.findings.map((f) => [f.ruleId, f.startLine])).toEqual([["github-personal-access-token", 6]]);
    expect(events.some((e) => e.startsWith("budget: decoding limit reached (7 runs"))).toBe(true);
  });

  it("skips data URIs of images and fonts unseen, decodes text ones", () => {
    const svg = b64('<svg xmlns="http://www.w3.org/2000/svg"><title>Sign in with your password</title></svg>');
    expect(findEncodedRuns(`.icon { background: url("data:image/svg+xml;base64,${svg}"); }`)).toEqual([]);
    expect(findEncodedRuns(`src: url(data:font/woff2;charset=utf-8;base64,${svg}) format("woff2");`)).toEqual([]);
    expect(findEncodedRuns(`<a href="data:text/plain;base64,${svg}">`)).toHaveLength(1);
  });

  it("accepts base64 of any printable ASCII text (the cheap prefilter never rejects text)", () => {
    const printable = fc.string({
      unit: fc.constantFrom(..."abcXYZ019 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n".split("")),
      minLength: 9,
      maxLength: 60,
    });
    fc.assert(
      fc.property(printable, (s) => {
        const encoded = b64(s);
        fc.pre(/[A-Z]/.test(encoded) && /[a-z]/.test(encoded) && s.trim().length >= 4);
        expect(decodeBase64Text(encoded)).toBe(s);
        expect(decodeBase64Text(encoded.replace(/\+/g, "-").replace(/\//g, "_"))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
