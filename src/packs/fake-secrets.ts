/**
 * Expands `{{fake:...}}` generators in pack examples and test corpora.
 *
 * Why: a pack's positive examples must look exactly like real tokens, but a
 * repository that stores real-looking tokens is blocked by push-protection
 * scanners (and by gitward itself). So examples store a recipe and the token is
 * built in memory at test time. Generation is deterministic (seeded), so a
 * failing example reproduces.
 *
 * Generators (N = length):
 *   {{fake:alnum:N}} {{fake:hex:N}} {{fake:HEX:N}} {{fake:upper:N}} {{fake:lower:N}}
 *   {{fake:digits:N}} {{fake:upperalnum:N}} {{fake:loweralnum:N}} {{fake:b64:N}} {{fake:b64url:N}}
 *   {{fake:base58x:N}}              Bitcoin's base58 alphabet (no 0, O, I, l)
 *   {{fake:chars:ALPHABET:N}}       characters drawn from ALPHABET (no ':' or '}' in it)
 *   {{fake:crc32:PREFIX:N}}         PREFIX + N random base62 + 6-char base62 CRC32 (GitHub, npm tokens)
 *   {{fake:bech32:HRP:N}}           HRP + "1" + N random bech32 characters + the 6-character BIP-173 checksum
 *   {{fake:jwt}}                    a structurally valid, unsigned-looking JWT
 *   {{fake:pem:LABEL}}              a PEM block "-----BEGIN LABEL-----" with a random base64 body
 *   {{fake:uuid}}                   a random v4 UUID
 *   {{fake:b64of:TEXT}}             base64 of TEXT (TEXT may contain other generators, expanded first)
 *   {{fake:lit:TEXT}}               TEXT itself (splits a literal so that the file does not match)
 */

const ALPHABETS: Record<string, string> = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  HEX: "0123456789ABCDEF",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  lower: "abcdefghijklmnopqrstuvwxyz",
  digits: "0123456789",
  upperalnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  loweralnum: "abcdefghijklmnopqrstuvwxyz0123456789",
  b64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  b64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  base58x: "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
};

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Small deterministic PRNG (mulberry32); quality is irrelevant, reproducibility is not. */
export function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) {
    seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  }
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(alphabet: string, length: number, rnd: () => number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rnd() * alphabet.length)];
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62 of a number, left-padded with "0" to `width` (GitHub's token checksum encoding). */
export function base62(value: number, width: number): string {
  let out = "";
  let v = value;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, "0");
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GENERATORS[i] as number;
  }
  return chk >>> 0;
}

function bech32HrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Does `text` (lowercase "hrp1data+checksum") carry a valid BIP-173 bech32 checksum? */
export function isBech32(text: string): boolean {
  const lower = text.toLowerCase();
  if (lower !== text && text.toUpperCase() !== text) return false;
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || lower.length - sep - 1 < 6) return false;
  const data: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const v = BECH32.indexOf(c);
    if (v === -1) return false;
    data.push(v);
  }
  return bech32Polymod([...bech32HrpExpand(lower.slice(0, sep)), ...data]) === 1;
}

function bech32Encode(hrp: string, data: number[]): string {
  const values = [...bech32HrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0];
  const mod = bech32Polymod(values) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...checksum].map((v) => BECH32[v]).join("")}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function generate(spec: string, rnd: () => number): string {
  const parts = spec.split(":");
  const kind = parts[0] ?? "";
  const alphabet = ALPHABETS[kind];
  if (alphabet) return pick(alphabet, Number(parts[1] ?? 32), rnd);
  switch (kind) {
    case "chars":
      return pick(parts[1] ?? "a", Number(parts[2] ?? 32), rnd);
    case "crc32": {
      const prefix = parts[1] ?? "";
      const body = pick(ALPHABETS.alnum as string, Number(parts[2] ?? 30), rnd);
      return `${prefix}${body}${base62(crc32(body), 6)}`;
    }
    case "bech32": {
      const data = Array.from({ length: Number(parts[2] ?? 52) }, () => Math.floor(rnd() * 32));
      return bech32Encode(parts[1] ?? "x", data);
    }
    case "jwt": {
      const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
      const payload = base64url(
        JSON.stringify({ sub: pick(ALPHABETS.digits as string, 10, rnd), name: "Fake User", iat: 1700000000 }),
      );
      return `${header}.${payload}.${pick(ALPHABETS.b64url as string, 43, rnd)}`;
    }
    case "pem": {
      const label = parts.slice(1).join(":") || "PRIVATE KEY";
      const lines: string[] = [];
      for (let i = 0; i < 12; i++) lines.push(pick(ALPHABETS.b64 as string, 64, rnd));
      lines.push(`${pick(ALPHABETS.b64 as string, 40, rnd)}==`);
      return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
    }
    case "uuid": {
      const h = (n: number) => pick(ALPHABETS.hex as string, n, rnd);
      return `${h(8)}-${h(4)}-4${h(3)}-${"89ab"[Math.floor(rnd() * 4)]}${h(3)}-${h(12)}`;
    }
    case "b64of":
      return Buffer.from(parts.slice(1).join(":"), "utf8").toString("base64");
    case "lit":
      return parts.slice(1).join(":");
    default:
      throw new Error(`unknown fake generator "{{fake:${spec}}}"`);
  }
}

// Innermost first: a generator's argument may itself contain generators (b64of).
const INNERMOST = /\{\{fake:([^{}]*)\}\}/;

/** Expands every generator in `text`. `seed` makes the output reproducible (use the rule id + index). */
export function expandFakes(text: string, seed: string): string {
  if (!text.includes("{{fake:")) return text;
  const rnd = seededRandom(seed);
  let out = text;
  for (let guard = 0; guard < 1000; guard++) {
    const m = INNERMOST.exec(out);
    if (!m) return out;
    out = out.slice(0, m.index) + generate(m[1] ?? "", rnd) + out.slice(m.index + m[0].length);
  }
  throw new Error("too many nested {{fake:...}} generators");
}
