/**
 * Scores the real library `scan()` (texts mode, built-in packs, no config, no
 * config rules) against the labeled corpus: recall and precision per rule
 * family, provider-token recall, and the share of look-alike negatives flagged.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "../../src/index.js";
import { loadBuiltinPacks } from "../../src/packs/builtin-packs.js";
import { createDetectors } from "../../src/pipeline.js";
import { prepareScan } from "../../src/setup.js";
import type { Finding } from "../../src/types.js";
import { type BuildOptions, buildCorpus, type Corpus, type CorpusLabel, ruleFamily } from "./build-corpus.js";

export interface FamilyScore {
  family: string;
  /** Positive labels listing this family, and how many a finding of this family hit. */
  labels: number;
  found: number;
  recall: number;
  /** Findings of this family, and how many sit on a positive label that lists this family. */
  findings: number;
  correct: number;
  precision: number;
}

export interface Miss {
  label: CorpusLabel;
  /** Families found on the label's lines instead (a wrong-family detection), if any. */
  foundInstead: string[];
}

export interface FalsePositive {
  finding: Pick<Finding, "ruleId" | "path" | "startLine" | "secret">;
  /** "negative": on a look-alike line; "unlabeled": on filler. */
  where: "negative" | "unlabeled";
  origin?: string;
}

/** A finding on a positive label of another family (a duplicate or a fallback that did not yield). */
export interface WrongFamily {
  finding: Pick<Finding, "ruleId" | "path" | "startLine">;
  expected: string[];
}

