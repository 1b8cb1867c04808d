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
 * A decoding is not reported when the plain text already gave it: a run that
 * a rule matched as written (an `Authorization: Basic` header, a docker
 * `auth`), or a decoded secret that a rule already found on the same line.
 *
 * Cost: a hand-written scan finds runs of the encoding alphabet; most runs
 * (identifiers, hashes, random tokens, images) are rejected by their first
 * characters or after decoding a short prefix, because random bytes are almost
 * never printable text. Data URIs of images, fonts and other binary media are
 * skipped unseen. Per fragment, at most `maxCandidates` runs are decoded and at
 * most `maxDecodedBytes` are produced (nested decodings included), so a
 * generated file full of base64 costs a bounded amount.
 *
 * Binary key stores (.p12/.pfx/.jks) are handled by the sources
 * (src/sources/key-stores.ts).
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
  /** Runs decoded per fragment, nested decodings included; the rest are not looked at. Default 500. */
  maxCandidates?: number;
  /** Decoded characters produced per fragment; decoding stops beyond it. Default 1 MiB. */
  maxDecodedBytes?: number;
}

/** What is left of a fragment's decoding allowance (shared by nested decodings). */
export interface DecodeBudget {
  candidates: number;
  bytes: number;
  /** Set once a limit was reached. */
  exhausted?: boolean;
}

export function decodeBudget(options: EncodedSecretsOptions = {}): DecodeBudget {
  return { candidates: options.maxCandidates ?? 500, bytes: options.maxDecodedBytes ?? 1024 * 1024 };
}

/** Takes one decoding attempt of `length` characters from the budget; false (and exhausted) when none is left. */
function spend(budget: DecodeBudget, length: number): boolean {
  if (budget.candidates <= 0 || budget.bytes < length) {
    budget.exhausted = true;
    return false;
  }
  budget.candidates--;
  budget.bytes -= length;
  return true;
}

/** `data:<media type>[;param];base64,` right before `start`, for binary media (images, fonts, audio, video, archives). */
const BINARY_DATA_URI =
  /data:(?:image|font|audio|video)\/[\w.+-]+(?:;[\w.+-]+=[^;,]*)*;base64,$|data:application\/(?:octet-stream|wasm|pdf|zip|gzip|x-font[\w.+-]*|font[\w.+-]*|vnd\.ms-fontobject)(?:;[\w.+-]+=[^;,]*)*;base64,$/i;

function inBinaryDataUri(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) !== 44 /* , */) return false;
  return BINARY_DATA_URI.test(text.slice(Math.max(0, start - 120), start));
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

/**
 * Maximal runs of base64 characters (plus up to two "=" of padding) at least
 * `min` long. Hand-written (~4x a regex) and skipping: any run of `min` or more
 * characters that starts at or after `i` covers position `i + min - 1`, so
 * when that character cannot be part of a run, the `min` positions up to it
 * are skipped unseen. Source code is mostly short words; few positions are read.
 */
function base64Runs(
  text: string,
  min: number,
  accept: (start: number, end: number) => boolean = () => true,
): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const n = text.length;
  let i = 0;
  while (i + min <= n) {
    const probe = i + min - 1;
    const c = text.charCodeAt(probe);
    // (Character tests written out: this loop runs cold, once per file, before the JIT has inlined anything.)
    if (c !== 61 && (c >= 128 || BASE64_CHAR[c] !== 1)) {
      i = probe + 1;
      continue;
    }
    // The base64 part of the run around the probe (back over at most two "=" when it is padding).
    let j = probe;
    if (c === 61) {
      if (j > i && text.charCodeAt(j - 1) === 61) j--;
      if (j <= i || !(text.charCodeAt(j - 1) < 128 && BASE64_CHAR[text.charCodeAt(j - 1)] === 1)) {
        i = probe + 1;
        continue;
      }
    }
    // Forward first: a run that starts at or after i and ends before i + min is too short, and
    // source code is mostly such short words, so most probes never look back.
    let body = j;
    for (let d = text.charCodeAt(body); body < n && d < 128 && BASE64_CHAR[d] === 1; d = text.charCodeAt(body)) body++;
    let end = body;
    if (text.charCodeAt(end) === 61) end++;
    if (text.charCodeAt(end) === 61) end++;
    if (end - i < min) {
      i = Math.max(end, probe + 1);
      continue;
    }
    let start = j;
    for (let d = text.charCodeAt(start - 1); start > i && d < 128 && BASE64_CHAR[d] === 1; d = text.charCodeAt(start - 1))
      start--;
    if (end - start >= min && accept(start, end)) out.push({ start, end });
    i = Math.max(end, probe + 1);
  }
  return out;
}

