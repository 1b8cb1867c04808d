/**
 * How much of a fragment a secret rule's regex must see.
 *
 * The keyword prefilter says *whether* a rule can match a fragment; this says
 * *where*. When a rule's regex provably cannot match without containing one of
 * its keywords, every match lies on or near a line with a keyword hit, so the
 * engine runs the regex over those lines only instead of the whole fragment (a
 * file mentioning "key" once no longer costs every `key` rule a full pass).
 * The analysis is static, over the regex's syntax tree (regexpp):
 *
 *   lines n   a match contains a keyword and at most n line breaks, so a hit's
 *             line ± n lines holds every match through it. Rules whose keyword
 *             is context (`requires` a keyword-bearing pattern within w lines)
 *             widen n by w and by the line breaks the companion can span.
 *             On very long lines, rules whose matches have a bounded length run
 *             over character windows around each hit instead (`span`).
 *   fragment  anything else (no keyword guarantee, a match that can span any
 *             number of lines, back-references): the whole fragment, as before.
 *
 * Windows are sliced on line boundaries with the neighbouring line breaks
 * included, so boundaries and lookarounds see what they see in the full text;
 * a window reads like a diff hunk of those lines, which is what the hook scans
 * anyway. Built-in packs carry their scopes in the build-time pack cache; user
 * packs are analysed when they load; both keep the parser off the hook path.
 */
import { RegExpParser } from "@eslint-community/regexpp";
import type { Alternative, Element, Node, Pattern } from "@eslint-community/regexpp/ast";

export type ScanScope =
  | {
      mode: "lines";
      context: number;
      /** Does every match contain a keyword (else the keyword is the companion's)? */
      keywordInMatch: boolean;
      /**
       * Set when a match has a bounded length and lookaround reach. On a very
       * long line (minified code) a hit then needs only a character window:
       * [hit - length - behind, hit + length + ahead) when the match contains
       * the keyword, or a fixed distance either side when the keyword belongs
       * to the companion ("nearby" on a 400 kB line means characters, not lines).
       */
      span?: { length: number; behind: number; ahead: number };
    }
  | { mode: "fragment"; reason: string };

/** Largest literal-set expansion tracked while looking for a keyword in a run of characters. */
const MAX_RUN_STRINGS = 64;
/** Classes of more characters than this are not literals (e.g. `[A-Za-z0-9]`). */
const MAX_CLASS_CHARS = 8;
/** Windows wider than this many lines either side are not worth it: scan the fragment. */
const MAX_CONTEXT_LINES = 16;

class Unsupported extends Error {}

export interface ScopeInput {
  regex: string;
  flags?: string;
  keywords?: readonly string[];
  requires?: { regex: string; withinLines?: number };
}

export function analyseScanScope(rule: ScopeInput): ScanScope {
  const keywords = (rule.keywords ?? []).map((k) => k.toLowerCase());
  if (keywords.length === 0) return { mode: "fragment", reason: "no keywords" };
  try {
    const main = new Analysis(rule.regex, rule.flags ?? "");
    const mainBreaks = main.lineBreaks();
    let context: number;
    const keywordInMatch = main.guarantees(keywords);
    if (keywordInMatch) context = mainBreaks;
    else if (rule.requires) {
      const companion = new Analysis(rule.requires.regex, "");
      if (!companion.guarantees(keywords))
        return { mode: "fragment", reason: "neither the match nor its companion must contain a keyword" };
      context = mainBreaks + companion.lineBreaks() + (rule.requires.withinLines ?? 5);
    } else return { mode: "fragment", reason: "a match need not contain a keyword" };
    if (!(context <= MAX_CONTEXT_LINES)) return { mode: "fragment", reason: "a match can span too many lines" };
    const span = main.span();
    return { mode: "lines", context, keywordInMatch, ...(span ? { span } : {}) };
  } catch (error) {
    if (error instanceof Unsupported) return { mode: "fragment", reason: error.message };
    return { mode: "fragment", reason: `not analysed: ${(error as Error).message}` };
  }
}

class Analysis {
  private readonly pattern: Pattern;
  private readonly probeFlags: string;
  private readonly unicode: boolean;

  constructor(source: string, flags: string) {
    this.pattern = new RegExpParser({ ecmaVersion: 2024 }).parsePattern(source, 0, source.length, {
      unicode: flags.includes("u"),
      unicodeSets: flags.includes("v"),
    });
    this.probeFlags = flags.replace(/[gydm]/g, "");
    this.unicode = /[uv]/.test(flags);
  }

