import { createRequire } from "node:module";

// node:crypto is loaded on first use, not at start-up: it pulls in some twenty internal modules
// (a few milliseconds of every pre-commit hook), and a clean commit hashes nothing.
let crypto: typeof import("node:crypto") | undefined;

export function sha256(text: string): string {
  crypto ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Content-based fingerprint: rule, path and the secret's hash, no line
 * numbers, so it survives unrelated edits that move the secret.
 */
export function fingerprint(ruleId: string, path: string, secretHash: string): string {
  return sha256(`${ruleId}\0${path}\0${secretHash}`);
}