/** A whole run of one-case hex digits (checked without slicing). */
function isHexRun(text: string, start: number, end: number): boolean {
  let lower = false;
  let upper = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c >= 97 && c <= 102) lower = true;
    else if (c >= 65 && c <= 70) upper = true;
    else return false;
    if (lower && upper) return false;
  }
  return true;
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
/** Characters of a URL-encoded run (unreserved, sub-delims, ":@/?" and "%"). */
const URL_CHAR = /[A-Za-z0-9._~!*:@$&+,;=/?%-]/;

/** Decoded bytes count as text when they are valid UTF-8 with no control characters other than tab/CR/LF. */
function bytesToText(bytes: Buffer): string | undefined {
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
    if (b === 0x7f) return undefined;
  }
  const text = bytes.toString("utf8");
  return text.includes("\uFFFD") ? undefined : text;
}

/** Base64 digit values of both alphabets ("-" and "_" are 62 and 63 like "+" and "/"); -1 otherwise. */
const BASE64_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let i = 0; i < 64; i++) table[(digits + "+/").charCodeAt(i)] = i;
  table[45] = 62; // -
  table[95] = 63; // _
  return table;
})();

function base64Value(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (BASE64_VALUE[c] as number) : -1;
}

/**
 * Base64 of text: checks the first three 4-character groups (9 bytes) for bytes that are printable
 * ASCII, tab, CR or LF, from the digits alone. A group's digits are b0>>2, (b0&3)<<4 | b1>>4,
 * (b1&15)<<2 | b2>>6 and b2&63, so for bytes below 0x80 the first digit is 8-31 (0x20-0x7e) or 2-3
 * (tab, LF, CR), the second has bit 3 clear and the third has bit 1 clear. About one random
 * identifier or token in a thousand passes, so almost nothing is sliced or decoded. (A text whose
 * first nine bytes are not ASCII is not looked at: rare for credentials.)
 */
