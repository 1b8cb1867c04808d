/**
 * The one data flow, in the order it runs:
 *
 *   source → fragments → detectors → findings → filters → result
 *
 * 1. The source yields fragments and reports what it skipped.
 * 2. Detectors (the pattern engine; the config linter when config rules are
 *    active) return raw findings with file positions.
 * 3. Raw findings become Findings: secret hash, content fingerprint, severity
 *    and mode from the (layered) rule.
 * 4. The test-data policy (filters/test-data.ts): context-only findings in
 *    test and documentation places become warnings, or are suppressed when
 *    they are test vectors (word-like passwords, URLs to hosts that cannot exist).
 * 5. Filters run in order — config allowlist → inline allow → baseline (and any
 *    the caller adds) — marking suppressions; nothing is dropped.
 * 6. Reporters (not here) render the result.
 */
import type { ResolvedConfig } from "./config/config-types.js";
import type { Detector, RawFinding } from "./detectors/detector.js";
import { PatternEngine } from "./detectors/pattern-engine.js";
import { ConfigAllowlistFilter } from "./filters/config-allowlist.js";
import type { FindingFilter } from "./filters/filter.js";
import { InlineAllowFilter } from "./filters/inline-allow.js";
import { testDataDecision } from "./filters/test-data.js";
import type { LoadedRule, SecretRuleSpec } from "./packs/pack-types.js";
import { type RuleSet, severityBlocks } from "./packs/rule-set.js";
import { withConfigSettingsBlanked } from "./sources/gitward-config-text.js";
import type { SourceContext, TextSource } from "./sources/source.js";
import type { Finding, Fragment, ScanResult, ScanWarning, SkipNotice, Tracer } from "./types.js";
import { nowMs } from "./util/clock.js";
import { displayPath } from "./util/display-path.js";
import { fingerprint, sha256 } from "./util/hash.js";

export interface PipelineOptions {
  source: TextSource;
  ruleSet: RuleSet;
  config: ResolvedConfig;
  /** Filters after the config allowlist and inline allows (e.g. the baseline). */
  extraFilters?: FindingFilter[];
  /** Replace the default filters entirely (tests). */
  filters?: FindingFilter[];
  strict?: boolean;
  trace?: Tracer;
  /** Called for each fragment after it is scanned (progress reporting). */
  onFragment?: (fragment: Fragment) => void;
}

/**
 * Detectors for a rule set: the pattern engine and, over the same secret rules
 * (sharing the engine), the encoded-secrets detector, which decodes base64/hex/
 * URL-encoded runs and rescans them; the config linter only when config rules
 * are active. Both optional detectors are imported on demand (their own
 * chunks in the CLI bundle).
 */
export async function createDetectors(ruleSet: RuleSet): Promise<Detector[]> {
  const detectors: Detector[] = [];
  if (ruleSet.secretRules.length > 0) {
    // Rules turned off in the config still own their matches: fallbacks may not report them.
    const offRules = ruleSet.all.filter((r) => r.mode === "off" && r.spec.kind !== "config") as LoadedRule<SecretRuleSpec>[];
    const engine = new PatternEngine(ruleSet.secretRules, { offRules });
    detectors.push(engine);
    const { createEncodedSecretsDetector } = await import("./detectors/encoded-secrets.js");
    detectors.push(createEncodedSecretsDetector(ruleSet.secretRules, {}, engine));
  }
  if (ruleSet.configRules.length > 0) {
    const { createConfigDetector } = await import("./detectors/config/index.js");
    detectors.push(createConfigDetector(ruleSet.configRules));
  }
  return detectors;
}

export function defaultFilters(config: ResolvedConfig, strict = false, ruleSet?: RuleSet): FindingFilter[] {
  const filters: FindingFilter[] = [];
  const a = config.allowlist;
  if (a.paths.length || a.regexes.length || a.stopwords.length) {
    filters.push(new ConfigAllowlistFilter(a, config.file ? displayPath(config.file) : "config"));
  }
  filters.push(
    new InlineAllowFilter({
      strict,
      reportUnused: config.reportUnusedAllows === true,
      ...(ruleSet ? { knownRules: ruleSet.byId } : {}),
    }),
  );
  return filters;
}

