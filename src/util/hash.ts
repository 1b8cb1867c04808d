import { createRequire } from "node:module";

// node:crypto is loaded on first use, not at start-up: it pulls in some twenty internal modules
// (a few milliseconds of every pre-commit hook), and a clean commit hashes nothing.
let crypto: typeof import("node:crypto") | undefined;

export function sha256(text: string): string {
  crypto ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * A 128-bit content hash for cache keys (which file text a cached validation
 * result belongs to), computed without loading node:crypto: loading it cost a
 * hook with a config file 2–3 ms, more than hashing the text. Not a
 * cryptographic hash, and it need not be: a cached entry only ever stands for
 * the text of a file the user can edit anyway, so a deliberate collision buys
 * nothing that editing the file would not; an accidental one over 128 bits does
 * not happen. Four independent multiply–xorshift lanes over the UTF-16 code
 * units, finalised with murmur3's mix, plus the length.
 */
export function contentHash(text: string): string {
  let a = 0x9e3779b1 ^ text.length;
  let b = 0x85ebca77;
  let c = 0xc2b2ae3d;
  let d = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    a = Math.imul(a ^ u, 0x01000193);
    b = Math.imul((b << 5) | (b >>> 27), 0x85ebca6b) ^ u;
    c = Math.imul(c ^ (u << 8) ^ (c >>> 15), 0xc2b2ae35);
    d = (Math.imul(d, 31) + u + (d >>> 17)) | 0;
  }
  return (
    [fmix(a), fmix(b ^ a), fmix(c ^ b), fmix(d ^ c)].map((h) => (h >>> 0).toString(16).padStart(8, "0")).join("") +
    text.length.toString(16)
  );
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Content-based fingerprint: rule, path and the secret's hash, no line
 * numbers, so it survives unrelated edits that move the secret.
 */
export function fingerprint(ruleId: string, path: string, secretHash: string): string {
  return sha256(`${ruleId}\0${path}\0${secretHash}`);
}
