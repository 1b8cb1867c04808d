/**
 * The config file's allowlist: paths (gitignore-style globs), regexes over the
 * secret/match/line, and stopwords. Applies to every rule.
 */
import micromatch from "micromatch";
import type { AllowlistConfig } from "../config/config-types.js";
import type { Suppression } from "../types.js";
import type { FilterInput, FindingFilter } from "./filter.js";

export class ConfigAllowlistFilter implements FindingFilter {
  readonly name = "config-allowlist";
  private readonly pathMatcher: ((p: string) => boolean) | undefined;
  private readonly regexes: RegExp[];
  private readonly stopwords: string[];

  constructor(
    private readonly allowlist: AllowlistConfig,
    private readonly origin: string,
  ) {
    this.pathMatcher = allowlist.paths.length
      ? micromatch.matcher(allowlist.paths.length === 1 ? (allowlist.paths[0] as string) : `{${allowlist.paths.join(",")}}`, {
          dot: true,
          // gitignore semantics: a pattern without a slash matches at any depth.
          matchBase: allowlist.paths.every((p) => !p.includes("/")),
        })
      : undefined;
    this.regexes = allowlist.regexes.map((r) => new RegExp(r));
    this.stopwords = allowlist.stopwords.map((s) => s.toLowerCase());
  }

  check({ finding }: FilterInput): Suppression | undefined {
    if (this.pathMatcher?.(finding.path)) {
      return { kind: "config", justification: `${this.origin}: allowlist.paths` };
    }
    const target =
      this.allowlist.regexTarget === "line"
        ? finding.lineText
        : this.allowlist.regexTarget === "match"
          ? finding.lineText
          : finding.secret;
    const regex = this.regexes.find((r) => r.test(target));
    if (regex) return { kind: "config", justification: `${this.origin}: allowlist.regexes /${regex.source}/` };
    if (this.stopwords.length > 0) {
      const lower = finding.secret.toLowerCase();
      const word = this.stopwords.find((s) => lower.includes(s));
      if (word) return { kind: "config", justification: `${this.origin}: allowlist.stopwords "${word}"` };
    }
    return undefined;
  }
}
