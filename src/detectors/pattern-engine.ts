/**
 * The pattern engine: runs secret rules over fragments in a fixed order
 *
 *   path globs → keyword prefilter → regex → secret group → entropy
 *   → validator → rule allowlist → required companion pattern → overlap
 *
 * Each stage can drop a candidate; with a tracer attached (`--debug`) every
 * drop is reported with its stage and reason.
 */
import micromatch from "micromatch";
import type { LoadedRule, SecretRuleSpec } from "../packs/pack-types.js";
import type { Fragment, ScanWarning, SkipNotice, Tracer } from "../types.js";
import type { Detector, DetectorOutput, RawFinding } from "./detector.js";
import { passesEntropy } from "./entropy.js";
import { KeywordAutomaton } from "./keyword-automaton.js";
import { LineIndex } from "./line-index.js";
import { budgetFromEnv, RegexBudget } from "./regex-budget.js";
import { getValidator, type Validator } from "./validators.js";

interface CompiledRule {
  id: string;
  spec: SecretRuleSpec;
  regex: RegExp;
  secretGroup: number;
  entropy: number | undefined;
  validator: Validator | undefined;
  pathMatcher: ((path: string) => boolean) | undefined;
  allowRegexes: RegExp[];
  allowTarget: "secret" | "match" | "line";
  stopwords: string[];
  requires: { regex: RegExp; within: number } | undefined;
  fallback: boolean;
}

/** A secret must be at least this long to be reported; shorter groups are noise (or empty). */
const MIN_SECRET_LENGTH = 1;

/**
 * Path filter of a rule, compiled on first use: glob compilation is a
 * measurable part of a pre-commit hook's start-up, and most rules never see a
 * fragment that contains their keywords.
 */
function compilePathMatcher(spec: SecretRuleSpec): ((path: string) => boolean) | undefined {
  const include = (spec.paths ?? []).filter((g) => !g.startsWith("!"));
  const exclude = [
    ...(spec.paths ?? []).filter((g) => g.startsWith("!")).map((g) => g.slice(1)),
    ...(spec.allowlist?.paths ?? []),
  ];
  if (include.length === 0 && exclude.length === 0) return undefined;
  let compiled: ((path: string) => boolean) | undefined;
  return (path) => {
    compiled ??= compileGlobs(include, exclude);
    return compiled(path);
  };
}

function compileGlobs(include: string[], exclude: string[]): (path: string) => boolean {
  const opts = { dot: true, nocase: true };
  const inc = include.length
    ? micromatch.matcher(include.length === 1 ? (include[0] as string) : `{${include.join(",")}}`, opts)
    : undefined;
  const exc = exclude.length
    ? micromatch.matcher(exclude.length === 1 ? (exclude[0] as string) : `{${exclude.join(",")}}`, opts)
    : undefined;
  return (path) => (inc ? inc(path) : true) && !(exc?.(path) ?? false);
}

function compileRule(rule: LoadedRule<SecretRuleSpec>): CompiledRule {
  const spec = rule.spec;
  // "d" gives group offsets, so a secret group's column is exact.
  const regex = new RegExp(spec.regex, `gd${spec.flags ?? ""}`);
  const validator = spec.validate ? getValidator(spec.validate) : undefined;
  if (spec.validate && !validator) throw new Error(`${rule.file}: ${spec.id}: validate: unknown validator "${spec.validate}"`);
  return {
    id: spec.id,
    spec,
    regex,
    // -1: "group 1 if the regex has groups, else the whole match", settled on the first match
    // (counting groups up front would compile every regex at start-up).
    secretGroup: spec.secretGroup ?? -1,
    entropy: spec.entropy,
    validator,
    pathMatcher: compilePathMatcher(spec),
    allowRegexes: (spec.allowlist?.regexes ?? []).map((r) => new RegExp(r)),
    allowTarget: spec.allowlist?.regexTarget ?? "secret",
    stopwords: (spec.allowlist?.stopwords ?? []).map((s) => s.toLowerCase()),
    requires: spec.requires ? { regex: new RegExp(spec.requires.regex), within: spec.requires.withinLines ?? 5 } : undefined,
    fallback: spec.fallback === true,
  };
}

