/**
 * Inline allows, in whatever comment syntax the file uses:
 *
 *   token = "..."  # gitward:allow aws-access-key-id -- test fixture
 *   // gitward:allow-next-line generic-password -- documented example
 *   <!-- gitward:allow jenkins-security-disabled -- local dev only -->
 *
 * An allow names one or more rule ids (comma- or space-separated) and a reason
 * after "--". An allow with no rule id allows every rule on the line; `--strict`
 * reports it as imprecise (and an allow without a reason). An allow naming a
 * rule that is not loaded is always a warning (a typo would otherwise silently
 * allow nothing). With `--report-unused-allows`, allows in the scanned text
 * that suppressed nothing are listed: the filter observes every fragment, not
 * only lines with findings.
 *
 * Markers users already have from other scanners are honoured as allows
 * without a rule id (so `--strict` reports them as imprecise):
 * `gitleaks:allow` (gitleaks) and `pragma: allowlist secret` /
 * `pragma: allowlist nextline secret` (detect-secrets).
 */
import type { Fragment, ScanWarning, Suppression } from "../types.js";
import type { FilterInput, FindingFilter } from "./filter.js";

export interface InlineAllow {
  /** The marker as written: gitward:allow, or another scanner's (gitleaks:allow, pragma: allowlist secret). */
  marker: string;
  nextLine: boolean;
  /** Empty: every rule. */
  rules: string[];
  reason: string;
}

const MARK = "gitward:allow";
const NEXT = "-next-line";
/** Other scanners' markers: an allow for every rule, on their line (or the next). */
const FOREIGN: readonly { text: string; nextLine: boolean }[] = [
  { text: "gitleaks:allow", nextLine: false },
  { text: "pragma: allowlist secret", nextLine: false },
  { text: "pragma: allowlist nextline secret", nextLine: true },
];

/** Does the line mention any allow marker? (A cheap test before parsing.) */
function mentionsAllow(text: string): boolean {
  return text.includes(MARK) || text.includes("gitleaks:allow") || text.includes("pragma: allowlist");
}

function parseForeignAllow(line: string): InlineAllow | undefined {
  for (const m of FOREIGN) {
    const at = line.indexOf(m.text);
    if (at === -1) continue;
    const before = at > 0 ? line[at - 1] : undefined;
    const after = line[at + m.text.length];
    // A word that merely contains the marker ("notgitleaks:allowed") is not one.
    if ((before !== undefined && /[A-Za-z0-9_-]/.test(before)) || (after !== undefined && /[A-Za-z0-9_-]/.test(after))) continue;
    return { marker: m.text, nextLine: m.nextLine, rules: [], reason: "" };
  }
  return undefined;
}
/** Comment terminators stripped from the end of an allow (HTML, C, Jinja/Twig, ERB, Handlebars, OCaml, Haskell). */
const TERMINATORS = ["-->", "*/", "--}}", "#}", "%>", "*)", "-}"];

/**
 * Parses the allow on a line, if any. Hand-written rather than one regex: it
 * runs on every line that mentions gitward:allow, and must stay linear.
 */
