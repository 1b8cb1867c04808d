/**
 * Test data is not a leak. In test and documentation paths (and in doc
 * comments of code), findings of rules that recognise a secret only by its
 * context — the key-named generic rules, connection strings, auth headers,
 * URL credentials, the service-context rules — are reported as warnings
 * instead of blocking, and two kinds are not reported at all:
 *
 * - word-like passwords (`three`, `ferret`, `hello`, `bogus`): test
 *   vectors and illustrations, never a real account's password;
 * - credentials in URLs whose host is not a real host name (`x://a:b@foo`,
 *   `https://u:p@example.com`, `.test`, `.invalid`): URL-parsing test vectors.
 *
 * A value in a provider's verified format (a prefix or checksum rule) stays
 * blocking anywhere: a live GitHub or AWS token in a fixture is still live.
 * Private keys stay blocking everywhere.
 *
 * This runs in the pipeline right after a raw finding becomes a Finding,
 * before the allowlist filters: it decides the finding's mode, and drops are
 * recorded as a suppression (visible with --show-suppressed), so that nothing
 * silently disappears.
 */
import type { LoadedRule } from "../packs/pack-types.js";
import type { Finding, Suppression } from "../types.js";

/** Directory names that hold tests, fixtures, examples or documentation. */
const TEST_DIRS = new Set([
  "test",
  "tests",
  "t",
  "spec",
  "specs",
  "__tests__",
  "__mocks__",
  "__fixtures__",
  "fixtures",
  "fixture",
  "testdata",
  "test-data",
  "test_data",
  "testing",
  "examples",
  "example",
  "samples",
  "docs",
  "doc",
  "documentation",
]);

/** File names of tests (`*_test.go`, `foo.test.ts`, `foo.spec.js`, `test_foo.py`) and documents. */
const TEST_FILE = /(?:_test|\.test|_spec|\.spec)\.[A-Za-z0-9]+$|^test_[^/]*\.py$|\.(?:md|mdx|markdown|rst|adoc|asciidoc)$/i;

export function isTestOrDocPath(path: string): boolean {
  const parts = path.replace(/\\/g, "/").split("/");
  const file = parts.pop() ?? "";
  if (TEST_FILE.test(file)) return true;
  return parts.some((p) => TEST_DIRS.has(p.toLowerCase()));
}

/** A documentation comment line in code: ` * …` (JSDoc, Javadoc, C), `// …`, `/// …`, `/** …`. */
export function isDocCommentLine(lineText: string): boolean {
  return /^\s*(?:\*(?!\*)|\/\/|\/\*)/.test(lineText);
}

const CONTEXT_PACKS = new Set(["gitward-secrets-generic", "gitward-secrets-databases", "gitward-secrets-service-context"]);
/** Key material that stays blocking everywhere, like private keys. */
const KEY_MATERIAL_RULES = new Set(["jenkins-master-key", "jenkins-hudson-util-secret", "openvpn-static-key"]);

/**
 * "private-key": key material, blocking everywhere. "provider": a provider's
 * prefix/checksum format. "context": recognised by its key or surroundings only.
 * Provider rules that are keyword-anchored (no prefix) can say so with the tag `context`.
 */
export function ruleEvidence(rule: LoadedRule): "private-key" | "provider" | "context" {
  if (rule.pack === "gitward-secrets-private-keys" || KEY_MATERIAL_RULES.has(rule.spec.id)) return "private-key";
  const spec = rule.spec as { fallback?: boolean; tags?: string[] };
  if (CONTEXT_PACKS.has(rule.pack) || spec.fallback === true) return "context";
  if (spec.tags?.some((t) => t === "generic" || t === "context" || t === "service-context")) return "context";
  return "provider";
}

/** A password that is a word, optionally capitalised, with at most a few digits or one mark after it. */
const WORD_PASSWORD = /^[A-Za-z][a-z]{1,15}\d{0,3}[!@.?]?$/;

/** Top-level names that are reserved for tests and documentation (RFC 2606, RFC 6761). */
const RESERVED_TLD = new Set(["example", "test", "invalid", "localhost", "local"]);

/** A host name that could be a real server: dotted, a letter TLD that is not reserved, not example.com. */
export function isRealHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(h) || h.startsWith("[")) return true;
  const labels = h.split(".");
  if (labels.length < 2 || labels.some((l) => !/^[a-z0-9-]+$/.test(l))) return false;
  const tld = labels[labels.length - 1] as string;
  if (!/^[a-z]{2,}$/.test(tld) || RESERVED_TLD.has(tld)) return false;
  return !/^example\.(?:com|net|org)$/.test(labels.slice(-2).join("."));
}

/** The host of the URL credentials the finding points at: what follows the first "@" after the secret. */
function urlHostAfter(finding: Finding): string | undefined {
  const rest = finding.lineText.slice(finding.endColumn - 1);
  const m = /^[^\s@/"'`]*@([^\s/:?#"'`)]+)/.exec(rest);
  if (!m?.[1]) return undefined;
  let host = m[1];
  try {
    host = decodeURIComponent(host);
  } catch {
    // Keep it as written.
  }
  return host;
}

/** The password in a finding's secret: the secret, or the part after ":" of a decoded Basic credential. */
function passwordOf(finding: Finding): string {
  if (finding.ruleId === "http-basic-auth-header") {
    const decoded = Buffer.from(finding.secret, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon !== -1) return decoded.slice(colon + 1);
  }
  return finding.secret;
}

export interface TestDataDecision {
  mode?: "warn";
  suppression?: Suppression;
  note?: string;
}

/** What the test-data policy does to one finding (nothing for findings outside test/doc places). */
export function testDataDecision(finding: Finding, rule: LoadedRule): TestDataDecision | undefined {
  if (finding.kind !== "secret") return undefined;
  const evidence = ruleEvidence(rule);
  if (evidence !== "context") return undefined;
  const where = isTestOrDocPath(finding.path)
    ? "a test or documentation path"
    : isDocCommentLine(finding.lineText)
      ? "a documentation comment"
      : undefined;
  if (!where) return undefined;
  if (WORD_PASSWORD.test(passwordOf(finding))) {
    return { suppression: { kind: "rule-allowlist", justification: `test data: a word as password in ${where}` } };
  }
  if (/url|connection-string/.test(finding.ruleId)) {
    const host = urlHostAfter(finding);
    if (host !== undefined && !isRealHostName(host)) {
      return {
        suppression: { kind: "rule-allowlist", justification: `test data: URL credentials for host "${host}" in ${where}` },
      };
    }
  }
  return { mode: "warn", note: `warning, not blocking: a context-only rule in ${where}` };
}
