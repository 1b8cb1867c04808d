import { createHash } from "node:crypto";

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Content-based fingerprint: rule, path and the secret's hash, no line
 * numbers, so it survives unrelated edits that move the secret.
 */
export function fingerprint(ruleId: string, path: string, secretHash: string): string {
  return sha256(`${ruleId}\0${path}\0${secretHash}`);
}