export function parseInlineAllow(line: string): InlineAllow | undefined {
  const at = line.indexOf(MARK);
  if (at === -1) return parseForeignAllow(line);
  const before = at > 0 ? line[at - 1] : undefined;
  if (before !== undefined && /[A-Za-z0-9_"'`-]/.test(before)) return undefined;
  let rest = line.slice(at + MARK.length);
  let nextLine = false;
  if (rest.startsWith(NEXT)) {
    nextLine = true;
    rest = rest.slice(NEXT.length);
  }
  // "gitward:allowed", "gitward:allow\")", "mentions gitward:allow, and ...": not an allow.
  if (rest !== "" && rest !== "\r" && !/^[\s:]/.test(rest) && !TERMINATORS.some((t) => rest.startsWith(t))) {
    return undefined;
  }
  rest = rest.replace(/^:/, "").trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of TERMINATORS) {
      if (rest.endsWith(t)) {
        rest = rest.slice(0, -t.length).trimEnd();
        changed = true;
      }
    }
  }
  const dash = /(?:^|\s)--(?:\s|$)/.exec(rest);
  const rulePart = dash ? rest.slice(0, dash.index) : rest;
  const reason = dash ? rest.slice(dash.index + dash[0].length).trim() : "";
  // Documentation such as "gitward:allow <rule-id> -- <reason>" is not an allow.
  if (/[<>{}[\]]/.test(rulePart)) return undefined;
  // The closing quote, parenthesis or semicolon of the code the allow sits in is not part of an id
  // (`"... gitward:allow aws-access-key-id");`).
  const rules = rulePart
    .split(/[\s,]+/)
    .map((token) => token.replace(/["'`);.:]+$/, ""))
    .filter(Boolean);
  // Prose that quotes an allow ("... gitward:allow x: matches no finding (remove it)") is not one.
  if (rules.some((token) => /[^A-Za-z0-9_.-]/.test(token))) return undefined;
  return { marker: MARK, nextLine, rules, reason };
}

interface SeenAllow {
  path: string;
  line: number;
  commit?: string;
  allow: InlineAllow;
  /** Rule ids this allow suppressed. */
  suppressed: Set<string>;
}

export interface InlineAllowOptions {
  /** Report allows without a rule id (or a reason) as imprecise. */
  strict?: boolean;
  /** Report allows that suppressed nothing. */
  reportUnused?: boolean;
  /** Rule ids that exist (loaded, whatever their mode); allows naming others are warned about. */
  knownRules?: { has(ruleId: string): boolean };
}

function where(path: string, line: number, commit: string | undefined): string {
  return `${path}:${line}${commit ? ` (commit ${commit.slice(0, 12)})` : ""}`;
}

export class InlineAllowFilter implements FindingFilter {
  readonly name = "inline-allow";
  /** Every allow seen, keyed "commit|path|line". */
  private readonly seen = new Map<string, SeenAllow>();
  private readonly unknownWarned = new Set<string>();
  private readonly warnings: ScanWarning[] = [];

  constructor(private readonly options: InlineAllowOptions = {}) {}

  observe(fragment: Fragment): void {
    if (!mentionsAllow(fragment.text)) return;
    const lines = fragment.text.split("\n");
    for (const [i, text] of lines.entries()) {
      if (!mentionsAllow(text)) continue;
      const allow = parseInlineAllow(text);
      if (!allow) continue;
      const line = fragment.lineNumbers?.[i] ?? fragment.startLine + i;
      this.record(fragment.path, line, fragment.commit?.sha, allow);
    }
  }

  private record(path: string, line: number, commit: string | undefined, allow: InlineAllow): SeenAllow {
    const key = `${commit ?? ""}|${path}|${line}`;
    let seen = this.seen.get(key);
    if (!seen) {
      seen = { path, line, allow, suppressed: new Set(), ...(commit ? { commit } : {}) };
      this.seen.set(key, seen);
      const known = this.options.knownRules;
      for (const ruleId of allow.rules) {
        const warnKey = `${path}|${line}|${ruleId}`;
        if (known && !known.has(ruleId) && !this.unknownWarned.has(warnKey)) {
          this.unknownWarned.add(warnKey);
          this.warnings.push({
            path,
            ruleId,
            message: `${where(path, line, commit)}: gitward:allow names unknown rule "${ruleId}" (see gitward rules)`,
          });
        }
      }
    }
    return seen;
  }

  async check({ finding, fragment, previousLine }: FilterInput): Promise<Suppression | undefined> {
    const commit = fragment.commit?.sha;
    const same = parseInlineAllow(finding.lineText);
    if (same && !same.nextLine && this.applies(same, finding.ruleId)) {
      return this.suppress(this.record(finding.path, finding.startLine, commit, same), finding.ruleId);
    }
    if (finding.startLine > 1) {
      const prev = await previousLine();
      const above = prev === undefined ? undefined : parseInlineAllow(prev);
      if (above?.nextLine && this.applies(above, finding.ruleId)) {
        return this.suppress(this.record(finding.path, finding.startLine - 1, commit, above), finding.ruleId);
      }
    }
    return undefined;
  }

  private applies(allow: InlineAllow, ruleId: string): boolean {
    return allow.rules.length === 0 || allow.rules.includes(ruleId);
  }

  private suppress(seen: SeenAllow, ruleId: string): Suppression {
    seen.suppressed.add(ruleId);
    const { allow } = seen;
    return { kind: "inline", justification: allow.reason || `${allow.marker} ${allow.rules.join(",") || "(all rules)"}` };
  }

  /** Every allow seen (in the scanned text), with the rules each suppressed, in path and line order. */
  allows(): {
    path: string;
    line: number;
    commit?: string;
    marker: string;
    rules: string[];
    reason: string;
    suppressed: string[];
  }[] {
    return [...this.seen.values()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line))
      .map((s) => ({
        path: s.path,
        line: s.line,
        ...(s.commit ? { commit: s.commit } : {}),
        marker: s.allow.marker,
        rules: s.allow.rules,
        reason: s.allow.reason,
        suppressed: [...s.suppressed].sort(),
      }));
  }

  /** Did an allow at this line suppress something? */
  wasUsed(path: string, line: number, commit?: string): boolean {
    return (this.seen.get(`${commit ?? ""}|${path}|${line}`)?.suppressed.size ?? 0) > 0;
  }

  /** Allows (or rule ids within an allow) that suppressed nothing. */
  unusedAllows(): { path: string; line: number; commit?: string; rules: string[]; marker: string }[] {
    const out: { path: string; line: number; commit?: string; rules: string[]; marker: string }[] = [];
    for (const s of this.seen.values()) {
      const rules = s.allow.rules.length === 0 ? [] : s.allow.rules.filter((r) => !s.suppressed.has(r));
      if (s.suppressed.size === 0 || rules.length > 0) {
        out.push({ path: s.path, line: s.line, rules, marker: s.allow.marker, ...(s.commit ? { commit: s.commit } : {}) });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  }

  finish(): ScanWarning[] {
    const out = [...this.warnings];
    const sorted = [...this.seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    if (this.options.strict) {
      for (const s of sorted) {
        const at = where(s.path, s.line, s.commit);
        const which = s.suppressed.size ? ` (it allows ${[...s.suppressed].sort().join(", ")})` : "";
        if (s.allow.marker !== MARK) {
          out.push({
            path: s.path,
            message: `${at}: imprecise ${s.allow.marker}: it allows every rule${which}; use "gitward:allow <rule-id> -- <reason>"`,
          });
          continue;
        }
        if (s.allow.rules.length === 0) {
          out.push({ path: s.path, message: `${at}: imprecise gitward:allow without a rule id${which}; name the rule` });
        }
        if (!s.allow.reason) {
          out.push({ path: s.path, message: `${at}: gitward:allow without a reason; add "-- <reason>"` });
        }
      }
    }
    if (this.options.reportUnused) {
      for (const u of this.unusedAllows()) {
        const what = u.rules.length ? `gitward:allow ${u.rules.join(", ")}` : u.marker;
        out.push({
          path: u.path,
          message: `${where(u.path, u.line, u.commit)}: unused ${what}: matches no finding (remove it)`,
        });
      }
    }
    return out;
  }
}
