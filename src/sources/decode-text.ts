/**
 * Bytes → text for scanning. Decides binary vs text the way git does (a NUL in
 * the first 8 KiB), honours UTF-16 byte-order marks, recognises UTF-16 without
 * one (what Windows tools such as PowerShell's Out-File write), and otherwise
 * decodes as UTF-8 (invalid bytes such as Latin-1 become U+FFFD, which keeps
 * ASCII tokens and their columns intact). Every source (files, stdin, staged,
 * history, pre-push) decodes through here, so all commands read a file alike.
 */

const SNIFF = 8000;

export type Decoded = { kind: "text"; text: string } | { kind: "binary" };

export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2) {
    const b0 = bytes[0];
    const b1 = bytes[1];
    if (b0 === 0xff && b1 === 0xfe) return { kind: "text", text: new TextDecoder("utf-16le").decode(bytes.subarray(2)) };
    if (b0 === 0xfe && b1 === 0xff) return { kind: "text", text: new TextDecoder("utf-16be").decode(bytes.subarray(2)) };
  }
  const limit = Math.min(bytes.length, SNIFF);
  for (let i = 0; i < limit; i++) {
    if (bytes[i] !== 0) continue;
    const utf16 = bomlessUtf16(bytes);
    return utf16 === undefined ? { kind: "binary" } : { kind: "text", text: utf16 };
  }
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  return { kind: "text", text: Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString("utf8") };
}

/**
 * UTF-16 without a byte-order mark: an even length, the NULs all on one side of
 * each code unit (the high bytes of Latin text) and on at least half of the
 * units, and a decoded text free of control characters and lone surrogates.
 * Binary data fails one of these at once.
 */
function bomlessUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  const limit = Math.min(bytes.length, SNIFF);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < limit; i++) if (bytes[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++;
  const units = limit / 2;
  const encoding =
    evenZeros === 0 && oddZeros >= units / 2 ? "utf-16le" : oddZeros === 0 && evenZeros >= units / 2 ? "utf-16be" : "";
  if (!encoding) return undefined;
  const text = new TextDecoder(encoding).decode(bytes);
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return undefined;
  return text;
}

/** Named like a minified bundle (decided before the file's text is even assembled). */
export function minifiedByName(path: string): boolean {
  return /\.min\.(js|css|mjs|cjs)$/i.test(path) || /[.-]bundle\.js$/i.test(path);
}

/** Minified bundles: one huge line of generated code. Scanning them is slow and noisy. */
export function looksMinified(path: string, text: string): boolean {
  if (minifiedByName(path)) return true;
  if (!/\.(js|mjs|cjs|css|map)$/i.test(path) || text.length < 20_000) return false;
  const lines = text.split("\n", 50);
  const longest = Math.max(...lines.map((l) => l.length));
  return longest > 5_000 && text.length / Math.max(1, lines.length) > 1_000;
}

const LOCKFILES =
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lock|Cargo\.lock|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|go\.sum|packages\.lock\.json|gradle\.lockfile|flake\.lock|uv\.lock|mix\.lock|Podfile\.lock)$/;

export function isLockfile(path: string): boolean {
  return LOCKFILES.test(path);
}

// Integrity hashes in lockfiles are high-entropy by design. They are blanked
// with spaces of the same length (so columns stay exact) while the rest of the
// lockfile, e.g. a registry URL with credentials, is still scanned.
const LOCK_HASHES =
  /\b(?:sha(?:1|256|384|512)-[A-Za-z0-9+/=]{20,}|h1:[A-Za-z0-9+/=]{20,}|sha256:[0-9a-f]{64}|[0-9a-f]{40,128})\b/g;

export function blankLockfileHashes(text: string): string {
  return text.replace(LOCK_HASHES, (m) => " ".repeat(m.length));
}