  /** Does every match contain one of the (lower-case) keywords? */
  guarantees(keywords: readonly string[]): boolean {
    return this.pattern.alternatives.every((alt) => this.alternativeGuarantees(alt, keywords));
  }

  /**
   * The most line breaks a match, or what its lookarounds inspect, can
   * contain (Infinity when unbounded, e.g. `[\s\S]*`).
   */
  lineBreaks(): number {
    return this.breaks(this.pattern);
  }

  /** Longest match and lookaround reach, when all are bounded. */
  span(): { length: number; behind: number; ahead: number } | undefined {
    const reach = { behind: 0, ahead: 0 };
    this.reach(this.pattern, reach, false);
    const [, length] = this.width(this.pattern.alternatives);
    if (!Number.isFinite(length) || !Number.isFinite(reach.behind) || !Number.isFinite(reach.ahead)) return undefined;
    return { length, ...reach };
  }

  /** [min, max] length in UTF-16 code units of what the alternatives match. */
  private width(alternatives: Alternative[]): [number, number] {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const alt of alternatives) {
      let aMin = 0;
      let aMax = 0;
      for (const el of alt.elements) {
        const [eMin, eMax] = this.elementWidth(el);
        aMin += eMin;
        aMax += eMax;
      }
      min = Math.min(min, aMin);
      max = Math.max(max, aMax);
    }
    return [min === Number.POSITIVE_INFINITY ? 0 : min, max];
  }

  private elementWidth(el: Element): [number, number] {
    switch (el.type) {
      case "Character":
        return el.value > 0xffff ? [2, 2] : [1, 1];
      case "CharacterSet":
      case "CharacterClass":
      case "ExpressionCharacterClass":
        return this.unicode ? [1, 2] : [1, 1];
      case "Assertion":
        return [0, 0];
      case "Group":
      case "CapturingGroup":
        return this.width(el.alternatives);
      case "Quantifier": {
        const [eMin, eMax] = this.elementWidth(el.element);
        return [el.min * eMin, eMax === 0 ? 0 : el.max * eMax];
      }
      default:
        throw new Unsupported(`unsupported syntax ${(el as Node).type}`);
    }
  }

  /**
   * How far before a match's start and after its end the regex can look:
   * lookarounds by their width, `\b` one character, and `^`/`$` one (so a
   * window never starts or ends exactly where they would wrongly succeed).
   */
  private reach(node: Node, out: { behind: number; ahead: number }, inLookaround: boolean): void {
    switch (node.type) {
      case "Pattern":
      case "Group":
      case "CapturingGroup":
        for (const alt of node.alternatives) this.reach(alt, out, inLookaround);
        return;
      case "Alternative":
        for (const el of node.elements) this.reach(el, out, inLookaround);
        return;
      case "Quantifier":
        this.reach(node.element, out, inLookaround);
        return;
      case "Assertion": {
        if (node.kind === "lookahead" || node.kind === "lookbehind") {
          if (inLookaround) {
            out.behind = Number.POSITIVE_INFINITY; // nested lookarounds: not worth bounding
            return;
          }
          const [, width] = this.width(node.alternatives);
          if (node.kind === "lookbehind") out.behind = Math.max(out.behind, width);
          else out.ahead = Math.max(out.ahead, width);
          for (const alt of node.alternatives) this.reach(alt, out, true);
        } else {
          out.behind = Math.max(out.behind, 1);
          out.ahead = Math.max(out.ahead, 1);
        }
        return;
      }
      default:
        return;
    }
  }

  private breaks(node: Node): number {
    switch (node.type) {
      case "Pattern":
      case "Group":
      case "CapturingGroup":
        return Math.max(0, ...node.alternatives.map((alt) => this.breaks(alt)));
      case "Alternative":
        return node.elements.reduce((n, el) => n + this.breaks(el), 0);
      case "Quantifier": {
        const inner = this.breaks(node.element);
        return inner === 0 ? 0 : inner * node.max;
      }
      case "Assertion":
        return node.kind === "lookahead" || node.kind === "lookbehind"
          ? Math.max(0, ...node.alternatives.map((alt) => this.breaks(alt)))
          : 0;
      case "Character":
      case "CharacterSet":
      case "CharacterClass":
      case "ExpressionCharacterClass":
        return this.matchesLineBreak(node.raw) ? 1 : 0;
      case "Backreference":
        throw new Unsupported("back-reference");
      default:
        throw new Unsupported(`unsupported syntax ${node.type}`);
    }
  }

  private matchesLineBreak(raw: string): boolean {
    try {
      const re = new RegExp(raw, this.probeFlags);
      return re.test("\n") || re.test("\r") || re.test("\u2028") || re.test("\u2029");
    } catch {
      return true;
    }
  }

  /**
   * Does every match of this alternative contain one of the keywords (ASCII
   * case-insensitively)? Proven from runs of literal characters, e.g.
   * `(?:AKIA|ASIA)[A-Z2-7]{16}` always contains "akia" or "asia".
   */
  private alternativeGuarantees(alt: Alternative, keywords: readonly string[]): boolean {
    let run: string[] | undefined = [""];
    const runHasKeyword = () => run !== undefined && run.length > 0 && run.every((s) => keywords.some((k) => s.includes(k)));
    const extend = (options: string[]) => {
      if (run === undefined) run = [""];
      const next: string[] = [];
      for (const prefix of run) for (const o of options) next.push(prefix + o);
      // Too many spellings: keep the suffixes' information only by restarting the run.
      run = next.length > MAX_RUN_STRINGS ? [...new Set(options)] : [...new Set(next)];
    };
    for (const el of this.flatten(alt.elements)) {
      if (el.type === "Assertion") continue; // zero-width: the characters either side are adjacent
      const literal = this.literalOptions(el);
      if (literal) {
        extend(literal);
        if (runHasKeyword()) return true;
        continue;
      }
      if (runHasKeyword()) return true;
      run = undefined;
      if (this.elementGuarantees(el, keywords)) return true;
    }
    return runHasKeyword();
  }

  /** Inlines single-alternative groups, so `(AKIA)[A-Z]{16}` reads as one run. */
  private flatten(elements: Element[]): Element[] {
    const out: Element[] = [];
    for (const el of elements) {
      if ((el.type === "Group" || el.type === "CapturingGroup") && el.alternatives.length === 1) {
        out.push(...this.flatten((el.alternatives[0] as Alternative).elements));
      } else out.push(el);
    }
    return out;
  }

  private elementGuarantees(el: Element, keywords: readonly string[]): boolean {
    if (el.type === "Group" || el.type === "CapturingGroup")
      return el.alternatives.every((a) => this.alternativeGuarantees(a, keywords));
    if (el.type === "Quantifier" && el.min >= 1) return this.elementGuarantees(el.element, keywords);
    return false;
  }

  /** The strings (lower-cased) an element can match when it is a small finite set of literals. */
  private literalOptions(el: Element): string[] | undefined {
    switch (el.type) {
      case "Character":
        return [String.fromCodePoint(el.value).toLowerCase()];
      case "CharacterClass": {
        if (el.negate || el.unicodeSets) return undefined;
        const chars = new Set<string>();
        for (const item of el.elements) {
          if (item.type === "Character") chars.add(String.fromCodePoint(item.value).toLowerCase());
          else if (item.type === "CharacterClassRange" && item.max.value - item.min.value < MAX_CLASS_CHARS) {
            for (let c = item.min.value; c <= item.max.value; c++) chars.add(String.fromCodePoint(c).toLowerCase());
          } else return undefined;
          if (chars.size > MAX_CLASS_CHARS) return undefined;
        }
        return [...chars];
      }
      case "Group":
      case "CapturingGroup": {
        const out: string[] = [];
        for (const alt of el.alternatives) {
          let strings = [""];
          for (const inner of alt.elements) {
            if (inner.type === "Assertion") continue;
            const options = this.literalOptions(inner);
            if (!options) return undefined;
            strings = strings.flatMap((s) => options.map((o) => s + o));
            if (strings.length > MAX_RUN_STRINGS) return undefined;
          }
          out.push(...strings);
        }
        return out.length <= MAX_RUN_STRINGS ? out : undefined;
      }
      case "Quantifier": {
        if (el.min !== el.max || el.min > 8) return undefined;
        const options = this.literalOptions(el.element);
        if (!options) return undefined;
        let strings = [""];
        for (let i = 0; i < el.min; i++) {
          strings = strings.flatMap((s) => options.map((o) => s + o));
          if (strings.length > MAX_RUN_STRINGS) return undefined;
        }
        return strings;
      }
      default:
        return undefined;
    }
  }
}