export class PatternEngine implements Detector {
  readonly name = "pattern-engine";
  private readonly rules: CompiledRule[];
  private readonly automaton: KeywordAutomaton;
  /** keyword id → indices of rules that list it. */
  private readonly keywordRules: number[][];
  /** Rules with no keywords run on every fragment (the linter warns about them). */
  private readonly alwaysRun: number[];
  private readonly found: Uint8Array;
  /** Per-rule, per-fragment regex time budget (see regex-budget.ts). */
  private readonly budget: RegexBudget;

  constructor(rules: readonly LoadedRule<SecretRuleSpec>[], options: { budget?: RegexBudget } = {}) {
    this.rules = rules.map(compileRule);
    this.budget = options.budget ?? new RegexBudget(budgetFromEnv());
    const keywordIds = new Map<string, number>();
    const keywordRules: number[][] = [];
    this.alwaysRun = [];
    this.rules.forEach((rule, index) => {
      const keywords = rule.spec.keywords ?? [];
      if (keywords.length === 0) this.alwaysRun.push(index);
      for (const raw of keywords) {
        const keyword = raw.toLowerCase();
        let id = keywordIds.get(keyword);
        if (id === undefined) {
          id = keywordIds.size;
          keywordIds.set(keyword, id);
          keywordRules.push([]);
        }
        keywordRules[id]?.push(index);
      }
    });
    this.automaton = new KeywordAutomaton([...keywordIds.keys()]);
    this.keywordRules = keywordRules;
    this.found = new Uint8Array(keywordIds.size);
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Indices of the rules whose keywords occur in `text` (plus keyword-less rules), ascending. */
  private candidateRules(text: string): number[] {
    const found = this.found;
    found.fill(0);
    const hits = this.automaton.scan(text, found);
    if (hits === 0) return this.alwaysRun;
    const selected = new Uint8Array(this.rules.length);
    for (const i of this.alwaysRun) selected[i] = 1;
    for (let k = 0; k < found.length; k++) {
      if (found[k] === 1) for (const r of this.keywordRules[k] as number[]) selected[r] = 1;
    }
    const out: number[] = [];
    for (let i = 0; i < selected.length; i++) if (selected[i] === 1) out.push(i);
    return out;
  }

  detect(fragment: Fragment, trace?: Tracer): DetectorOutput {
    const text = fragment.text;
    const findings: RawFinding[] = [];
    if (text.length === 0) return { findings, warnings: [] };
    const candidates = this.candidateRules(text);
    if (trace) {
      const ran = new Set(candidates);
      this.rules.forEach((r, i) => {
        if (!ran.has(i)) trace({ ruleId: r.id, path: fragment.path, stage: "keyword", reason: "no keyword occurs" });
      });
    }
    let index: LineIndex | undefined;
    const warnings: ScanWarning[] = [];
    const skipped: SkipNotice[] = [];
    const limit = this.budget.limitFor(text.length);
    for (const ruleIndex of candidates) {
      const rule = this.rules[ruleIndex] as CompiledRule;
      if (rule.pathMatcher && !rule.pathMatcher(fragment.path)) {
        trace?.({ ruleId: rule.id, path: fragment.path, stage: "path", reason: "path not in the rule's paths" });
        continue;
      }
      if (this.budget.isDisabled(rule.id)) {
        trace?.({ ruleId: rule.id, path: fragment.path, stage: "budget", reason: "disabled: exceeded its time budget" });
        const notice = this.budget.notScanned(rule.id, fragment.path);
        if (notice) skipped.push(notice);
        continue;
      }
      const regex = rule.regex;
      regex.lastIndex = 0;
      const started = performance.now();
      let elapsed = 0;
      let stopped = false;
      for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
        elapsed = performance.now() - started;
        if (elapsed > limit) {
          stopped = true;
          break;
        }
        if (m[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        index ??= new LineIndex(text, fragment);
        const finding = this.examine(rule, m, fragment, index, trace);
        if (finding) findings.push(finding);
      }
      if (!stopped) elapsed = performance.now() - started;
      if (elapsed > limit) {
        warnings.push(this.budget.disable(rule.id, fragment.path, elapsed, limit, !stopped));
        trace?.({ ruleId: rule.id, path: fragment.path, stage: "budget", reason: `exceeded ${Math.round(limit)} ms` });
        if (stopped) {
          const notice = this.budget.notScanned(rule.id, fragment.path);
          if (notice) skipped.push(notice);
        }
      }
    }
    return {
      findings: dropOverlappedFallbacks(findings, this.rules, trace, fragment.path),
      warnings,
      ...(skipped.length > 0 ? { skipped } : {}),
    };
  }

  /** Runs the post-regex stages on one match; returns the finding or undefined (traced). */
  private examine(
    rule: CompiledRule,
    m: RegExpExecArray,
    fragment: Fragment,
    index: LineIndex,
    trace: Tracer | undefined,
  ): RawFinding | undefined {
    const drop = (stage: Parameters<Tracer>[0]["stage"], reason: string, line?: number) => {
      trace?.({ ruleId: rule.id, path: fragment.path, ...(line ? { line } : {}), stage, reason });
      return undefined;
    };
    if (rule.secretGroup === -1) rule.secretGroup = m.length > 1 ? 1 : 0;
    const secret = m[rule.secretGroup];
    const span = m.indices?.[rule.secretGroup];
    if (secret === undefined || span === undefined || secret.length < MIN_SECRET_LENGTH) {
      return drop("secret-group", `group ${rule.secretGroup} did not participate`);
    }
    const start = index.position(span[0]);
    const end = index.position(span[1]);
    const lineText = index.lineText(start.textLine);
    let entropy: number | undefined;
    if (rule.entropy !== undefined) {
      const result = passesEntropy(rule.entropy, secret);
      entropy = result.entropy;
      if (!result.ok) return drop("entropy", `entropy ${result.entropy.toFixed(2)} below ${rule.entropy}`, start.line);
    }
    if (rule.validator && !rule.validator(secret)) return drop("validator", `fails ${rule.spec.validate}`, start.line);
    if (rule.stopwords.length > 0) {
      const lower = secret.toLowerCase();
      const word = rule.stopwords.find((s) => lower.includes(s));
      if (word) return drop("allowlist", `stopword "${word}"`, start.line);
    }
    if (rule.allowRegexes.length > 0) {
      const target = rule.allowTarget === "secret" ? secret : rule.allowTarget === "match" ? m[0] : lineText;
      const allow = rule.allowRegexes.find((r) => r.test(target));
      if (allow) return drop("allowlist", `allowlist regex /${allow.source}/`, start.line);
    }
    if (rule.requires) {
      const { regex, within } = rule.requires;
      const around = index.window(start.textLine - within, end.textLine + within);
      if (!regex.test(around)) return drop("requires", `no /${regex.source}/ within ${within} lines`, start.line);
    }
    return {
      ruleId: rule.id,
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
      secret,
      sensitive: true,
      lineText,
      ...(entropy !== undefined ? { entropy } : {}),
    };
  }
}

/** Fallback (generic) findings yield to specific rules that matched an overlapping span. */
function dropOverlappedFallbacks(
  findings: RawFinding[],
  rules: CompiledRule[],
  trace: Tracer | undefined,
  path: string,
): RawFinding[] {
  if (findings.length < 2) return findings;
  const fallbackIds = new Set(rules.filter((r) => r.fallback).map((r) => r.id));
  const specific = findings.filter((f) => !fallbackIds.has(f.ruleId));
  if (specific.length === 0 || specific.length === findings.length) return dedupeSameSpan(findings);
  const kept = findings.filter((f) => {
    if (!fallbackIds.has(f.ruleId)) return true;
    const overlapped = specific.some((s) => overlaps(s, f) || s.secret.includes(f.secret) || f.secret.includes(s.secret));
    if (overlapped)
      trace?.({ ruleId: f.ruleId, path, line: f.startLine, stage: "overlap", reason: "a specific rule matched the same secret" });
    return !overlapped;
  });
  return dedupeSameSpan(kept);
}

function overlaps(a: RawFinding, b: RawFinding): boolean {
  const aStart = a.startLine * 1e6 + a.startColumn;
  const aEnd = a.endLine * 1e6 + a.endColumn;
  const bStart = b.startLine * 1e6 + b.startColumn;
  const bEnd = b.endLine * 1e6 + b.endColumn;
  return aStart < bEnd && bStart < aEnd;
}

/** Two fallback rules on the very same span: keep the first (rule order is pack order). */
function dedupeSameSpan(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}|${f.startLine}|${f.startColumn}|${f.endLine}|${f.endColumn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
