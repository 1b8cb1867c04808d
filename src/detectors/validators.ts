/**
 * Structural checks a candidate must pass, named by a rule's `validate` field.
 * Formats with a checksum are verified so that random look-alikes (and
 * truncated or hand-edited tokens) are not reported.
 */
import { base62, crc32, isBech32 } from "../packs/fake-secrets.js";
import { isPlaceholder, isRealBasicAuth } from "./placeholders.js";

export type Validator = (secret: string) => boolean;

/** Tokens ending in a 6-character base62 CRC32 of the random part (GitHub, npm). */
function crc32Suffix(prefixPattern: RegExp): Validator {
  return (secret) => {
    const m = prefixPattern.exec(secret);
    if (!m) return false;
    const body = secret.slice(m[0].length, -6);
    const checksum = secret.slice(-6);
    return body.length > 0 && base62(crc32(body), 6) === checksum;
  };
}

function jsonPart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const VALIDATORS: Record<string, Validator> = {
  /** ghp_, gho_, ghu_, ghs_, ghr_: 30 random base62 + CRC32. */
  "github-crc32": crc32Suffix(/^gh[pousr]_/),
  /** npm_ + 30 random + CRC32. */
  "npm-crc32": crc32Suffix(/^npm_/),
  /** A JWT whose header decodes to JSON naming an algorithm. */
  jwt: (secret) => {
    const [header, payload] = secret.split(".");
    const h = jsonPart(header);
    return typeof h?.alg === "string" && jsonPart(payload) !== undefined;
  },
  /** Luhn checksum (card numbers). */
  luhn: (secret) => {
    const digits = secret.replace(/\D/g, "");
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return digits.length >= 12 && sum % 10 === 0;
  },
  /** Generic rules: the value is not a placeholder, reference, identifier or mask (see placeholders.ts). */
  "not-placeholder": (secret) => !isPlaceholder(secret),
  /** HTTP Basic credentials: base64 of printable "user:password" with a non-placeholder password. */
  "basic-auth": isRealBasicAuth,
  /**
   * Jira / Confluence / Bitbucket Data Center personal access tokens: 44 characters of base64 of
   * "<12-digit token id>:<20 random bytes>" (hence the M/N/O first character).
   */
  "atlassian-dc-pat": (secret) => {
    if (!/^[A-Za-z0-9+/]{44}$/.test(secret)) return false;
    const bytes = Buffer.from(secret, "base64");
    return bytes.length === 33 && /^\d{12}:$/.test(bytes.subarray(0, 13).toString("latin1"));
  },
  /** BIP-173 bech32 strings (Nostr nsec1…, Sui suiprivkey1…): the 6-character checksum must verify. */
  bech32: isBech32,
};

export function getValidator(name: string): Validator | undefined {
  return VALIDATORS[name];
}
