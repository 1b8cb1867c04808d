/**
 * The pattern engine: runs secret rules over fragments in a fixed order
 *
 *   path globs → keyword prefilter → regex → secret group → entropy
 *   → validator → context (key-named and keyword-anchored rules) → rule allowlist
 *   → required companion pattern → overlap
 *
 * Each stage can drop a candidate; with a tracer attached (`--debug`) every
 * drop is reported with its stage and reason.
 *
 * In large fragments a rule whose scan scope is "lines" (detectors/scan-scope.ts)
 * runs only over the lines around its keywords' hits, not the whole fragment.
 */
import type { LoadedRule, SecretRuleSpec } from "../packs/pack-types.js";
import { ruleScope } from "../packs/rule-set.js";
import type { Fragment, ScanWarning, SkipNotice, Tracer } from "../types.js";
import { nowMs } from "../util/clock.js";
import { globsMatcher } from "../util/glob-regex.js";
import { contextNoiseReason, keyOf, providerContextNoiseReason } from "./context-noise.js";
import type { Detector, DetectorOutput, RawFinding } from "./detector.js";
import { passesEntropy } from "./entropy.js";
import { KeywordAutomaton, KeywordHits } from "./keyword-automaton.js";
import { LineIndex } from "./line-index.js";
import { budgetFromEnv, RegexBudget } from "./regex-budget.js";
import { builtinServiceNamesLoaded, isUuid, keyNoiseReason, serviceNamed, tokenShapeReason } from "./service-context.js";
import { getValidator, type Validator } from "./validators.js";

/**
 * Key-named rules (fallbacks, the generic and service-context packs) pass the context stage: their
 * value is judged with its key and line (context-noise.ts, service-context.ts).
 */
export function isContextJudged(spec: SecretRuleSpec): boolean {
  return spec.fallback === true || spec.tags?.some((t) => t === "generic" || t === "service-context") === true;
}

/**
 * Keyword-anchored provider rules (tag `context`: a setting next to the provider's name, no prefix)
 * pass a lighter context stage: a key naming another kind of value (`ACME_CSRF_TOKEN`), typed
 * patterns and camelCase names are dropped (context-noise.ts, providerContextNoiseReason).
 */
export function isProviderContext(spec: SecretRuleSpec): boolean {
  return spec.tags?.includes("context") === true;
}

/**
 * Marks a rule spec whose context stage is switched off: `packs lint` does this to prove that the
 * stage rejects some negative example on its own, as it does for entropy or a validator. A symbol,
 * so no pack file can set it.
 */
export const WITHOUT_CONTEXT_STAGE: unique symbol = Symbol("gitward.withoutContextStage");

function withoutContext(spec: SecretRuleSpec): boolean {
  return (spec as { [WITHOUT_CONTEXT_STAGE]?: boolean })[WITHOUT_CONTEXT_STAGE] === true;
}

interface CompiledRule {
  id: string;
  spec: SecretRuleSpec;
  readonly regex: RegExp;
  secretGroup: number;
  entropy: number | undefined;
  validator: Validator | undefined;
  pathMatcher: ((path: string) => boolean) | undefined;
  readonly allowRegexes: RegExp[];
  allowTarget: "secret" | "match" | "line";
  stopwords: string[];
  readonly requires: { regex: RegExp; within: number } | undefined;
  fallback: boolean;
  /** Key-named rules (generic, service-context, fallbacks): the value is judged with its key (context-noise.ts). */
  contextJudged: boolean;
  /** Keyword-anchored provider rules (tag `context`): the key and value get the lighter judgement. */
  providerContext: boolean;
  /** Service-context rules (service-context.ts): "key" judges the key; "call" needs a service named nearby. */
  serviceContext: "key" | "call" | undefined;
  /** Lines either side of a keyword hit that can hold a match; -1: run over the whole fragment. */
  contextLines: number;
  /** Bounded match length and lookaround reach, for character windows on long lines. */
  span: { length: number; behind: number; ahead: number } | undefined;
  /** Does every match contain a keyword (else the keyword is a companion's, found nearby)? */
  keywordInMatch: boolean;
  /** Ids of the rule's keywords in the automaton. */
  keywordIds: readonly number[];
}

