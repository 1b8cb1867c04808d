/**
 * Config files and user packs, validated once per content.
 *
 * Parsing YAML, validating it against the JSON Schemas, analysing each rule's
 * scan scope and checking its regexes for catastrophic backtracking cost a
 * pre-commit hook with a `.gitward.yaml` and one local pack more than the rest
 * of the hook together (issue 13: 250 ms against 123 ms without a config).
 * The result depends only on the file's bytes and on this gitward, so it is
 * kept per file in the user's cache directory (util/cache-dir.ts), like the
 * built-in packs' cache in dist/, and used only when that holds:
 * - an entry is keyed by a 128-bit hash of the file's text (util/hash.ts
 *   contentHash), read and hashed on every run (not its mtime): an edit takes effect on the next run; the entry
 *   holds the hash, not the text, and packs are stored without their examples;
 * - only successful loads are stored, so an invalid config or pack is validated
 *   again, and refused with file, line and field, on every run;
 * - entries are stamped with gitward's version and the size and mtime of the
 *   running code and of the schemas, so another build never reads them;
 * - entries are data (validated values and warnings), never code; they are
 *   written atomically, and a failure to read or write one only means "not
 *   cached". GITWARD_CACHE_DIR="" turns the cache off.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toolVersion } from "../version.js";
import { gitwardCacheDir } from "./cache-dir.js";
import { markColdRun } from "./code-cache-hint.js";
import { contentHash } from "./hash.js";

/** Bump when what is stored changes shape or meaning. */
const FORMAT = 2;

const SCHEMA_DIR = fileURLToPath(new URL("../../patterns/schemas/", import.meta.url));

export type ValidatedKind = "config" | "pack";

interface Entry<T> {
  stamp: string;
  kind: ValidatedKind;
  file: string;
  hash: string;
  value: T;
}

let stampMemo: string | undefined;

/**
 * What makes an entry valid besides the file's text: this gitward's code and schemas. (Also the
 * stamp of the user's glob cache, util/glob-regex.ts.)
 */
export function stamp(): string {
  if (stampMemo === undefined) {
    const parts = [`v${FORMAT}`, toolVersion()];
    const identity = (file: string) => {
      const st = statSync(file, { throwIfNoEntry: false });
      parts.push(st ? `${st.size}:${st.mtimeMs}` : "-");
    };
    // In the CLI bundle this module's file is the whole bundle: any rebuild changes it.
    identity(fileURLToPath(import.meta.url));
    try {
      for (const name of readdirSync(SCHEMA_DIR).sort()) identity(join(SCHEMA_DIR, name));
    } catch {
      parts.push("no-schemas");
    }
    stampMemo = parts.join("|");
  }
  return stampMemo;
}

/** Hashes of texts seen in this run: a pack named in `extends` is read twice (to tell a config from a pack, then to load it). */
const hashes = new Map<string, string>();

function textHash(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    h = contentHash(text);
    if (hashes.size >= 32) hashes.clear(); // a long-lived library process: keep it small
    hashes.set(text, h);
  }
  return h;
}

/** FNV-1a of the path: the entry's file name (the entry itself names its file, so a collision is a miss). */
function entryFile(dir: string, kind: ValidatedKind, file: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return join(dir, "validated", `${kind}-${h.toString(16).padStart(8, "0")}.json`);
}

/** The value stored for `file` with this `text` (its hash), or undefined. */
export function readValidated<T>(
  kind: ValidatedKind,
  file: string,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): T | undefined {
  const dir = gitwardCacheDir(env);
  if (!dir) return undefined;
  let entry: Entry<T>;
  try {
    entry = JSON.parse(readFileSync(entryFile(dir, kind, file), "utf8")) as Entry<T>;
  } catch {
    return undefined;
  }
  if (entry?.kind !== kind || entry.file !== file || entry.stamp !== stamp() || entry.hash !== textHash(text)) return undefined;
  return entry.value;
}

/** Stores the value a successful load of `file` (with this `text`) produced. Best effort. */
export function writeValidated<T>(
  kind: ValidatedKind,
  file: string,
  text: string,
  value: T,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const dir = gitwardCacheDir(env);
  if (!dir) return;
  const target = entryFile(dir, kind, file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(join(dir, "validated"), { recursive: true });
    const entry: Entry<T> = { stamp: stamp(), kind, file, hash: textHash(text), value };
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, target);
    // Later runs will find this in the cache. (When it cannot be written, every run validates: this
    // one is typical.)
    markColdRun(`validated ${kind} ${file}`);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // ignored on purpose: the next run validates again
    }
  }
}
