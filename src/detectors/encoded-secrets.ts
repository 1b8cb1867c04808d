/**
 * Encoded secrets: candidates that are base64 (standard or URL alphabet),
 * hex or URL-encoded are decoded and, when the decoding is printable text,
 * rescanned with the same secret rules, up to `maxDepth` levels deep
 * (a Kubernetes Secret's `.dockerconfigjson` holds base64 JSON whose `auth`
 * is base64 again).
 *
 * The decoded text is rescanned *in its line*: the encoded run is replaced by
 * its decoding, so `password: aHVudGVyMg==` in a Kubernetes Secret is seen as
 * `password: hunter2` and the key-named (generic) rules apply. Only findings
 * inside the replaced region are kept (the rest of the line was scanned by the
 * pattern engine already). A decoding that spans lines (a base64 PEM in
 * `tls.key`) is scanned on its own.
 *
 * Findings point at the encoded run in the original fragment (its line and
 * columns); `secret` is the decoded secret and the message ends in
 * "(base64-encoded)" / "(hex-encoded)" / "(URL-encoded)".
 *
 * Cost: a cheap regex finds runs of the encoding alphabet; most runs
 * (identifiers, hashes, random tokens, images) are rejected after decoding a
 * short prefix, because random bytes are almost never printable text.
 *
 * Binary key stores (.p12/.pfx/.jks) are not text and never reach a detector;
 * `keyStoreFragment` turns one into a base64 text fragment that the
 * private-key pack's key-store rules recognise by its magic bytes (for the
 * file source to call on files it would skip as binary).
 */
import type { LoadedRule, SecretRuleSpec } from "../packs/pack-types.js";
import type { Fragment, Tracer } from "../types.js";
import type { Detector, DetectorOutput, RawFinding } from "./detector.js";
import { LineIndex } from "./line-index.js";
import { PatternEngine } from "./pattern-engine.js";

export type Encoding = "base64" | "hex" | "url";

/** Characters of the run's line kept before and after it when the decoding is rescanned in context. */
const CONTEXT = 200;

const ENCODING_LABEL: Record<Encoding, string> = { base64: "base64-encoded", hex: "hex-encoded", url: "URL-encoded" };

export interface EncodedSecretsOptions {
  /** Decoding levels (1 = decode once). Default 2. */
  maxDepth?: number;
  /** Shortest base64 run considered. Default 12 (a padded 8-character password). */
  minBase64Length?: number;
  /** Longest run decoded (bigger runs are files: images, archives). Default 256 KiB. */
  maxRunLength?: number;
}

/** A decoded candidate: where the run is in the text and what it decodes to. */
export interface DecodedRun {
  start: number;
  end: number;
  encoding: Encoding;
  decoded: string;
}

/** 1 for the characters of either base64 alphabet (A-Z a-z 0-9 + / - _). */
const BASE64_CHAR = (() => {
  const table = new Uint8Array(128);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** Runs of base64 characters (plus "=" padding) at least `min` long: a hand-written scan, ~5x a regex. */
function base64Runs(text: string, min: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || BASE64_CHAR[c] !== 1) {
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 128 || BASE64_CHAR[d] !== 1) break;
      i++;
    }
    let end = i;
    if (text.charCodeAt(end) === 61) end++;
    if (text.charCodeAt(end) === 61) end++;
    if (end - start >= min) out.push({ start, end });
    i = end;
  }
  return out;
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
/** Characters of a URL-encoded run (unreserved, sub-delims, ":@/?" and "%"). */
const URL_CHAR = /[A-Za-z0-9._~!*:@$&+,;=/?%-]/;
/(?:[A-Za-z0-9._~!*:@$&+,;=/?-]|%[0-9A-Fa-f]{2})*%[0-9A-Fa-f]{2}(?:[A-Za-z0-9._~!*:@$&+,;=/?-]|%[0-9A-Fa-f]{2})*/g;

/** Decoded bytes count as text when they are valid UTF-8 with no control characters other than tab/CR/LF. */
function bytesToText(bytes: Buffer): string | undefined {
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
    if (b === 0x7f) return undefined;
  }
  const text = bytes.toString("utf8");
  return text.includes("\uFFFD") ? undefined : text;
}

/**
 * Base64 of ASCII text: the first character of every 4-character group carries a byte's top six
 * bits, so for bytes below 0x80 it is one of A-Z or a-f. Checking three groups rejects most
 * identifiers and random tokens before anything is sliced or decoded.
 */