/**
 * Fragments shorter than this are scanned whole by every candidate rule:
 * windows only pay off when they skip a lot of text.
 */
/** The rules of a keyword no rule of this engine lists (the prebuilt automaton knows more). */
const NO_RULES: readonly number[] = [];
/** The keyword ids of a rule without keywords (it runs on every fragment). */
const NO_KEYWORDS: readonly number[] = [];

/**
 * A rule spec from the built-in pack cache knows its keywords' ids in the
 * prebuilt keyword automaton (see CachedSecretRule in packs/builtin-packs.ts).
 */
interface KeywordIdsHint {
  prebuiltKeywordIds?(stamp: string): readonly number[] | undefined;
}

const WINDOW_MIN_TEXT = 4096;
/** Lines longer than this (minified code) get character windows where a rule allows them. */
const LONG_LINE = 1024;
/**
 * On a long line, how far from a companion's keyword a match may start or end
 * (rules whose keyword is context, e.g. an access key id near its secret).
 */
export const NEAR_CHARS = 2048;
/** When a rule's windows would cover more than this share of the text, scan it whole. */
const WINDOW_MAX_SHARE = 0.5;

/** Characters before a value searched for its key (context-noise.ts, service-context.ts). */
const KEY_REACH = 200;
/** Characters of each line searched for a service name. */
const SERVICE_REACH = 400;

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
  // A history scan asks about the same few paths in thousands of commits: remember the answers.
  const memo = new Map<string, boolean>();
  return (path) => {
    let answer = memo.get(path);
    if (answer === undefined) {
      compiled ??= compileGlobs(include, exclude);
      answer = compiled(path);
      if (memo.size >= PATH_MEMO_SIZE) memo.clear();
      memo.set(path, answer);
    }
    return answer;
  };
}

const PATH_MEMO_SIZE = 4096;

function compileGlobs(include: string[], exclude: string[]): (path: string) => boolean {
  // Each glob on its own (not joined into "{a,b}"), so "**/.npmrc" also matches a root ".npmrc".
  const opts = { dot: true, nocase: true };
  const inc = include.length ? globsMatcher(include, opts) : undefined;
  const exc = exclude.length ? globsMatcher(exclude, opts) : undefined;
  return (path) => (inc ? inc(path) : true) && !(exc?.(path) ?? false);
}

function compileRule(rule: LoadedRule<SecretRuleSpec>, keywordIds: readonly number[]): CompiledRule {
  const spec = rule.spec;
  const scope = ruleScope(rule);
  // RegExps are compiled on first use: a hook run compiles the few rules whose keywords occur,
  // not all of them (loading validated every pattern already).
  let regex: RegExp | undefined;
  let allowRegexes: RegExp[] | undefined;
  let requires: { regex: RegExp; within: number } | undefined;
  const validator = spec.validate ? getValidator(spec.validate) : undefined;
  if (spec.validate && !validator) throw new Error(`${rule.file}: ${spec.id}: validate: unknown validator "${spec.validate}"`);
  return {
    id: spec.id,
    spec,
    get regex() {
      // "d" gives group offsets, so a secret group's column is exact.
      regex ??= new RegExp(spec.regex, `gd${spec.flags ?? ""}`);
      return regex;
    },
    // -1: "group 1 if the regex has groups, else the whole match", settled on the first match
    // (counting groups up front would compile every regex at start-up).
    secretGroup: spec.secretGroup ?? -1,
    entropy: spec.entropy,
    validator,
    pathMatcher: compilePathMatcher(spec),
    get allowRegexes() {
      allowRegexes ??= (spec.allowlist?.regexes ?? []).map((r) => new RegExp(r));
      return allowRegexes;
    },
    allowTarget: spec.allowlist?.regexTarget ?? "secret",
    stopwords: (spec.allowlist?.stopwords ?? []).map((s) => s.toLowerCase()),
    get requires() {
      if (spec.requires) requires ??= { regex: new RegExp(spec.requires.regex), within: spec.requires.withinLines ?? 5 };
      return requires;
    },
    fallback: spec.fallback === true,
    serviceContext:
      spec.tags?.includes("service-context") && !withoutContext(spec)
        ? spec.tags.includes("needs-service")
          ? "call"
          : "key"
        : undefined,
    contextJudged: isContextJudged(spec) && !withoutContext(spec),
    providerContext: isProviderContext(spec) && !isContextJudged(spec) && !withoutContext(spec),
    contextLines: scope?.mode === "lines" ? scope.context : -1,
    span: scope?.mode === "lines" ? scope.span : undefined,
    keywordInMatch: scope?.mode === "lines" ? scope.keywordInMatch : false,
    keywordIds,
  };
}

