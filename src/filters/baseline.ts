/**
 * The baseline: findings recorded as accepted, so that only new ones block.
 *
 * Entries are content-addressed — rule id, path and the SHA-256 of the secret
 * (never the secret), no line numbers and no timestamps in the key — so a
 * finding whose line moved stays suppressed, and a different secret on a
 * baselined line is new. Each entry may carry `reason`, `owner` and `expires`
 * (YYYY-MM-DD): from that day on the entry stops suppressing and the finding is
 * reported again with a note.
 *
 * The file is JSON laid out for `git merge`:
 *
 *   {
 *     "gitward-baseline": 1,
 *     "about": "...",
 *     "entries": [
 *       {"path": "a.env", "ruleId": "aws-access-key-id", "secretHash": "9f86…", "reason": "…"},
 *       {"path": "b.env", "ruleId": "aws-access-key-id", "secretHash": "1b4f…"},
 *       null
 *     ]
 *   }
 *
 * One entry per line, sorted by path, rule and hash; every entry line ends with
 * a comma and the list ends with a fixed `null` sentinel, so adding or removing
 * an entry never edits a neighbouring line (no last-entry comma problem). Two
 * branches adding entries at different places merge with plain `git merge`;
 * with `merge=union` in .gitattributes (which `gitward baseline create` adds)
 * even entries added at the same place merge, because every line is
 * self-contained. Reading tolerates any order, duplicates and pretty-printing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GitwardError } from "../errors.js";
import type { Finding, ScanWarning, Suppression } from "../types.js";
import { displayPath } from "../util/display-path.js";
import type { FilterInput, FindingFilter } from "./filter.js";

export const DEFAULT_BASELINE_FILE = ".gitward-baseline.json";
export const BASELINE_FORMAT = 1;

export interface BaselineKey {
  ruleId: string;
  /** Repository-relative POSIX path. */
  path: string;
  /** SHA-256 (hex) of the secret. */
  secretHash: string;
}

export interface BaselineEntry extends BaselineKey {
  reason?: string;
  owner?: string;
  /** YYYY-MM-DD: from this day on the entry no longer suppresses. */
  expires?: string;
}

const ABOUT =
  "gitward baseline: accepted findings, one per line, keyed by rule, path and the SHA-256 of the secret (never the secret). Add reason, owner and expires (YYYY-MM-DD) freely; maintain with gitward baseline update | prune.";

export function entryKey(e: BaselineKey): string {
  return `${e.path}\0${e.ruleId}\0${e.secretHash}`;
}

