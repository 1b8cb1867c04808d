/**
 * The verification cache: reruns (a nightly history scan, a CI retry) do not
 * call the providers again for secrets already checked. Keyed by verifier,
 * API base and the secret's SHA-256 (the same hash reports and the history
 * cache carry), with a hash of the companions used (an AWS secret checked
 * with another key id is another question). Only decided answers (live,
 * invalid) are kept, for `ttlHours`; unknown and error are asked again.
 * Stores hashes, statuses and our own details: never a secret.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { sha256 } from "../util/hash.js";
import type { Verification } from "./types.js";

const VERSION = 1;

interface Entry {
  status: "live" | "invalid";
  detail: string;
  checkedAt: string;
  verifier: string;
  /** sha256 of the companion values used (empty when none). */
  companions: string;
}

/** Where the cache lives by default: GITWARD_CACHE_DIR ("" disables), else $XDG_CACHE_HOME/gitward, else ~/.cache/gitward. */
export function defaultVerifyCacheFile(env: Record<string, string | undefined>): string | undefined {
  if (env.GITWARD_CACHE_DIR === "") return undefined;
  const dir = env.GITWARD_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "gitward");
  return join(dir, "verify-cache.json");
}

export function cacheKey(verifier: string, base: string, secretHash: string): string {
  return sha256(`gitward-verify-v${VERSION}\0${verifier}\0${base}\0${secretHash}`);
}

export function companionsHash(companions: Record<string, string>): string {
  const names = Object.keys(companions).sort();
  return names.length === 0 ? "" : sha256(names.map((n) => `${n}\0${companions[n]}`).join("\0"));
}

export class VerifyCache {
  private entries = new Map<string, Entry>();
  private dirty = false;

  constructor(
    readonly file: string | undefined,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!file) return;
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { version?: number; entries?: Record<string, Entry> };
      if (data.version === VERSION && data.entries && typeof data.entries === "object")
        this.entries = new Map(Object.entries(data.entries));
    } catch {
      // Missing or unreadable: start empty (a cache is an optimisation, never a reason to fail).
    }
  }

  /** A fresh decided answer; `companions` undefined accepts any (history-cache findings carry no companions). */
  get(key: string, companions: string | undefined): Verification | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (companions !== undefined && e.companions !== companions) return undefined;
    const at = Date.parse(e.checkedAt);
    if (Number.isNaN(at) || this.now() - at > this.ttlMs) return undefined;
    return { status: e.status, detail: e.detail, checkedAt: e.checkedAt, verifier: e.verifier, cached: true };
  }

  set(key: string, companions: string, v: Verification): void {
    if (v.status !== "live" && v.status !== "invalid") return;
    this.entries.set(key, { status: v.status, detail: v.detail, checkedAt: v.checkedAt, verifier: v.verifier ?? "", companions });
    this.dirty = true;
  }

  /** Writes the cache (sorted, expired entries dropped); returns a warning instead of failing. */
  save(): string | undefined {
    if (!this.file || !this.dirty) return undefined;
    const kept = [...this.entries]
      .filter(([, e]) => this.now() - Date.parse(e.checkedAt) <= this.ttlMs)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ version: VERSION, entries: Object.fromEntries(kept) })}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
      return undefined;
    } catch (e) {
      return `verification cache ${this.file}: cannot write (${(e as NodeJS.ErrnoException).code ?? e})`;
    }
  }
}
