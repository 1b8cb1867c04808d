/**
 * Binary key stores (PKCS#12 .p12/.pfx, Java JKS/JCEKS/BCFKS key stores).
 *
 * Sources skip binary files, but a committed key store is a leaked private key
 * in itself. A file is treated as a key store when its name says so
 * (.p12 .pfx .jks .jceks .keystore .bcfks) or its first bytes do (JKS
 * 0xFEEDFEED, JCEKS 0xCECECECE, PKCS#12: a DER SEQUENCE whose first element is
 * INTEGER 3). Instead of a skip notice it becomes a one-line fragment holding
 * the base64 of its bytes, which the key-store rules of
 * gitward-secrets-private-keys match: `pkcs12-keystore-file` /
 * `java-keystore-file` by file name, `pkcs12-keystore-base64` /
 * `java-keystore-base64` by magic bytes under any other name.
 *
 * A JKS/JCEKS store whose entries are all trusted certificates (a trust store:
 * public certificates only) is not a secret and stays a skipped binary file.
 *
 * Kept free of imports so that the sources (the pre-commit hook path) load it
 * for nothing.
 */
import type { Fragment, SourceKind } from "../types.js";

export type KeyStoreKind = "jks" | "jceks" | "pkcs12";

/**
 * File names of key stores, by extension (case-insensitive), and Jenkins' binary
 * `secrets/hudson.util.Secret` (the encrypted key of its secret store; rule
 * jenkins-hudson-util-secret of gitward-secrets-structured-stores).
 */
const KEY_STORE_NAME = /\.(?:p12|pfx|jks|jceks|keystore|bcfks)$|(?:^|\/)secrets\/hudson\.util\.Secret$/i;

export function isKeyStorePath(path: string): boolean {
  return KEY_STORE_NAME.test(path);
}

/** Binary key-store containers, by magic bytes: JKS, JCEKS, PKCS#12 (DER, version 3). */
export function keyStoreKind(bytes: Uint8Array): KeyStoreKind | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xfe && b(1) === 0xed && b(2) === 0xfe && b(3) === 0xed) return "jks";
  if (b(0) === 0xce && b(1) === 0xce && b(2) === 0xce && b(3) === 0xce) return "jceks";
  // SEQUENCE (long-form length of 1-3 bytes) { INTEGER 3, ... }
  if (b(0) === 0x30 && b(1) >= 0x81 && b(1) <= 0x83) {
    const v = 2 + (b(1) - 0x80);
    if (b(v) === 0x02 && b(v + 1) === 0x01 && b(v + 2) === 0x03 && b(v + 3) === 0x30) return "pkcs12";
  }
  return undefined;
}

/**
 * JKS/JCEKS only: true when the store parses and holds trusted certificates
 * and nothing else (no private or secret key entry). Any parse problem counts
 * as "may hold keys".
 *
 * Layout (big-endian): magic, version (1|2), entry count, then per entry a tag
 * (1 private key, 2 trusted certificate, 3 JCEKS secret key), an alias
 * (u16 length + UTF-8), an 8-byte timestamp and, for a trusted certificate,
 * the certificate (v2: type as u16 length + UTF-8; then u32 length + bytes).
 */
export function isTrustStoreOnly(bytes: Uint8Array): boolean {
  const kind = keyStoreKind(bytes);
  if (kind !== "jks" && kind !== "jceks") return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  const u16 = () => {
    if (at + 2 > bytes.length) throw new RangeError("truncated");
    const v = view.getUint16(at);
    at += 2;
    return v;
  };
  const u32 = () => {
    if (at + 4 > bytes.length) throw new RangeError("truncated");
    const v = view.getUint32(at);
    at += 4;
    return v;
  };
  const skip = (n: number) => {
    if (at + n > bytes.length) throw new RangeError("truncated");
    at += n;
  };
  try {
    const version = u32();
    if (version !== 1 && version !== 2) return false;
    const count = u32();
    if (count === 0 || count > 100_000) return false;
    for (let i = 0; i < count; i++) {
      if (u32() !== 2) return false; // a private (1) or secret (3) key entry, or not a key store
      skip(u16()); // alias
      skip(8); // timestamp
      if (version === 2) skip(u16()); // certificate type ("X.509")
      skip(u32()); // certificate
    }
    // What follows the entries is the 20-byte integrity digest.
    return at + 20 === bytes.length;
  } catch {
    return false;
  }
}

/**
 * A binary file that is a key store (by name or by magic bytes) as a one-line
 * base64 text fragment; undefined for anything else, and for JKS/JCEKS trust
 * stores that hold only certificates.
 */
export function keyStoreFragment(path: string, bytes: Uint8Array, source: SourceKind = "file"): Fragment | undefined {
  if (bytes.length === 0) return undefined;
  if (!isKeyStorePath(path) && !keyStoreKind(bytes)) return undefined;
  if (isTrustStoreOnly(bytes)) return undefined;
  return { path, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"), startLine: 1, source };
}
