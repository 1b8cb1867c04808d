// The adopter's repository (issue 13): what a team that adopted gitward has
// next to its code. A `.gitward.yaml` that extends the built-in packs and a
// local pack of one rule, overrides one rule, and allowlists two globs; the
// local pack; and a `.gitward-baseline.json` of accepted findings (a few, or
// 1,000 for a team that baselined an old repository).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const ADOPTER_CONFIG = `# yaml-language-server: $schema=node_modules/gitward/patterns/schemas/config.schema.json
extends:
  - gitward:builtin
  - ./security/acme-pack.yaml
rules:
  generic-password: warn
allowlist:
  paths:
    - "test/fixtures/**"
    - "**/*.snap"
`;

// A security team's quick rule, with docs and examples (the examples are fake-secret recipes).
export const ADOPTER_PACK = `name: acme-security
version: 1.0.0
description: ACME's own tokens.
rules:
  - id: acme-internal-token
    description: ACME internal service token (acme_tok_)
    severity: high
    keywords: [acme_tok_]
    regex: '\\b(acme_tok_[a-z0-9]{32})\\b'
    secretGroup: 1
    docs:
      why: An internal service token grants access to ACME's internal APIs.
      fix: Revoke it in the ACME token console and load the new one from the vault.
    examples:
      positive:
        - "ACME_TOKEN=acme_tok_{{fake:loweralnum:32}}"
      negative:
        - "ACME_TOKEN=acme_tok_<your token>"
`;

/** A baseline of `n` entries on paths of the repository (hashes of made-up secrets, stable per index). */
export function baselineText(n, paths) {
  const entries = [];
  for (let i = 0; i < n; i++) {
    const path = paths.length ? paths[i % paths.length] : `src/file-${i}.js`;
    const secretHash = createHash("sha256").update(`bench-baseline-${i}`).digest("hex");
    entries.push({
      path,
      ruleId: i % 3 === 0 ? "generic-api-key" : "generic-secret",
      secretHash,
      reason: "accepted in 2025 audit",
    });
  }
  entries.sort((a, b) => {
    const ka = `${a.path}\0${a.ruleId}\0${a.secretHash}`;
    const kb = `${b.path}\0${b.ruleId}\0${b.secretHash}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const lines = entries.map((e) => `    ${JSON.stringify(e)},`);
  return `{\n  "gitward-baseline": 1,\n  "about": "bench baseline",\n  "entries": [\n${lines.join("\n")}\n    null\n  ]\n}\n`;
}

/** Writes the adopter's files into the work tree `dir` (the caller commits them). */
export function writeAdopterFiles(dir, { baselineEntries, paths }) {
  writeFileSync(join(dir, ".gitward.yaml"), ADOPTER_CONFIG);
  mkdirSync(join(dir, "security"), { recursive: true });
  writeFileSync(join(dir, "security", "acme-pack.yaml"), ADOPTER_PACK);
  writeFileSync(join(dir, ".gitward-baseline.json"), baselineText(baselineEntries, paths));
  return [".gitward.yaml", "security/acme-pack.yaml", ".gitward-baseline.json"];
}

/**
 * A clone of `source` (sharing its objects) with the adopter's files committed on top, made once
 * in `dir` and reused (a marker names what it was made with).
 */
export function adopterRepo(source, dir, { baselineEntries }, env, log) {
  const marker = join(dir, ".git", "gitward-bench-adopter");
  const want = `${ADOPTER_CONFIG}\n${ADOPTER_PACK}\n${baselineEntries}`;
  if (existsSync(marker) && readFileSync(marker, "utf8") === want) return dir;
  log?.(`creating ${dir} (the adopter's repository, ${baselineEntries}-entry baseline)…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  const git = (cwd, args) => execFileSync("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] }).toString();
  git(dirname(dir), ["clone", "-q", "--shared", source, dir]);
  const paths = git(dir, ["ls-files", "*.js"]).split("\n").filter(Boolean);
  const files = writeAdopterFiles(dir, { baselineEntries, paths });
  git(dir, ["add", "--", ...files]);
  git(dir, ["commit", "-q", "--no-verify", "-m", "adopt gitward"]);
  writeFileSync(marker, want);
  return dir;
}