export interface AccuracyReport {
  files: number;
  labels: number;
  /** Whether the encoded-secrets detector is wired into the pipeline (encoded labels are scored only then). */
  encodedWired: boolean;
  families: FamilyScore[];
  provider: { labels: number; found: number; recall: number };
  credential: { labels: number; found: number; recall: number };
  encoded: { labels: number; found: number; recall: number };
  negatives: { labels: number; flagged: number; rate: number };
  overall: { findings: number; correct: number; precision: number };
  misses: Miss[];
  falsePositives: FalsePositive[];
  wrongFamily: WrongFamily[];
  durationMs: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export async function runAccuracy(options: BuildOptions = {}): Promise<AccuracyReport & { corpus: Corpus }> {
  const packs = await loadBuiltinPacks();
  const corpus = buildCorpus(packs, options);
  const cwd = mkdtempSync(join(tmpdir(), "gitward-accuracy-"));
  try {
    const setup = await prepareScan({ cwd, configFile: false, kinds: { config: false } });
    const encodedWired = (await createDetectors(setup.ruleSet)).some((d) => d.name === "encoded-secrets");
    const started = performance.now();
    const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts: corpus.files });
    const durationMs = performance.now() - started;
    return { ...score(corpus, result.findings, encodedWired, durationMs), corpus };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function score(corpus: Corpus, allFindings: Finding[], encodedWired: boolean, durationMs = 0): AccuracyReport {
  const findings = allFindings.filter((f) => f.kind === "secret" && !f.suppressions?.length);
  const familyOf = (f: Finding) => ruleFamily(f.ruleId, f.provenance.pack);
  const labels = corpus.labels.filter((l) => l.kind !== "encoded" || encodedWired);
  const byFile = new Map<string, CorpusLabel[]>();
  for (const l of labels) byFile.set(l.file, [...(byFile.get(l.file) ?? []), l]);
  const on = (f: Finding) => (byFile.get(f.path) ?? []).filter((l) => f.startLine >= l.line && f.startLine <= l.endLine);

  const families = new Map<string, { labels: number; found: number; findings: number; correct: number }>();
  const fam = (name: string) => {
    const existing = families.get(name);
    if (existing) return existing;
    const created = { labels: 0, found: 0, findings: 0, correct: 0 };
    families.set(name, created);
    return created;
  };

  const misses: Miss[] = [];
  const kinds = { provider: [0, 0], credential: [0, 0], encoded: [0, 0] } as Record<string, [number, number]>;
  let negFlagged = 0;
  let negTotal = 0;
  for (const l of labels) {
    const hits = findings.filter((f) => f.path === l.file && f.startLine >= l.line && f.startLine <= l.endLine);
    if (l.kind === "negative") {
      negTotal++;
      if (hits.length > 0) negFlagged++;
      continue;
    }
    const hitFamilies = new Set(hits.map(familyOf));
    for (const name of l.families) {
      const s = fam(name);
      s.labels++;
      if (hitFamilies.has(name)) s.found++;
    }
    const found = l.families.some((name) => hitFamilies.has(name));
    const k = kinds[l.kind] as [number, number];
    k[0]++;
    if (found) k[1]++;
    else misses.push({ label: l, foundInstead: [...hitFamilies] });
  }

  const falsePositives: FalsePositive[] = [];
  const wrongFamily: WrongFamily[] = [];
  let correct = 0;
  for (const f of findings) {
    const name = familyOf(f);
    const s = fam(name);
    s.findings++;
    const here = on(f);
    if (here.some((l) => l.kind !== "negative" && l.families.includes(name))) {
      s.correct++;
      correct++;
      continue;
    }
    const positive = here.find((l) => l.kind !== "negative");
    if (positive) {
      // Right place, wrong family: lowers the family's precision, but is not a false alarm.
      wrongFamily.push({ finding: { ruleId: f.ruleId, path: f.path, startLine: f.startLine }, expected: positive.families });
      continue;
    }
    const neg = here.find((l) => l.kind === "negative");
    falsePositives.push({
      finding: { ruleId: f.ruleId, path: f.path, startLine: f.startLine, secret: f.secret },
      where: neg ? "negative" : "unlabeled",
      ...(neg ? { origin: neg.origin } : {}),
    });
  }

  const kindScore = (k: string) => {
    const [n, found] = kinds[k] as [number, number];
    return { labels: n, found, recall: ratio(found, n) };
  };
  return {
    files: corpus.files.length,
    labels: labels.length,
    encodedWired,
    families: [...families.entries()]
      .map(([family, s]) => ({
        family,
        ...s,
        recall: ratio(s.found, s.labels),
        precision: ratio(s.correct, s.findings),
      }))
      .sort((a, b) => (a.family < b.family ? -1 : 1)),
    provider: kindScore("provider"),
    credential: kindScore("credential"),
    encoded: kindScore("encoded"),
    negatives: { labels: negTotal, flagged: negFlagged, rate: negTotal === 0 ? 0 : negFlagged / negTotal },
    overall: { findings: findings.length, correct, precision: ratio(correct, findings.length) },
    misses,
    falsePositives,
    wrongFamily,
    durationMs,
  };
}

/** A plain-text table of the report (bench/accuracy and failing tests print it). */
export function formatReport(r: AccuracyReport, verbose = false): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const out: string[] = [];
  out.push(`corpus: ${r.files} files, ${r.labels} labels; scan ${r.durationMs.toFixed(0)} ms`);
  out.push(
    `${"family".padEnd(22)}${"labels".padStart(7)}${"found".padStart(7)} recall ${"findings".padStart(9)}${"correct".padStart(8)} precision`,
  );
  for (const f of r.families) {
    out.push(
      `${f.family.padEnd(22)}${String(f.labels).padStart(7)}${String(f.found).padStart(7)}${pct(f.recall)} ${String(f.findings).padStart(9)}${String(f.correct).padStart(8)}  ${pct(f.precision)}`,
    );
  }
  out.push("");
  out.push(`provider tokens:   recall ${pct(r.provider.recall)} (${r.provider.found}/${r.provider.labels})   bar ≥ 90%`);
  out.push(`other credentials: recall ${pct(r.credential.recall)} (${r.credential.found}/${r.credential.labels})`);
  out.push(
    r.encodedWired
      ? `encoded secrets:   recall ${pct(r.encoded.recall)} (${r.encoded.found}/${r.encoded.labels})`
      : "encoded secrets:   not measured (the encoded-secrets detector is not wired into the pipeline)",
  );
  out.push(`look-alikes:       flagged ${pct(r.negatives.rate)} (${r.negatives.flagged}/${r.negatives.labels})   bar ≤ 5%`);
  out.push(`overall precision: ${pct(r.overall.precision)} (${r.overall.correct}/${r.overall.findings} findings)`);
  if (verbose || r.misses.length + r.falsePositives.length <= 40) {
    for (const m of r.misses) {
      out.push(
        `MISS ${m.label.kind} ${m.label.file}:${m.label.line} [${m.label.families.join(",")}] ${m.label.origin}${m.foundInstead.length ? ` (found as ${m.foundInstead.join(",")})` : ""}`,
      );
    }
    for (const f of r.falsePositives) {
      out.push(`FP   ${f.where} ${f.finding.path}:${f.finding.startLine} ${f.finding.ruleId}${f.origin ? ` (${f.origin})` : ""}`);
    }
    for (const w of r.wrongFamily) {
      out.push(`ALSO ${w.finding.path}:${w.finding.startLine} ${w.finding.ruleId} on a [${w.expected.join(",")}] label`);
    }
  }
  return out.join("\n");
}