export class PatternEngine implements Detector {
  readonly name = "pattern-engine";
  private readonly specs: readonly LoadedRule<SecretRuleSpec>[];
  /** Compiled on first use: a hook run meets a few rules, not all 400 (each costs closures and globs). */
  private readonly rules: (CompiledRule | undefined)[];
  private readonly ruleKeywordIds: (readonly number[])[];
  private readonly fallbackIds: Set<string>;
  private readonly automaton: KeywordAutomaton;
  /** keyword id → indices of rules that list it. */
  private readonly keywordRules: (number[] | undefined)[];
  /** Rules with no keywords run on every fragment (the linter warns about them). */
  private readonly alwaysRun: number[];
  /** Per keyword id: found in the current fragment (reset after each one). */
  private readonly found: Uint8Array;
  /** The keyword ids found in the current fragment, in order of discovery. */
  private readonly foundList: number[] = [];
  /** Per rule: already selected for the current fragment (reset after each one). */
  private readonly selected: Uint8Array;
  private readonly hits: KeywordHits;
  /** Per-rule, per-fragment regex time budget (see regex-budget.ts). */
  private readonly budget: RegexBudget;
  /** Rules the user turned off: a fallback may not report what one of them matches (see `offClaims`). */
  private readonly offRules: readonly LoadedRule<SecretRuleSpec>[];
  /** Built on the first fragment with a fallback finding to check. */
  private offEngine: PatternEngine | undefined;
  /**
   * Time the current rule spent loading data once (the service names), not matching: taken off
   * its regex time budget, or the first service-context candidate of a run could disable the rule.
   */
  private loadMs = 0;