function asciiLead(text: string, start: number, end: number): boolean {
  for (let i = start; i < start + 12 && i + 1 < end; i += 4) {
    const a = base64Value(text, i);
    if (!((a >= 8 && a <= 31) || a === 2 || a === 3)) return false;
    const b = base64Value(text, i + 1);
    if (b < 0 || (b & 8) !== 0) return false;
    if (i + 2 >= end || text.charCodeAt(i + 2) === 61) return true; // padding: the last byte was checked
    const c = base64Value(text, i + 2);
    if (c < 0 || (c & 2) !== 0) return false;
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

/**
 * Every decodable run in `text`, in order. `budget` bounds the work (runs
 * decoded, characters produced); once it is spent the remaining runs are not
 * decoded.
 */
export function findEncodedRuns(
  text: string,
  options: EncodedSecretsOptions = {},
  budget: DecodeBudget = decodeBudget(options),
): DecodedRun[] {
  const minBase64 = options.minBase64Length ?? 12;
  const maxRun = options.maxRunLength ?? 256 * 1024;
  const runs: DecodedRun[] = [];
  // Only runs that can be hex or base64 of text are kept (most identifiers fail on their first characters).
  const candidate = (start: number, end: number) =>
    (end - start >= 24 && (end - start) % 2 === 0 && isHexRun(text, start, end)) ||
    (end - start >= minBase64 && asciiLead(text, start, end));
  for (const { start, end } of base64Runs(text, Math.min(minBase64, 24), candidate)) {
    if (end - start > maxRun) continue;
    // Hex is a subset of the base64 alphabet: a whole run of one-case hex digits is a hex candidate.
    if (end - start >= 24 && (end - start) % 2 === 0 && isHexRun(text, start, end)) {
      if (!spend(budget, (end - start) >> 1)) return runs;
      const decoded = decodeHexText(text.slice(start, end));
      if (decoded !== undefined) runs.push({ start, end, encoding: "hex", decoded });
      continue;
    }
    if (end - start < minBase64 || !asciiLead(text, start, end)) continue;
    if (inBinaryDataUri(text, start)) continue;
    const run = text.slice(start, end);
    // A JWT's parts are base64url JSON; the jwt rule owns them.
    if (run.startsWith("eyJ") && (text[end] === "." || text[start - 1] === ".")) continue;
    if (!spend(budget, ((end - start) * 3) >> 2)) return runs;
    const decoded = decodeBase64Text(run, minBase64);
    if (decoded !== undefined) runs.push({ start, end, encoding: "base64", decoded });
  }
  if (text.includes("%") && !budget.exhausted) {
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
      if (!spend(budget, run.length)) break;
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
  private readonly rules: readonly LoadedRule<SecretRuleSpec>[];
  /**
   * Rules by id, for a finding's message: made on the first decoded finding (rare), not for every
   * scan; a rule's description is read only when it has one.
   */
  private byId: Map<string, LoadedRule<SecretRuleSpec>> | undefined;
  private readonly maxDepth: number;

  /**
   * `engine`: the pipeline's pattern engine over the same rules, shared so that
   * its regexes and keyword automaton are built once.
   */
  constructor(
    rules: readonly LoadedRule<SecretRuleSpec>[],
    private readonly options: EncodedSecretsOptions = {},
    engine?: PatternEngine,
  ) {
    this.engine = engine ?? new PatternEngine(rules);
    // Not the descriptions themselves: a built-in rule's is read from its body on first use (packs/
    // builtin-packs.ts), and reading all of them cost every hook 3 ms.
    this.rules = rules;
    this.maxDepth = options.maxDepth ?? 2;
  }

  private rule(id: string): LoadedRule<SecretRuleSpec> | undefined {
    this.byId ??= new Map(this.rules.map((r) => [r.spec.id, r]));
    return this.byId.get(id);
  }

  detect(fragment: Fragment, trace?: Tracer): DetectorOutput {
    const findings: RawFinding[] = [];
    const text = fragment.text;
    if (text.length === 0) return { findings, warnings: [] };
    const budget = decodeBudget(this.options);
    const runs = findEncodedRuns(text, this.options, budget);
    if (runs.length === 0) return this.done(findings, fragment, budget, trace);
    const index = new LineIndex(text, fragment);
    // What the plain text already gave is reported once, by the rule that matched it as written: a
    // run that a rule matched (docker-config-auth, a Basic header) is not decoded again, and a decoded
    // secret that a rule found on the same line is not reported twice. Computed only when a decoding
    // yields findings, which is rare.
    let direct: { s: number; e: number; line: number; secret: string }[] | undefined;
    const seen = new Set<string>();
    for (const run of runs) {
      const inners = this.scanDecoded(fragment, text, run, 1, budget);
      if (inners.length === 0) continue;
      const start = index.position(run.start);
      const end = index.position(run.end);
      const runStart = start.line * 1e6 + start.column;
      const runEnd = end.line * 1e6 + end.column;
      direct ??= this.engine.detect(fragment).findings.map((f) => ({
        s: f.startLine * 1e6 + f.startColumn,
        e: f.endLine * 1e6 + f.endColumn,
        line: f.startLine,
        secret: f.secret,
      }));
      if (direct.some((d) => d.s < runEnd && runStart < d.e)) {
        trace?.({
          ruleId: inners[0]?.ruleId ?? "",
          path: fragment.path,
          line: start.line,
          stage: "overlap",
          reason: "encoded run matched as written",
        });
        continue;
      }
      for (const inner of inners) {
        const key = `${inner.ruleId}|${run.start}|${inner.secret}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (direct.some((d) => d.line === start.line && d.secret === inner.secret)) {
          trace?.({
            ruleId: inner.ruleId,
            path: fragment.path,
            line: start.line,
            stage: "overlap",
            reason: "decoded secret already found as written on this line",
          });
          continue;
        }
        findings.push({
          ruleId: inner.ruleId,
          startLine: start.line,
          startColumn: start.column,
          endLine: end.line,
          endColumn: end.column,
          secret: inner.secret,
          sensitive: true,
          message: `${this.rule(inner.ruleId)?.spec.description ?? inner.ruleId} (${ENCODING_LABEL[run.encoding]})`,
          lineText: index.lineText(start.textLine),
          ...(inner.entropy !== undefined ? { entropy: inner.entropy } : {}),
        });
      }
    }
    return this.done(findings, fragment, budget, trace);
  }

  private done(findings: RawFinding[], fragment: Fragment, budget: DecodeBudget, trace: Tracer | undefined): DetectorOutput {
    if (budget.exhausted) {
      trace?.({
        ruleId: "(encoded-secrets)",
        path: fragment.path,
        stage: "budget",
        reason: `decoding limit reached (${this.options.maxCandidates ?? 500} runs or ${this.options.maxDecodedBytes ?? 1024 * 1024} decoded characters per fragment); later runs not decoded`,
      });
    }
    return { findings, warnings: [] };
  }

  /** Findings in one decoded run (and, below maxDepth, in runs inside its decoding). */
  private scanDecoded(fragment: Fragment, text: string, run: DecodedRun, depth: number, budget: DecodeBudget): InnerFinding[] {
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
      for (const nested of findEncodedRuns(run.decoded, this.options, budget)) {
        // Nested runs are rescanned in their own decoded context.
        out.push(...this.scanDecoded(fragment, run.decoded, nested, depth + 1, budget));
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
  engine?: PatternEngine,
): EncodedSecretsDetector {
  return new EncodedSecretsDetector(rules, options, engine);
}
