/** Findings built directly for the verification stage tests (the stage reads only these fields). */
import type { Finding } from "../../src/types.js";
import { sha256 } from "../../src/util/hash.js";

export function secretFinding(ruleId: string, secret: string, line = 1, path = "app.env", commit?: string): Finding {
  const secretHash = sha256(secret);
  return {
    ruleId,
    kind: "secret",
    severity: "high",
    mode: "block",
    message: ruleId,
    path,
    startLine: line,
    startColumn: 1,
    endLine: line,
    endColumn: secret.length + 1,
    secret,
    sensitive: true,
    secretHash,
    fingerprint: sha256(`${ruleId}\0${path}\0${secretHash}`),
    lineText: "",
    provenance: { pack: "test", version: "1", file: "test" },
    ...(commit ? { commit: { sha: commit, author: "a", email: "a@example.com", date: "2026-01-01" } } : {}),
  };
}