  /**
   * `offRules`: secret rules whose mode is "off". They never report, but a value one of them
   * matches belongs to that rule, so a fallback (generic) rule does not report it either: turning
   * `aws-access-key-id` off must not bring the same key back as `service-credential-assignment`.
   */
  constructor(
    rules: readonly LoadedRule<SecretRuleSpec>[],
    options: { budget?: RegexBudget; offRules?: readonly LoadedRule<SecretRuleSpec>[] } = {},
  ) {
    this.budget = options.budget ?? new RegexBudget(budgetFromEnv());
    this.offRules = (options.offRules ?? []).filter((r) => r.spec.fallback !== true);
    // Plain loops: this runs on every hook's start-up, over ~1,300 rules and ~2,700 keywords, in code
    // that runs cold. The built-in rules come from the pack cache with their keywords' ids in the
    // prebuilt automaton (CachedSecretRule.prebuiltKeywordIds); only the others' keywords are looked up.
    const stamp = KeywordAutomaton.prebuilt()?.stamp;
    const own: (readonly number[] | undefined)[] = new Array(rules.length);
    const pending: number[] = [];
    const pendingKeywords: string[] = [];
    for (let i = 0; i < rules.length; i++) {
      const spec = (rules[i] as LoadedRule<SecretRuleSpec>).spec as SecretRuleSpec & KeywordIdsHint;
      const ids = stamp === undefined ? undefined : spec.prebuiltKeywordIds?.(stamp);
      if (ids) {
        own[i] = ids;
        continue;
      }
      const ks = spec.keywords;
      if (!ks || ks.length === 0) continue;
      pending.push(i);
      for (let j = 0; j < ks.length; j++) pendingKeywords.push(ks[j] as string);
    }
    // The prebuilt automaton (extended with the keywords it lacks, if any): its ids are the ones above.
    const { automaton, ids } = KeywordAutomaton.forKeywords(pendingKeywords);
    for (let p = 0, at = 0; p < pending.length; p++) {
      const i = pending[p] as number;
      const n = ((rules[i] as LoadedRule<SecretRuleSpec>).spec.keywords as string[]).length;
      const list: number[] = [];
      for (let j = 0; j < n; j++) {
        const id = ids[at + j] as number;
        if (!list.includes(id)) list.push(id);
      }
      own[i] = list;
      at += n;
    }
    // Sparse: only the keywords these rules use get a list.
    const keywordRules: (number[] | undefined)[] = new Array(automaton.size);
    this.alwaysRun = [];
    this.specs = rules;
    this.ruleKeywordIds = new Array(rules.length);
    const fallbackIds = new Set<string>();
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index] as LoadedRule<SecretRuleSpec>;
      const spec = rule.spec;
      // Checked here, not when the rule first runs: a pack naming an unknown validator fails at load.
      const validate = spec.validate;
      if (validate && !getValidator(validate))
        throw new Error(`${rule.file}: ${spec.id}: validate: unknown validator "${validate}"`);
      if (spec.fallback === true) fallbackIds.add(spec.id);
      const mine = own[index] ?? NO_KEYWORDS;
      for (let j = 0; j < mine.length; j++) {
        const id = mine[j] as number;
        const list = keywordRules[id];
        if (list) list.push(index);
        else keywordRules[id] = [index];
      }
      if (mine.length === 0) this.alwaysRun.push(index);
      this.ruleKeywordIds[index] = mine;
    }
    this.rules = new Array(rules.length);
    this.fallbackIds = fallbackIds;
    this.automaton = automaton;
    this.keywordRules = keywordRules;
    this.found = new Uint8Array(automaton.size);
    this.selected = new Uint8Array(rules.length);
    this.hits = new KeywordHits(automaton.size);
  }

  private compiled(index: number): CompiledRule {
    let rule = this.rules[index];
    if (!rule) {
      rule = compileRule(this.specs[index] as LoadedRule<SecretRuleSpec>, this.ruleKeywordIds[index] as readonly number[]);
      this.rules[index] = rule;
    }
    return rule;
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Indices of the rules whose keywords occur in `text` (plus keyword-less rules), ascending. */
  private candidateRules(text: string): number[] {
    const { found, foundList, selected } = this;
    this.hits.reset();
    foundList.length = 0;
    this.automaton.scan(text, found, text.length >= WINDOW_MIN_TEXT ? this.hits : undefined, foundList);
    if (foundList.length === 0) return this.alwaysRun;
    // Only what was found is touched (and reset), not every keyword and rule: fragments are many and small.
    const out: number[] = [...this.alwaysRun];
    for (const i of out) selected[i] = 1;
    for (const k of foundList) {
      found[k] = 0;
      for (const r of this.keywordRules[k] ?? NO_RULES) {
        if (selected[r] === 0) {
          selected[r] = 1;
          out.push(r);
        }
      }
    }
    for (const r of out) selected[r] = 0;
    return out.sort((a, b) => a - b);
  }

  detect(fragment: Fragment, trace?: Tracer): DetectorOutput {
    const text = fragment.text;
    const findings: RawFinding[] = [];
    if (text.length === 0) return { findings, warnings: [] };
    const candidates = this.candidateRules(text);
    if (trace) {
      const ran = new Set(candidates);
      this.specs.forEach((r, i) => {
        if (!ran.has(i)) trace({ ruleId: r.spec.id, path: fragment.path, stage: "keyword", reason: "no keyword occurs" });
      });
    }
    let index: LineIndex | undefined;
    const warnings: ScanWarning[] = [];
    const skipped: SkipNotice[] = [];
    const limit = this.budget.limitFor(text.length);
    for (const ruleIndex of candidates) {
      const rule = this.compiled(ruleIndex);
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
      // The regex is compiled (and a cached built-in rule's body read) before the clock starts:
      // one-time work, not matching, like the service names' load below.
      const regex = rule.regex;
      const started = nowMs();
      this.loadMs = 0;
      let elapsed = 0;
      let stopped = false;
      // The whole fragment, or the windows around the rule's keyword hits.
      let windows: number[] | undefined;
      if (text.length >= WINDOW_MIN_TEXT && rule.contextLines >= 0) {
        index ??= new LineIndex(text, fragment);
        windows = this.windows(rule, text, index);
      }
      for (let w = 0; w < (windows ? windows.length : 4) && !stopped; w += 4) {
        const from = windows ? (windows[w] as number) : 0;
        const to = windows ? (windows[w + 1] as number) : text.length;
        const acceptFrom = windows ? (windows[w + 2] as number) : 0;
        const acceptTo = windows ? (windows[w + 3] as number) : text.length;
        const subject = windows ? text.slice(from, to) : text;
        regex.lastIndex = 0;
        for (let m = regex.exec(subject); m !== null; m = regex.exec(subject)) {
          elapsed = nowMs() - started - this.loadMs;
          if (elapsed > limit) {
            stopped = true;
            break;
          }
          if (m[0].length === 0) {
            regex.lastIndex++;
            continue;
          }
          if (from + m.index < acceptFrom || from + m.index + m[0].length > acceptTo) {
            regex.lastIndex = m.index + 1; // shaped by the window's cut: retry from the next position
            continue;
          }
          index ??= new LineIndex(text, fragment);
          const finding = this.examine(rule, m, from, fragment, index, trace);
          if (finding) findings.push(finding);
        }
      }
      if (!stopped) elapsed = nowMs() - started - this.loadMs;
      if (elapsed > limit) {
        warnings.push(this.budget.disable(rule.id, fragment.path, elapsed, limit, !stopped));
        trace?.({ ruleId: rule.id, path: fragment.path, stage: "budget", reason: `exceeded ${Math.round(limit)} ms` });
        if (stopped) {
          const notice = this.budget.notScanned(rule.id, fragment.path);
          if (notice) skipped.push(notice);
        }
      }
    }
    const kept = dropOverlappedFallbacks(findings, this.fallbackIds, trace, fragment.path);
    return {
      findings: this.offRules.length > 0 ? this.dropOffClaimed(kept, fragment, trace) : kept,
      warnings,
      ...(skipped.length > 0 ? { skipped } : {}),
    };
  }

  /**
   * The text ranges holding every possible match of a "lines"-scoped rule, as
   * flat [from, to, acceptFrom, acceptTo, ...] offsets: each keyword hit's
   * line ± the rule's context lines, with the line breaks on either side
   * included so boundaries and lookarounds see the same neighbours as in the
   * full text. On a very long line a rule with a bounded span gets a character
   * window around the hit instead, cut with enough context for its
   * lookarounds; a match there counts only if it lies within
   * [acceptFrom, acceptTo] (others are artefacts of the cut). Undefined when
   * the windows would cover most of the text anyway.
   */
  private windows(rule: CompiledRule, text: string, index: LineIndex): number[] | undefined {
    const positions: number[] = [];
    for (const id of rule.keywordIds) this.hits.collect(id, positions);
    if (rule.keywordIds.length > 1) positions.sort((a, b) => a - b);
    const n = text.length;
    const ctx = rule.contextLines;
    const span = rule.span;
    const behind = span ? Math.max(1, span.behind) : 0;
    const ahead = span ? Math.max(1, span.ahead) : 0;
    const last = index.lineCount - 1;
    const out: number[] = [];
    let covered = 0;
    let from = -1;
    let to = -1;
    let acceptFrom = -1;
    let acceptTo = -1;
    const add = (f: number, t: number, af: number, at: number) => {
      if (from >= 0 && f <= to) {
        from = Math.min(from, f);
        acceptFrom = Math.min(acceptFrom, af);
        if (t >= to) acceptTo = t === to ? Math.max(acceptTo, at) : at;
        to = Math.max(to, t);
        return;
      }
      if (from >= 0) {
        out.push(from, to, acceptFrom, acceptTo);
        covered += to - from;
      }
      from = f;
      to = t;
      acceptFrom = af;
      acceptTo = at;
    };
    for (const p of positions) {
      if (covered > n * WINDOW_MAX_SHARE) return undefined;
      const line = index.textLine(p);
      const lineStart = index.lineStart(line);
      const lineEnd = index.lineEnd(line);
      if (span && lineEnd - lineStart > LONG_LINE) {
        // Matches start in [first, p] and end by `end` (keyword in the match), or lie within NEAR_CHARS.
        const first = rule.keywordInMatch ? p + 1 - span.length : p - NEAR_CHARS;
        const end = rule.keywordInMatch ? p + span.length : p + NEAR_CHARS;
        let f = first - behind;
        let t = end + ahead;
        let at = end;
        if (ctx === 0) {
          f = Math.max(f, lineStart - 1);
          if (t >= lineEnd + 1) t = at = lineEnd + 1;
        }
        if (t >= n) t = at = n;
        f = Math.max(0, f);
        add(f, t, Math.max(f, first), at);
      } else {
        const f = Math.max(0, index.lineStart(Math.max(0, line - ctx)) - 1);
        const t = Math.min(n, index.lineEnd(Math.min(last, line + ctx)) + 1);
        add(f, t, f, t);
      }
    }
    if (from >= 0) {
      out.push(from, to, acceptFrom, acceptTo);
      covered += to - from;
    }
    return covered > n * WINDOW_MAX_SHARE ? undefined : out;
  }

  /**
   * Fallback findings whose value a rule turned off matches are dropped. The off rules run only
   * when a fallback reported something in the fragment (rare), so turning rules off costs nothing
   * on ordinary commits.
   */
  private dropOffClaimed(findings: RawFinding[], fragment: Fragment, trace: Tracer | undefined): RawFinding[] {
    if (!findings.some((f) => this.fallbackIds.has(f.ruleId))) return findings;
    this.offEngine ??= new PatternEngine(this.offRules, { budget: this.budget });
    const claims = this.offEngine.detect(fragment).findings;
    if (claims.length === 0) return findings;
    return findings.filter((f) => {
      if (!this.fallbackIds.has(f.ruleId)) return true;
      const owner = claims.find((c) => overlaps(c, f) || c.secret.includes(f.secret) || f.secret.includes(c.secret));
      if (owner)
        trace?.({
          ruleId: f.ruleId,
          path: fragment.path,
          line: f.startLine,
          stage: "overlap",
          reason: `${owner.ruleId} matched the same secret and is turned off`,
        });
      return !owner;
    });
  }

  /** Runs the post-regex stages on one match; returns the finding or undefined (traced). */
  private examine(
    rule: CompiledRule,
    m: RegExpExecArray,
    offset: number,
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
    const start = index.position(span[0] + offset);
    const end = index.position(span[1] + offset);
    const lineText = index.lineText(start.textLine);
    let entropy: number | undefined;
    if (rule.entropy !== undefined) {
      const result = passesEntropy(rule.entropy, secret);
      entropy = result.entropy;
      if (!result.ok) return drop("entropy", `entropy ${result.entropy.toFixed(2)} below ${rule.entropy}`, start.line);
    }
    if (rule.validator && !rule.validator(secret)) return drop("validator", `fails ${rule.spec.validate}`, start.line);
    // The key before the value, from at most KEY_REACH characters of its line (minified lines are long).
    const linePrefix = () => lineText.slice(Math.max(0, start.column - 1 - KEY_REACH), start.column - 1);
    if (rule.contextJudged) {
      const noise = contextNoiseReason(secret, linePrefix());
      if (noise) return drop("context", noise, start.line);
    } else if (rule.providerContext) {
      const noise = providerContextNoiseReason(secret, linePrefix());
      if (noise) return drop("context", noise, start.line);
    }
    let message: string | undefined;
    if (rule.serviceContext) {
      const key = keyOf(linePrefix());
      if (rule.serviceContext === "key") {
        const reason = keyNoiseReason(key, secret);
        if (reason) return drop("context", reason, start.line);
      }
      const shape = tokenShapeReason(secret);
      if (shape) return drop("context", shape, start.line);
      if (rule.serviceContext === "call" && isUuid(secret)) return drop("context", "a UUID call argument (an id)", start.line);
      // The service: in the key, else on the value's line or the two before (each cut to SERVICE_REACH characters).
      const around = index
        .window(start.textLine - 2, start.textLine)
        .split("\n")
        .map((l) => (l.length > SERVICE_REACH ? l.slice(0, SERVICE_REACH) : l).replace(secret, " "))
        .join("\n");
      const loading = builtinServiceNamesLoaded() ? undefined : nowMs();
      const service = serviceNamed(key, around);
      if (loading !== undefined) this.loadMs += nowMs() - loading;
      if (!service && rule.serviceContext === "call") return drop("context", "no service named within two lines", start.line);
      // A bare UUID is an id far more often than a key: a key only where the service named documents UUID keys.
      if (isUuid(secret) && service?.uuidKeys !== true)
        return drop("context", "a UUID with no service whose keys are UUIDs named nearby (an id)", start.line);
      message = service
        ? `${rule.spec.description}: likely ${service.name}`
        : `${rule.spec.description} (no service named nearby)`;
    }
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
      // "On the same line" of a minified line thousands of characters long means near the match
      // (NEAR_CHARS either side), as it does when the rule runs in windows around keyword hits:
      // a provider's name 3,000 characters away says nothing about this value.
      const around =
        within === 0 && start.textLine === end.textLine && lineText.length > LONG_LINE
          ? lineText.slice(Math.max(0, start.column - 1 - NEAR_CHARS), end.column - 1 + NEAR_CHARS)
          : index.window(start.textLine - within, end.textLine + within);
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
      ...(message !== undefined ? { message } : {}),
      ...(entropy !== undefined ? { entropy } : {}),
    };
  }
}

