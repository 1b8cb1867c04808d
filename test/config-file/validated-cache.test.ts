/**
 * The validated-file cache (util/validated-file-cache.ts) on the real binary:
 * a config or local pack validated once is reused while its text is the same,
 * an edit takes effect on the next commit (even one that keeps the file's size
 * and mtime), and an invalid config or pack is refused with file, line and
 * field on the first and every later run. Also: a local pack rule without docs
 * or examples warns and still scans; `packs lint` / `packs test` fail on it.
 */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runBin, type TempRepo, tempDir } from "../helpers/temp-repo.js";

const newRepo = reposPerTest();
const AWS_KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "validated-cache");
const ACME_TOKEN = expandFakes("acme_tok_{{fake:loweralnum:32}}", "validated-cache");

const PACK = (rule: string) => `name: acme-security
version: 1.0.0
rules:
  - id: acme-internal-token
    description: ACME internal service token
    severity: high
    keywords: [acme_tok_]
    regex: '\\b(acme_tok_[a-z0-9]{32})\\b'
    secretGroup: 1
${rule}`;

const DOCS = `    docs:
      why: It opens ACME's internal APIs.
      fix: Revoke it in the token console.
    examples:
      positive: ["acme_tok_{{fake:loweralnum:32}}"]
      negative: ["acme_tok_<token>"]
`;

const CONFIG = "extends:\n  - gitward:builtin\n  - ./security/acme.yaml\nrules:\n  aws-access-key-id: warn\n";

/** A repository with the config, the pack and a staged file holding both kinds of secret. */
function adopterRepo(pack = PACK(DOCS)): {
  repo: TempRepo;
  env: Record<string, string>;
  staged: () => ReturnType<typeof runBin>;
} {
  const repo = newRepo();
  repo.write(".gitward.yaml", CONFIG);
  repo.write("security/acme.yaml", pack);
  repo.write("app/settings.env", `# settings\nAWS_KEY=${AWS_KEY}\nACME_TOKEN=${ACME_TOKEN}\n`);
  repo.git("add", "app/settings.env");
  const env = { GITWARD_CACHE_DIR: tempDir("gitward-cache-") };
  return { repo, env, staged: () => runBin(["staged", "--format", "json"], repo.dir, { env }) };
}

function findingsOf(run: ReturnType<typeof runBin>): string[] {
  const report = JSON.parse(run.stdout) as { findings: { ruleId: string; path: string; startLine: number }[] };
  return report.findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`).sort();
}

function cacheEntries(env: Record<string, string>): string[] {
  try {
    return readdirSync(join(env.GITWARD_CACHE_DIR as string, "validated")).sort();
  } catch {
    return [];
  }
}

/** Rewrites a file with text of the same length and puts its old mtime back: only the content changed. */
function editKeepingStat(file: string, from: string, to: string): void {
  expect(to.length).toBe(from.length);
  const before = statSync(file);
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  utimesSync(file, before.atime, before.mtime);
  expect(statSync(file).size).toBe(before.size);
}

describe("validated-file cache", () => {
  it("reuses a validated config and pack, and an edit takes effect on the next run", () => {
    const { repo, env, staged } = adopterRepo();
    const first = staged();
    expect(first.code).toBe(1);
    expect(findingsOf(first)).toEqual(["acme-internal-token app/settings.env:3", "aws-access-key-id app/settings.env:2"]);
    expect(cacheEntries(env)).toEqual([expect.stringMatching(/^config-/), expect.stringMatching(/^pack-/)]);

    // Cached run: the same findings.
    expect(findingsOf(staged())).toEqual(findingsOf(first));

    // The config turns the AWS rule off; same size, same mtime.
    editKeepingStat(join(repo.dir, ".gitward.yaml"), "aws-access-key-id: warn", "aws-access-key-id: off ");
    const afterConfigEdit = staged();
    // (the AWS rule, off, still owns its key: no fallback reports it instead)
    expect(findingsOf(afterConfigEdit)).toEqual(["acme-internal-token app/settings.env:3"]);

    // The pack's regex no longer matches a 32-character token; same size, same mtime.
    editKeepingStat(join(repo.dir, "security/acme.yaml"), "[a-z0-9]{32}", "[a-z0-9]{31}");
    const afterPackEdit = staged();
    // (no rule owns ACME_TOKEN's value now, so the service-context fallback reports it; AWS_KEY's rule is still off)
    expect(findingsOf(afterPackEdit)).toEqual(["service-credential-assignment app/settings.env:3"]);
  });

  it("refuses an invalid config with file, line and field on the first and every later run", () => {
    const { repo, staged } = adopterRepo();
    expect(staged().code).toBe(1); // valid, and now cached
    repo.write(".gitward.yaml", `${CONFIG}failOn: severe\n`);
    for (let run = 0; run < 3; run++) {
      const r = staged();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('.gitward.yaml:6: failOn: must be one of "critical", "high", "medium", "low", "info"');
    }
    repo.write(".gitward.yaml", CONFIG);
    expect(staged().code).toBe(1);
  });

  it("refuses an invalid pack (bad regex, unknown field) on the first and every later run, cached or not", () => {
    const { repo, staged } = adopterRepo();
    expect(staged().code).toBe(1);
    repo.write("security/acme.yaml", PACK(DOCS).replace("[a-z0-9]{32})", "[a-z0-9]{32}"));
    for (let run = 0; run < 2; run++) {
      const r = staged();
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/security\/acme\.yaml:8: acme-internal-token: regex: does not compile/);
    }
    repo.write("security/acme.yaml", PACK(`    entropie: 3\n${DOCS}`));
    for (let run = 0; run < 2; run++) {
      const r = staged();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('security/acme.yaml:4: acme-internal-token: unknown field "entropie"');
    }
  });

  it("a local rule without docs or examples warns on every run and still scans", () => {
    const { repo, env, staged } = adopterRepo(PACK(""));
    for (let run = 0; run < 2; run++) {
      const r = staged();
      expect(r.code).toBe(1);
      expect(findingsOf(r)).toEqual(["acme-internal-token app/settings.env:3", "aws-access-key-id app/settings.env:2"]);
      expect(r.stderr).toContain("warning: security/acme.yaml:4: acme-internal-token: docs: missing;");
      expect(r.stderr).toContain("warning: security/acme.yaml:4: acme-internal-token: examples: missing;");
    }
    expect(cacheEntries(env)).toHaveLength(2);
    // What a blocked developer reads instead of docs.
    const explain = runBin(["explain", "acme-internal-token"], repo.dir, { env });
    expect(explain.stdout).toContain("No fix is documented: the pack acme-security gives this rule no docs.");

    const lint = runBin(["packs", "lint", "security/acme.yaml"], repo.dir, { env });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain("error: security/acme.yaml:4: acme-internal-token: docs: missing");
    expect(lint.stdout).toContain("error: security/acme.yaml:4: acme-internal-token: examples: missing");
    const test = runBin(["packs", "test", "security/acme.yaml"], repo.dir, { env });
    expect(test.code).toBe(1);
    expect(test.stdout).toContain("acme-internal-token: examples: missing");
  });

  it('works with the cache turned off (GITWARD_CACHE_DIR="")', () => {
    const { repo } = adopterRepo();
    const r = runBin(["staged", "--format", "json"], repo.dir, { env: { GITWARD_CACHE_DIR: "" } });
    expect(findingsOf(r)).toEqual(["acme-internal-token app/settings.env:3", "aws-access-key-id app/settings.env:2"]);
  });
});