function asciiLead(text: string, start: number, end: number): boolean {
  for (let i = start; i < start + 12 && i < end; i += 4) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Base64 (either alphabet, padded or not) decoded to text, or undefined. */
export function decodeBase64Text(run: string, minLength = 12): string | undefined {
  const body = run.replace(/=+$/, "");
  if (run.length < minLength || body.length % 4 === 1) return undefined;
  if (!asciiLead(body, 0, body.length)) return undefined;
  const standard = /[+/]/.test(body);
  const urlSafe = /[-_]/.test(body);
  if (standard && urlSafe) return undefined;
  // Plain words, identifiers and hex are "valid base64" too: real encodings of text mix cases.
  if (!/[A-Z]/.test(body) || !/[a-z]/.test(body)) return undefined;
  // Short runs must be exact (padded) base64, or every 8-letter identifier would be a candidate.
  if (run.length < 16 && run.length % 4 !== 0) return undefined;
  const normal = urlSafe ? body.replace(/-/g, "+").replace(/_/g, "/") : body;
  // Cheap rejection first: random data fails the text test within a few bytes.
  if (normal.length > 64 && bytesToText(Buffer.from(normal.slice(0, 64), "base64")) === undefined) return undefined;
  const text = bytesToText(Buffer.from(normal, "base64"));
  if (text === undefined || text.trim().length < 4) return undefined;
  return text;
}

export function decodeHexText(run: string): string | undefined {
  const text = bytesToText(Buffer.from(run, "hex"));
  // Hex of text has few distinct byte values in the letter range; require mostly letters/punctuation.
  if (!text || text.trim().length < 8 || !/[A-Za-z]{3}/.test(text)) return undefined;
  return text;
}

export function decodeUrlText(run: string): string | undefined {
  try {
    const text = decodeURIComponent(run);
    return text !== run && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Every decodable run in `text`, in order. */
export function findEncodedRuns(text: string, options: EncodedSecretsOptions = {}): DecodedRun[] {
  const minBase64 = options.minBase64Length ?? 12;
  const maxRun = options.maxRunLength ?? 256 * 1024;
  const runs: DecodedRun[] = [];
  for (const { start, end } of base64Runs(text, Math.min(minBase64, 24))) {
    if (end - start > maxRun) continue;
    // Hex is a subset of the base64 alphabet: a whole run of one-case hex digits is a hex candidate.
    if (end - start >= 24 && (end - start) % 2 === 0) {
      const run = text.slice(start, end);
      if (/^(?:[0-9a-f]+|[0-9A-F]+)$/.test(run)) {
        const decoded = decodeHexText(run);
        if (decoded !== undefined) runs.push({ start, end, encoding: "hex", decoded });
        continue;
      }
    }
    if (end - start < minBase64 || !asciiLead(text, start, end)) continue;
    const run = text.slice(start, end);
    // A JWT's parts are base64url JSON; the jwt rule owns them.
    if (run.startsWith("eyJ") && (text[end] === "." || text[start - 1] === ".")) continue;
    const decoded = decodeBase64Text(run, minBase64);
    if (decoded !== undefined) runs.push({ start, end, encoding: "base64", decoded });
  }
  if (text.includes("%")) {
    // Grow each run outwards from its percent-escapes (linear; a regex with a repeated
    // alternation around the escape would backtrack over every long run of URL characters).
    let covered = -1;
    for (const m of text.matchAll(PERCENT_ESCAPE)) {
      if (m.index < covered) continue;
      let start = m.index;
      while (start > 0 && URL_CHAR.test(text[start - 1] as string)) start--;
      let end = m.index + 3;
      while (end < text.length && URL_CHAR.test(text[end] as string)) end++;
      covered = end;
      const run = text.slice(start, end);
      if (run.length < 12 || run.length > maxRun) continue;
      const decoded = decodeUrlText(run);
      if (decoded !== undefined) runs.push({ start, end, encoding: "url", decoded });
    }
  }
  return runs.sort((a, b) => a.start - b.start);
}

interface InnerFinding {
  ruleId: string;
  secret: string;
  entropy?: number;
}

export class EncodedSecretsDetector implements Detector {
  readonly name = "encoded-secrets";
  private readonly engine: PatternEngine;
  private readonly descriptions = new Map<string, string>();
  private readonly maxDepth: number;

  constructor(
    rules: readonly LoadedRule<SecretRuleSpec>[],
    private readonly options: EncodedSecretsOptions = {},
  ) {
    this.engine = new PatternEngine(rules);
    for (const r of rules) this.descriptions.set(r.spec.id, r.spec.description);
    this.maxDepth = options.maxDepth ?? 2;
  }

  detect(fragment: Fragment, _trace?: Tracer): DetectorOutput {
    const findings: RawFinding[] = [];
    const text = fragment.text;
    if (text.length === 0) return { findings, warnings: [] };
    const runs = findEncodedRuns(text, this.options);
    if (runs.length === 0) return { findings, warnings: [] };
    const index = new LineIndex(text, fragment);
    // A run that a rule already matched as written (docker-config-auth, a Basic header) is reported
    // once, by that rule: its decoding is not reported again. Computed only when a decoding yields
    // findings, which is rare.
    let direct: { s: number; e: number }[] | undefined;
    const seen = new Set<string>();
    for (const run of runs) {
      const inners = this.scanDecoded(fragment, text, run, 1);
      if (inners.length === 0) continue;
      const start = index.position(run.start);
      const end = index.position(run.end);
      const runStart = start.line * 1e6 + start.column;
      const runEnd = end.line * 1e6 + end.column;
      direct ??= this.engine
        .detect(fragment)
        .findings.map((f) => ({ s: f.startLine * 1e6 + f.startColumn, e: f.endLine * 1e6 + f.endColumn }));
      if (direct.some((d) => d.s < runEnd && runStart < d.e)) continue;
      for (const inner of inners) {
        const key = `${inner.ruleId}|${run.start}|${inner.secret}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({
          ruleId: inner.ruleId,
          startLine: start.line,
          startColumn: start.column,
          endLine: end.line,
          endColumn: end.column,
          secret: inner.secret,
          sensitive: true,
          message: `${this.descriptions.get(inner.ruleId) ?? inner.ruleId} (${ENCODING_LABEL[run.encoding]})`,
          lineText: index.lineText(start.textLine),
          ...(inner.entropy !== undefined ? { entropy: inner.entropy } : {}),
        });
      }
    }
    return { findings, warnings: [] };
  }

  /** Findings in one decoded run (and, below maxDepth, in runs inside its decoding). */
  private scanDecoded(fragment: Fragment, text: string, run: DecodedRun, depth: number): InnerFinding[] {
    const out: InnerFinding[] = [];
    let scanText: string;
    let regionStart: number;
    let regionEnd: number;
    if (!run.decoded.includes("\n")) {
      // Rescan in the run's line, so that the key before it (password: ...) is context.
      // At most CONTEXT characters either side: enough for the key, bounded on minified one-line files.
      const lineStart = Math.max(text.lastIndexOf("\n", run.start - 1) + 1, run.start - CONTEXT);
      const nl = text.indexOf("\n", run.end);
      const lineEnd = Math.min(nl === -1 ? text.length : nl, run.end + CONTEXT);
      const prefix = text.slice(lineStart, run.start);
      scanText = prefix + run.decoded + text.slice(run.end, lineEnd);
      regionStart = prefix.length;
      regionEnd = regionStart + run.decoded.length;
    } else {
      scanText = run.decoded;
      regionStart = 0;
      regionEnd = scanText.length;
    }
    const inner: Fragment = { path: fragment.path, text: scanText, startLine: 1, source: fragment.source };
    const { findings } = this.engine.detect(inner);
    const lineStarts = run.decoded.includes("\n") ? lineOffsets(scanText) : [0];
    for (const f of findings) {
      const startOffset = (lineStarts[f.startLine - 1] ?? 0) + f.startColumn - 1;
      const endOffset = (lineStarts[f.endLine - 1] ?? 0) + f.endColumn - 1;
      if (startOffset < regionEnd && endOffset > regionStart) {
        out.push({ ruleId: f.ruleId, secret: f.secret, ...(f.entropy !== undefined ? { entropy: f.entropy } : {}) });
      }
    }
    if (depth < this.maxDepth) {
      for (const nested of findEncodedRuns(run.decoded, this.options)) {
        // Nested runs are rescanned in their own decoded context.
        out.push(...this.scanDecoded(fragment, run.decoded, nested, depth + 1));
      }
    }
    return out;
  }
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export function createEncodedSecretsDetector(
  rules: readonly LoadedRule<SecretRuleSpec>[],
  options?: EncodedSecretsOptions,
): EncodedSecretsDetector {
  return new EncodedSecretsDetector(rules, options);
}

/** Binary key-store containers, by magic bytes: JKS, JCEKS, PKCS#12 (DER, version 3). */
export function keyStoreKind(bytes: Uint8Array): "jks" | "jceks" | "pkcs12" | undefined {
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
 * For the file source: a binary key store becomes a one-line base64 text
 * fragment, which the key-store rules of gitward-secrets-private-keys match.
 * Returns undefined for anything that is not a key store.
 */
export function keyStoreFragment(path: string, bytes: Uint8Array): Fragment | undefined {
  if (!keyStoreKind(bytes)) return undefined;
  return { path, text: Buffer.from(bytes).toString("base64"), startLine: 1, source: "file" };
}
