/**
 * Inline allows, in whatever comment syntax the file uses:
 *
 *   token = "..."  # gitward:allow aws-access-key-id -- test fixture
 *   // gitward:allow-next-line generic-password -- documented example
 *   <!-- gitward:allow jenkins-security-disabled -- local dev only -->
 *
 * An allow names one or more rule ids (comma-separated) and a reason after
 * "--". An allow with no rule id allows every rule on the line; `--strict`
 * reports it as imprecise. Allows that never matched a finding can be listed
 * with `--report-unused-allows`.
 */
import type { ScanWarning, Suppression } from "../types.js";
import type { FilterInput, FindingFilter } from "./filter.js";

export interface InlineAllow {
  nextLine: boolean;
  /** Empty: every rule. */
  rules: string[];
  reason: string;
}

const ALLOW = /gitward:allow(-next-line)?(?=$|[\s,:])((?:\s*,?\s*[a-z0-9]+(?:-[a-z0-9]+)*)*)\s*(?:--\s*(.*?))?\s*(?:-->|\*\/|$)/;

export function parseInlineAllow(line: string): InlineAllow | undefined {
  const at = line.indexOf("gitward:allow");
  if (at === -1) return undefined;
  const m = ALLOW.exec(line.slice(at));
  if (!m) return undefined;
  const rules = (m[2] ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { nextLine: m[1] !== undefined, rules, reason: (m[3] ?? "").trim() };
}

export class InlineAllowFilter implements FindingFilter {
  readonly name = "inline-allow";
  /** "path:line" of allows that suppressed something. */
  private readonly used = new Set<string>();
  private readonly warnings: ScanWarning[] = [];

  constructor(private readonly options: { strict?: boolean } = {}) {}

  async check({ finding, previousLine }: FilterInput): Promise<Suppression | undefined> {
    const same = parseInlineAllow(finding.lineText);
    if (same && !same.nextLine && this.applies(same, finding.ruleId))
      return this.suppress(same, finding.path, finding.startLine, finding.ruleId);
    if (!finding.lineText.includes("gitward:") || same?.nextLine) {
      const prev = await previousLine();
      const above = prev === undefined ? undefined : parseInlineAllow(prev);
      if (above?.nextLine && this.applies(above, finding.ruleId)) {
        return this.suppress(above, finding.path, finding.startLine - 1, finding.ruleId);
      }
    }
    return undefined;
  }

  private applies(allow: InlineAllow, ruleId: string): boolean {
    return allow.rules.length === 0 || allow.rules.includes(ruleId);
  }

  private suppress(allow: InlineAllow, path: string, line: number, ruleId: string): Suppression {
    this.used.add(`${path}:${line}`);
    if (allow.rules.length === 0 && this.options.strict) {
      this.warnings.push({
        path,
        message: `${path}:${line}: imprecise gitward:allow without a rule id (it allows ${ruleId}); name the rule`,
      });
    }
    return { kind: "inline", justification: allow.reason || `gitward:allow ${allow.rules.join(",") || "(all rules)"}` };
  }

  wasUsed(path: string, line: number): boolean {
    return this.used.has(`${path}:${line}`);
  }

  finish(): ScanWarning[] {
    return this.warnings;
  }
}