export function toFinding(raw: RawFinding, rule: LoadedRule, fragment: Fragment, failOn: ResolvedConfig["failOn"]): Finding {
  const secretHash = sha256(raw.secret);
  const kind = rule.spec.kind === "config" ? "config" : "secret";
  const mode = rule.mode === "warn" || !severityBlocks(rule.severity, failOn) ? "warn" : "block";
  return {
    ruleId: raw.ruleId,
    kind,
    severity: rule.severity,
    mode,
    message: raw.message ?? rule.spec.description,
    path: fragment.path,
    startLine: raw.startLine,
    startColumn: raw.startColumn,
    endLine: raw.endLine,
    endColumn: raw.endColumn,
    secret: raw.secret,
    sensitive: kind === "secret" || raw.sensitive === true,
    secretHash,
    fingerprint: fingerprint(raw.ruleId, fragment.path, secretHash),
    lineText: raw.lineText,
    provenance: { pack: rule.pack, version: rule.packVersion, file: rule.file },
    ...(raw.entropy !== undefined ? { entropy: raw.entropy } : {}),
    ...(fragment.commit ? { commit: fragment.commit } : {}),
  };
}

/** The file line before `line`, from the fragment if it holds it, else from the whole document. */
function previousLineOf(fragment: Fragment, line: number): () => Promise<string | undefined> {
  return async () => {
    if (line <= 1) return undefined;
    const lines = fragment.text.split("\n");
    if (fragment.lineNumbers) {
      const i = fragment.lineNumbers.indexOf(line - 1);
      if (i !== -1) return lines[i]?.replace(/\r$/, "");
      const doc = await fragment.loadDocument?.();
      return doc?.split("\n")[line - 2]?.replace(/\r$/, "");
    }
    return lines[line - 1 - fragment.startLine]?.replace(/\r$/, "");
  };
}

/**
 * The findings of a fragment that are its commit's own: a finding whose lines
 * in the fragment are all inherited (Fragment.inheritedLines) came from
 * elsewhere and is dropped. A finding with no line in the fragment is kept:
 * nothing says it is inherited.
 */
async function notInherited<T extends { raw: RawFinding }>(
  raws: T[],
  fragment: Fragment,
  inheritedLines: () => Promise<ReadonlySet<string>>,
): Promise<T[]> {
  const inherited = await inheritedLines();
  if (inherited.size === 0) return raws;
  const lines = fragment.text.split("\n");
  const textOf = (n: number): string | undefined =>
    fragment.lineNumbers ? lines[fragment.lineNumbers.indexOf(n)] : lines[n - fragment.startLine];
  return raws.filter(({ raw }) => {
    let seen = false;
    for (let n = raw.startLine; n <= raw.endLine; n++) {
      const text = textOf(n);
      if (text === undefined) continue;
      seen = true;
      if (!inherited.has(text)) return true;
    }
    return !seen;
  });
}

