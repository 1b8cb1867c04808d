/**
 * The accuracy bar, enforced in CI: over the synthesised labeled corpus
 * (test/corpus/build-corpus.ts), scanned with the real library `scan()`,
 *
 * - recall on provider-format tokens ≥ 0.9;
 * - at most 5% of look-alike negatives flagged;
 * - recall on the non-provider credentials (private keys, connection strings,
 *   JWTs, auth headers, generic assignments) ≥ 0.9, and on encoded secrets
 *   once the encoded-secrets detector is wired into the pipeline.
 *
 * `npx tsx bench/accuracy.ts` prints the same report with precision and recall
 * per rule family.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Corpus } from "./corpus/build-corpus.js";
import { type AccuracyReport, formatReport, runAccuracy, score } from "./corpus/evaluate.js";

let report: AccuracyReport & { corpus: Corpus };

beforeAll(async () => {
  report = await runAccuracy();
}, 120_000);

describe("accuracy corpus", () => {
  it("is big and varied enough to mean something", () => {
    expect(report.files).toBeGreaterThan(100);
    expect(report.provider.labels).toBeGreaterThan(100);
    expect(report.negatives.labels).toBeGreaterThan(150);
    expect(report.credential.labels).toBeGreaterThanOrEqual(25);
    const families = new Set(report.corpus.labels.flatMap((l) => l.families));
    for (const f of ["private-key", "database", "jwt", "http-auth", "generic"]) expect(families).toContain(f);
  });

  it("finds ≥ 90% of provider-format tokens", () => {
    expect(report.provider.recall, formatReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it("flags ≤ 5% of look-alike negatives", () => {
    expect(report.negatives.rate, formatReport(report)).toBeLessThanOrEqual(0.05);
  });

  it("finds ≥ 90% of private keys, connection strings, JWTs, auth headers and generic assignments", () => {
    expect(report.credential.recall, formatReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it("finds ≥ 90% of encoded secrets when the encoded-secrets detector is wired in", () => {
    if (!report.encodedWired) return;
    expect(report.encoded.recall, formatReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it("keeps overall precision ≥ 90% (findings on filler lines are false positives too)", () => {
    expect(report.overall.precision, formatReport(report)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("exact findings on hand-written corpus files", () => {
  const findingsIn = (path: string) =>
    report.corpus.labels
      .filter((l) => l.file === path)
      .map((l) => `${l.kind}@${l.line}${l.endLine !== l.line ? `-${l.endLine}` : ""}`);

  it("labels the planted lines where the builder says", () => {
    expect(findingsIn("config/mail.ini")).toEqual(["credential@4"]);
    expect(findingsIn("src/main/java/com/acme/LegacyClient.java")).toEqual(["credential@5"]);
    expect(findingsIn("deploy/ssh/id_rsa")).toEqual(["credential@1-15"]);
  });

  it("reports exactly these rules, files and lines", async () => {
    const { scan } = await import("../src/index.js");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const paths = [
      "config/mail.ini",
      "src/main/java/com/acme/LegacyClient.java",
      "deploy/ssh/id_rsa",
      "legacy/src/main/resources/datasource.properties",
      "docs/runbooks/replay-webhook.md",
      "tests/http/orders.http",
      ".env.example",
      "README.md",
      "app/config.py",
      "k8s/secrets/placeholder-secret.yaml",
    ];
    const texts = report.corpus.files.filter((f) => paths.includes(f.path));
    expect(texts).toHaveLength(paths.length);
    const cwd = mkdtempSync(join(tmpdir(), "gitward-accuracy-exact-"));
    try {
      const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts });
      expect(result.findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`).sort()).toEqual(
        [
          "generic-password-unquoted config/mail.ini:4",
          "generic-password src/main/java/com/acme/LegacyClient.java:5",
          "private-key-pem deploy/ssh/id_rsa:1",
          "oracle-jdbc-connection-string legacy/src/main/resources/datasource.properties:1",
          "jdbc-connection-string legacy/src/main/resources/datasource.properties:2",
          "http-basic-auth-header docs/runbooks/replay-webhook.md:6",
          "curl-basic-auth-credentials docs/runbooks/replay-webhook.md:7",
          "http-bearer-token tests/http/orders.http:3",
        ].sort(),
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("scoring", () => {
  it("counts a finding of another family on a positive label as a miss, not a false positive", () => {
    const corpus: Corpus = {
      files: [{ path: "a.env", text: "X=1\nY=2\n" }],
      labels: [
        { file: "a.env", line: 1, endLine: 1, kind: "provider", families: ["github"], origin: "t" },
        { file: "a.env", line: 2, endLine: 2, kind: "negative", families: [], origin: "n" },
      ],
    };
    const finding = (ruleId: string, line: number, pack: string) =>
      ({
        ruleId,
        kind: "secret",
        path: "a.env",
        startLine: line,
        secret: "s",
        provenance: { pack, version: "1", file: "p" },
      }) as unknown as Parameters<typeof score>[1][number];
    const r = score(
      corpus,
      [finding("generic-token", 1, "gitward-secrets-generic"), finding("generic-token", 2, "gitward-secrets-generic")],
      false,
    );
    expect(r.provider).toEqual({ labels: 1, found: 0, recall: 0 });
    expect(r.negatives).toEqual({ labels: 1, flagged: 1, rate: 1 });
    expect(r.wrongFamily.map((w) => w.finding.startLine)).toEqual([1]);
    expect(r.falsePositives.map((f) => [f.where, f.finding.startLine])).toEqual([["negative", 2]]);
  });
});