function compareEntries(a: BaselineKey, b: BaselineKey): number {
  const ka = entryKey(a);
  const kb = entryKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Sorts and de-duplicates (a later duplicate fills fields the earlier one lacks). */
export function normalizeEntries(entries: readonly BaselineEntry[]): BaselineEntry[] {
  const byKey = new Map<string, BaselineEntry>();
  for (const e of entries) {
    const key = entryKey(e);
    const prev = byKey.get(key);
    byKey.set(key, prev ? { ...e, ...prev } : e);
  }
  return [...byKey.values()].sort(compareEntries);
}

function entryLine(e: BaselineEntry): string {
  const fields: [string, string | undefined][] = [
    ["path", e.path],
    ["ruleId", e.ruleId],
    ["secretHash", e.secretHash],
    ["reason", e.reason],
    ["owner", e.owner],
    ["expires", e.expires],
  ];
  const parts = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{${parts.join(", ")}}`;
}

/** The canonical text of a baseline: sorted, one entry per line, each followed by a comma, then the null sentinel. */
export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const lines = normalizeEntries(entries).map((e) => `    ${entryLine(e)},`);
  return [
    "{",
    `  "gitward-baseline": ${BASELINE_FORMAT},`,
    `  "about": ${JSON.stringify(ABOUT)},`,
    '  "entries": [',
    ...lines,
    "    null",
    "  ]",
    "}",
    "",
  ].join("\n");
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `date` a real calendar date written YYYY-MM-DD? */
export function isValidDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}

/** Has the entry's waiver expired at `now`? An entry expires at the start (UTC) of its `expires` day. */
export function isExpired(entry: BaselineEntry, now: Date): boolean {
  if (!entry.expires) return false;
  return now.getTime() >= new Date(`${entry.expires}T00:00:00Z`).getTime();
}

function lineOfPosition(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of a JSON syntax error: from the engine's message when it gives a
 * position, else the first entry-like line that does not parse on its own
 * (every entry is one line in the canonical layout).
 */
function jsonErrorLine(text: string, message: string): number {
  const lc = /line (\d+) column/.exec(message);
  if (lc) return Number(lc[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineOfPosition(text, Number(pos[1]));
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line.startsWith("{") || i === 0) continue;
    try {
      JSON.parse(line.replace(/,$/, ""));
    } catch {
      return i + 1;
    }
  }
  return 1;
}

/** Line of a field, found by re-parsing with positions (only on the error path, so YAML loads lazily). */
async function lineOfField(text: string, file: string, path: (string | number)[]): Promise<number> {
  try {
    const { parseYamlSource } = await import("../util/yaml-source.js");
    return parseYamlSource(file, text, "config").lineOf(path);
  } catch {
    return 1;
  }
}

/** Parses and validates a baseline file's text; errors name file, line and field. */
export async function parseBaseline(text: string, file: string): Promise<BaselineEntry[]> {
  const shown = displayPath(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    throw new GitwardError(`${shown}:${jsonErrorLine(text, msg)}: invalid JSON in baseline: ${msg.split("\n")[0]}`, "config");
  }
  const fail = (line: number, field: string, message: string): never => {
    throw new GitwardError(`${shown}:${line}: ${field}: ${message}`, "config");
  };
  /** Fails at the line of entries[i] (or one of its fields). */
  const failAt = async (i: number, field: string | undefined, message: string): Promise<never> =>
    fail(
      await lineOfField(text, shown, field ? ["entries", i, field] : ["entries", i]),
      field ? `entries[${i}].${field}` : `entries[${i}]`,
      message,
    );
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail(1, "(root)", 'must be an object with "entries"');
  const root = doc as Record<string, unknown>;
  const version = root["gitward-baseline"];
  if (version !== undefined && version !== BASELINE_FORMAT) {
    fail(1, "gitward-baseline", `unsupported format ${JSON.stringify(version)} (this gitward reads ${BASELINE_FORMAT})`);
  }
  const raw = root.entries;
  if (!Array.isArray(raw)) return fail(1, "entries", "must be an array");
  const entries: BaselineEntry[] = [];
  // A plain indexed loop with one cheap test per field: a pre-commit hook reads the whole baseline
  // (1,000 entries in a baselined old repository) in code that runs cold, once.
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i] as unknown;
    if (item === null) continue;
    if (typeof item !== "object" || Array.isArray(item)) await failAt(i, undefined, "must be an object");
    const e = item as Record<string, unknown>;
    for (const k in e) if (!ENTRY_FIELDS.has(k)) await failAt(i, undefined, `unknown field "${k}"`);
    if (typeof e.path !== "string" || e.path === "") await failAt(i, "path", "must be a non-empty string");
    if (typeof e.ruleId !== "string" || e.ruleId === "") await failAt(i, "ruleId", "must be a non-empty string");
    if (typeof e.secretHash !== "string" || e.secretHash === "") await failAt(i, "secretHash", "must be a non-empty string");
    if (!SHA256_HEX.test(e.secretHash as string)) {
      await failAt(i, "secretHash", "must be a SHA-256 (64 lowercase hex digits)");
    }
    if (e.reason !== undefined && typeof e.reason !== "string") await failAt(i, "reason", "must be a string");
    if (e.owner !== undefined && typeof e.owner !== "string") await failAt(i, "owner", "must be a string");
    if (e.expires !== undefined) {
      if (typeof e.expires !== "string") await failAt(i, "expires", "must be a string");
      if (!isValidDate(e.expires as string))
        await failAt(i, "expires", `must be a date YYYY-MM-DD, got ${JSON.stringify(e.expires)}`);
    }
    entries.push(e as unknown as BaselineEntry);
  }
  return entries;
}

const ENTRY_FIELDS = new Set(["path", "ruleId", "secretHash", "reason", "owner", "expires"]);
const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function readBaseline(file: string): Promise<BaselineEntry[]> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GitwardError(`cannot read baseline ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "config");
  }
  return parseBaseline(text, file);
}

export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, serializeBaseline(entries));
  } catch (e) {
    throw new GitwardError(`cannot write baseline ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`, "io");
  }
}

export function baselineExists(file: string): boolean {
  return existsSync(file);
}