export async function runPipeline(options: PipelineOptions): Promise<ScanResult> {
  const started = nowMs();
  const { source, ruleSet, config, trace } = options;
  const detectors = await createDetectors(ruleSet);
  const filters = options.filters ?? [...defaultFilters(config, options.strict, ruleSet), ...(options.extraFilters ?? [])];
  const findings: Finding[] = [];
  const skipped: SkipNotice[] = [];
  const warnings: ScanWarning[] = [];
  const stats = { files: 0, bytes: 0, lines: 0, fragments: 0, commits: 0, durationMs: 0 };
  const ctx: SourceContext = {
    skip: (n) => skipped.push(n),
    warn: (w) => warnings.push(w),
    countFile: (bytes, lines) => {
      stats.files++;
      stats.bytes += bytes;
      stats.lines += lines;
    },
    countCommit: () => {
      stats.commits++;
    },
  };

  for await (const read of source.fragments(ctx)) {
    stats.fragments++;
    const fragment = await withConfigSettingsBlanked(read);
    for (const filter of filters) filter.observe?.(fragment);
    const raws: { raw: RawFinding; rule: LoadedRule }[] = [];
    for (const detector of detectors) {
      const out = await detector.detect(fragment, trace);
      warnings.push(...out.warnings);
      if (out.skipped) skipped.push(...out.skipped);
      for (const raw of out.findings) {
        const rule = ruleSet.byId.get(raw.ruleId);
        if (!rule) throw new Error(`detector ${detector.name} reported unknown rule ${raw.ruleId}`);
        raws.push({ raw, rule });
      }
    }
    const own = fragment.inheritedLines && raws.length > 0 ? await notInherited(raws, read, fragment.inheritedLines) : raws;
    for (const { raw, rule } of dedupeIdentical(own, trace, fragment.path)) {
      const finding = toFinding(raw, rule, fragment, config.failOn);
      const testData = testDataDecision(finding, rule);
      if (testData?.mode) finding.mode = testData.mode;
      if (testData?.note) finding.notes = [...(finding.notes ?? []), testData.note];
      if (testData?.suppression) {
        finding.suppressions = [testData.suppression];
        trace?.({
          ruleId: finding.ruleId,
          path: finding.path,
          line: finding.startLine,
          stage: "allowlist",
          reason: testData.suppression.justification,
        });
        findings.push(finding);
        continue;
      }
      const input = { finding, fragment, previousLine: previousLineOf(fragment, finding.startLine) };
      for (const filter of filters) {
        const suppression = await filter.check(input);
        if (suppression) {
          finding.suppressions = [...(finding.suppressions ?? []), suppression];
          trace?.({
            ruleId: finding.ruleId,
            path: finding.path,
            line: finding.startLine,
            stage: "allowlist",
            reason: `${filter.name}: ${suppression.justification}`,
          });
          break;
        }
      }
      findings.push(finding);
    }
    options.onFragment?.(fragment);
  }
  for (const filter of filters) warnings.push(...(filter.finish?.() ?? []));
  const { commits, ...rest } = stats;
  return {
    findings: sortFindings(findings),
    stats: {
      ...rest,
      ...(commits > 0 ? { commits } : {}),
      durationMs: nowMs() - started,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    skipped,
    warnings,
  };
}

/**
 * Identical secret findings (same span, same secret) from several rules are one
 * leak: reported once, by the most specific rule: a rule that is not a
 * fallback, else one not tagged `generic` (the key-name rules), else one that
 * needed a companion pattern (`requires`), else the first in pack order. E.g.
 * the generic `generic-token-unquoted` and the registry-specific fallback
 * `npmrc-auth-token` on an `_authToken=` line; `aws-secret-access-key` and
 * `yandex-cloud-static-access-key` (which requires its YCAJ key id) on an
 * `aws_secret_access_key = YC...` line. Config findings are never merged (their
 * evidence is not a secret).
 */
export function dedupeIdentical<T extends { raw: RawFinding; rule: LoadedRule }>(items: T[], trace?: Tracer, path = ""): T[] {
  if (items.length < 2) return items;
  const rank = (rule: LoadedRule) => {
    const spec = rule.spec as { fallback?: boolean; tags?: string[]; requires?: unknown };
    return (spec.fallback === true ? 4 : 0) + (spec.tags?.includes("generic") ? 2 : 0) + (spec.requires ? 0 : 1);
  };
  const best = new Map<string, T>();
  const keyOf = (r: RawFinding) => `${r.startLine}:${r.startColumn}:${r.endLine}:${r.endColumn}\0${r.secret}`;
  for (const item of items) {
    if (item.rule.spec.kind === "config") continue;
    const key = keyOf(item.raw);
    const kept = best.get(key);
    if (!kept || rank(item.rule) < rank(kept.rule)) best.set(key, item);
  }
  return items.filter((item) => {
    if (item.rule.spec.kind === "config") return true;
    const keep = best.get(keyOf(item.raw)) === item;
    if (!keep)
      trace?.({
        ruleId: item.raw.ruleId,
        path,
        line: item.raw.startLine,
        stage: "overlap",
        reason: `the same secret at the same place is reported by ${best.get(keyOf(item.raw))?.raw.ruleId}`,
      });
    return keep;
  });
}

/** Stable output order: path, line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.startLine - b.startLine ||
      a.startColumn - b.startColumn ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

/** Findings that count: not suppressed (or suppressed by an expired waiver). */
export function activeFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressions || f.suppressions.every((s) => s.expired));
}

/** Exit decision: does anything block? */
export function hasBlocking(findings: Finding[]): boolean {
  return activeFindings(findings).some((f) => f.mode === "block");
}
