/**
 * Binary key stores (issue 4: "JKS/PKCS#12 by file type") on real
 * repositories: a committed .p12/.pfx/.jks/.jceks/.keystore/.bcfks file, or a
 * binary file with JKS/JCEKS/PKCS#12 magic bytes, is a finding instead of a
 * skipped binary file, in `scan`, `staged` and `history` (history reads the
 * blobs of files named like key stores only). The key stores are generated
 * here: random bytes behind the real magic numbers.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { findingsOf, type JsonFinding } from "./git-helpers.js";

const repo = reposPerTest();

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const utf = (s: string) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);

/** JKS (0xFEEDFEED, version 2) with one private-key entry whose protected key is random bytes. */
function fakeJks(): Buffer {
  const key = randomBytes(1200);
  return Buffer.concat([
    Buffer.from([0xfe, 0xed, 0xfe, 0xed]),
    u32(2),
    u32(1),
    u32(1),
    utf("server"),
    randomBytes(8),
    u32(key.length),
    key,
    u32(0),
    randomBytes(20),
  ]);
}

/** A JKS trust store: trusted certificates only (public data, not reported). */
function fakeTrustStore(): Buffer {
  const cert = (alias: string) => {
    const der = randomBytes(900);
    return Buffer.concat([u32(2), utf(alias), randomBytes(8), utf("X.509"), u32(der.length), der]);
  };
  return Buffer.concat([
    Buffer.from([0xfe, 0xed, 0xfe, 0xed]),
    u32(2),
    u32(2),
    cert("root-ca"),
    cert("issuing-ca"),
    randomBytes(20),
  ]);
}

/** PKCS#12 PFX: SEQUENCE (2-byte length) { INTEGER 3, SEQUENCE ... } and random content. */
function fakeP12(): Buffer {
  const inner = randomBytes(2400);
  const content = Buffer.concat([Buffer.from([0x02, 0x01, 0x03, 0x30, 0x82]), u16(inner.length), inner]);
  return Buffer.concat([Buffer.from([0x30, 0x82]), u16(content.length), content]);
}

/** Bouncy Castle FIPS key store: DER without a magic number (recognised by name only). */
function fakeBcfks(): Buffer {
  const inner = randomBytes(1500);
  return Buffer.concat([Buffer.from([0x30, 0x82]), u16(inner.length + 4), Buffer.from([0x30, 0x82]), u16(inner.length), inner]);
}

const PNG = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), randomBytes(500)]);

function files(): Record<string, Buffer> {
  return {
    "release.keystore": fakeJks(), // at the repository root
    "app/src/main/resources/server.jks": fakeJks(),
    "certs/client.p12": fakeP12(),
    "certs/Signing.PFX": fakeP12(),
    "fips/keys.bcfks": fakeBcfks(),
    "certs/legacy-store": fakeJks(), // magic bytes, no key-store name
    "app/src/main/resources/truststore.jks": fakeTrustStore(),
    "img/logo.png": PNG(),
  };
}

const BY_NAME = [
  "java-keystore-file app/src/main/resources/server.jks:1",
  "pkcs12-keystore-file certs/Signing.PFX:1",
  "pkcs12-keystore-file certs/client.p12:1",
  "java-keystore-file fips/keys.bcfks:1",
  "java-keystore-file release.keystore:1",
];
const BY_MAGIC = ["java-keystore-base64 certs/legacy-store:1"];

const brief = (findings: JsonFinding[]) => findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`).sort();

async function json(r: TempRepo, ...args: string[]) {
  const out = await runCli([...args, "-f", "json"], r.dir);
  const data = out.stdout ? (JSON.parse(out.stdout) as { skipped: { path: string; reason: string }[] }) : { skipped: [] };
  return { ...out, findings: out.stdout ? findingsOf(out.stdout) : [], skipped: data.skipped };
}

describe("binary key stores", () => {
  it("scan reports key stores by name and by magic bytes; trust stores and images stay skipped binaries", async () => {
    const r = repo();
    for (const [p, c] of Object.entries(files())) r.write(p, c);
    const out = await json(r, "scan", "--verbose");
    expect(brief(out.findings)).toEqual([...BY_NAME, ...BY_MAGIC].sort());
    expect(out.code).toBe(1);
    expect(out.skipped.map((s) => `${s.path} ${s.reason}`).sort()).toEqual([
      "app/src/main/resources/truststore.jks binary",
      "img/logo.png binary",
    ]);
    const p12 = out.findings.find((f) => f.path === "certs/client.p12") as JsonFinding & Record<string, unknown>;
    expect(p12).toMatchObject({ startLine: 1, startColumn: 1, severity: "high", message: "PKCS#12 key store file (.p12/.pfx)" });
    // Masked: at most four characters of the key store's base64.
    expect(String(p12.secret)).toMatch(/^MI.{0,2}\*\*\*\*$/);
  });

  it("staged reports them when they are added", async () => {
    const r = repo();
    r.commit("base", { "README.md": "# app\n" });
    for (const [p, c] of Object.entries(files())) r.write(p, c);
    r.git("add", "-A");
    const out = await json(r, "staged");
    expect(brief(out.findings)).toEqual([...BY_NAME, ...BY_MAGIC].sort());
    expect(out.code).toBe(1);
  });

  it("history reports key stores by name, with the introducing commit and whether they are still at HEAD", async () => {
    const r = repo();
    const added = r.commit("add key stores", files());
    r.git("rm", "-q", "certs/client.p12");
    r.commit("remove the client certificate");
    r.commit("replace the server key store", { "app/src/main/resources/server.jks": fakeJks() });
    const out = await json(r, "history");
    // Binary blobs are read in history too: magic bytes under another name are found as by staged.
    expect(brief(out.findings)).toEqual(
      [...BY_NAME, ...BY_MAGIC, "java-keystore-file app/src/main/resources/server.jks:1"].sort(),
    );
    const at = (path: string) =>
      out.findings.filter((f) => f.path === path).map((f) => [f.commit?.sha === added, f.presentAtHead]);
    expect(at("certs/client.p12")).toEqual([[true, false]]);
    expect(at("release.keystore")).toEqual([[true, true]]);
    // The replaced key store: the first version is no longer at HEAD, the second is.
    expect(at("app/src/main/resources/server.jks").sort()).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it("an allowed key store (config allowlist paths) is not reported", async () => {
    const r = repo();
    r.write(".gitward.yaml", 'allowlist:\n  paths: ["test/fixtures/**"]\n');
    r.write("test/fixtures/expired.p12", fakeP12());
    r.write("certs/client.p12", fakeP12());
    const out = await json(r, "scan");
    expect(brief(out.findings)).toEqual(["pkcs12-keystore-file certs/client.p12:1"]);
  });
});