export function entryFromFinding(f: Finding, path: string, extra: Omit<BaselineEntry, keyof BaselineKey> = {}): BaselineEntry {
  return {
    path,
    ruleId: f.ruleId,
    secretHash: f.secretHash,
    ...(extra.reason ? { reason: extra.reason } : {}),
    ...(extra.owner ? { owner: extra.owner } : {}),
    ...(extra.expires ? { expires: extra.expires } : {}),
  };
}

export interface BaselineFilterOptions {
  /** The file shown in justifications, e.g. ".gitward-baseline.json". */
  origin: string;
  /** Maps a finding to its repository-relative path (scan paths are relative to the working directory). */
  pathOf?: (input: FilterInput) => string;
  /** "Today", for expiry (tests). */
  now?: Date;
}

export class BaselineFilter implements FindingFilter {
  readonly name = "baseline";
  private index: Map<string, BaselineEntry> | undefined;
  private entries: readonly BaselineEntry[] | undefined;
  private readonly read: (() => Promise<BaselineEntry[]>) | undefined;
  private loading: Promise<void> | undefined;
  private readonly matched = new Set<string>();
  private readonly expiredSeen = new Set<string>();
  private readonly now: Date;

  /**
   * `entries`, or a function that reads them (readBaseline): then the file is
   * read and validated when the first finding is checked. A clean commit asks
   * nothing of the baseline, and reading a baselined old repository's thousand
   * entries was a tenth of a pre-commit hook's own time. A broken baseline
   * still fails (exit 2, naming file, line and field) every run it could
   * change the result of: every run with a finding.
   */
  constructor(
    entries: readonly BaselineEntry[] | (() => Promise<BaselineEntry[]>),
    private readonly options: BaselineFilterOptions,
  ) {
    this.now = options.now ?? new Date();
    if (typeof entries === "function") this.read = entries;
    else this.entries = entries;
  }

  /** Entries by key, built on first use. What normalizeEntries keeps per key, unsorted. */
  private get byKey(): Map<string, BaselineEntry> {
    if (!this.index) {
      if (!this.entries) throw new Error("BaselineFilter: entries read before they were loaded (await check first)");
      const index = new Map<string, BaselineEntry>();
      for (const e of this.entries) {
        const key = entryKey(e);
        const prev = index.get(key);
        index.set(key, prev ? { ...e, ...prev } : e);
      }
      this.index = index;
    }
    return this.index;
  }

  get size(): number {
    return this.byKey.size;
  }

  check(input: FilterInput): Suppression | undefined | Promise<Suppression | undefined> {
    if (this.entries) return this.checkLoaded(input);
    this.loading ??= (this.read as () => Promise<BaselineEntry[]>)().then((read) => {
      this.entries = read;
    });
    return this.loading.then(() => this.checkLoaded(input));
  }

  private checkLoaded(input: FilterInput): Suppression | undefined {
    const { finding } = input;
    const path = this.options.pathOf ? this.options.pathOf(input) : finding.path;
    const key = entryKey({ path, ruleId: finding.ruleId, secretHash: finding.secretHash });
    const entry = this.byKey.get(key);
    if (!entry) return undefined;
    this.matched.add(key);
    const who = [entry.reason, entry.owner ? `owner ${entry.owner}` : undefined].filter(Boolean).join("; ");
    const justification = `${who || "recorded"} (${this.options.origin}${entry.expires ? `, expires ${entry.expires}` : ""})`;
    if (isExpired(entry, this.now)) {
      this.expiredSeen.add(key);
      finding.notes = [
        ...(finding.notes ?? []),
        `baseline waiver expired ${entry.expires}${entry.owner ? ` (owner ${entry.owner})` : ""}: fix it, or renew "expires" in ${this.options.origin}`,
      ];
      return { kind: "baseline", justification, expired: true };
    }
    return { kind: "baseline", justification };
  }

  /** Keys of entries that matched a finding in this run. */
  matchedKeys(): ReadonlySet<string> {
    return this.matched;
  }

  finish(): ScanWarning[] {
    if (this.expiredSeen.size === 0) return [];
    const n = this.expiredSeen.size;
    return [
      {
        message: `${n} baseline entr${n === 1 ? "y has" : "ies have"} expired in ${this.options.origin}; their findings are reported again`,
      },
    ];
  }
}