/** Fallback (generic) findings yield to specific rules that matched an overlapping span. */
function dropOverlappedFallbacks(
  findings: RawFinding[],
  fallbackIds: Set<string>,
  trace: Tracer | undefined,
  path: string,
): RawFinding[] {
  if (findings.length < 2) return findings;
  const specific = findings.filter((f) => !fallbackIds.has(f.ruleId));
  if (specific.length === 0 || specific.length === findings.length) return findings;
  const kept = findings.filter((f) => {
    if (!fallbackIds.has(f.ruleId)) return true;
    const overlapped = specific.some((s) => overlaps(s, f) || s.secret.includes(f.secret) || f.secret.includes(s.secret));
    if (overlapped)
      trace?.({ ruleId: f.ruleId, path, line: f.startLine, stage: "overlap", reason: "a specific rule matched the same secret" });
    return !overlapped;
  });
  return kept;
}

function overlaps(a: RawFinding, b: RawFinding): boolean {
  const aStart = a.startLine * 1e6 + a.startColumn;
  const aEnd = a.endLine * 1e6 + a.endColumn;
  const bStart = b.startLine * 1e6 + b.startColumn;
  const bEnd = b.endLine * 1e6 + b.endColumn;
  return aStart < bEnd && bStart < aEnd;
}
