/**
 * The config file's allowlist: paths (gitignore-style globs), regexes over the
 * secret/match/line, and stopwords. Applies to every rule.
 */

import type { AllowlistConfig } from "../config/config-types.js";
import type { Finding, Suppression } from "../types.js";
import { compileGlob } from "../util/glob-regex.js";
import type { FilterInput, FindingFilter } from "./filter.js";

/**
 * Compiles gitignore-style globs (micromatch's syntax) into one predicate
 * over POSIX paths relative to the root:
 *
 * - a pattern without a slash (`*.pem`, `fixtures`) matches a name at any depth;
 * - a leading slash (`/secrets.env`) or a slash inside (`test/fixtures`) anchors it at the root;
 * - a trailing slash (`fixtures/`) matches a directory; any matched directory covers everything under it;
 * - `!pattern` re-includes what an earlier pattern excluded (the last matching pattern wins).
 */
export function compileGitignoreGlobs(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns
    .map((raw) => raw.trim())
    .filter((p) => p !== "" && !p.startsWith("#"))
    .map((raw) => {
      const negate = raw.startsWith("!");
      let p = negate ? raw.slice(1) : raw;
      if (p.endsWith("/")) p = p.slice(0, -1);
      const anchored = p.startsWith("/") || p.includes("/");
      if (p.startsWith("/")) p = p.slice(1);
      const base = anchored ? p : `**/${p}`;
      // Compiled on first use: a config's own globs need micromatch (not in the build's glob cache),
      // and most runs (a clean commit) never ask the filter about a finding.
      let isMatch: RegExp | undefined;
      let under: RegExp | undefined;
      const test = (path: string) => {
        isMatch ??= compileGlob(base, { dot: true });
        under ??= compileGlob(`${base}/**`, { dot: true });
        return isMatch.test(path) || under.test(path);
      };
      return { negate, test };
    });
  if (compiled.length === 0) return () => false;
  return (path: string) => {
    const p = path.replace(/^\.\//, "");
    let matched = false;
    for (const c of compiled) if (c.negate === matched && c.test(p)) matched = !c.negate;
    return matched;
  };
}

/** The text a regex is tested against, per `regexTarget`. */
export function regexTargetOf(finding: Finding, target: AllowlistConfig["regexTarget"]): string {
  if (target === "line") return finding.lineText;
  if (target === "match") {
    // The whole match on its first line (a multi-line match runs to the end of its first line).
    const end = finding.endLine === finding.startLine ? finding.endColumn - 1 : finding.lineText.length;
    return finding.lineText.slice(finding.startColumn - 1, end);
  }
  return finding.secret;
}

export class ConfigAllowlistFilter implements FindingFilter {
  readonly name = "config-allowlist";
  private readonly pathMatcher: ((p: string) => boolean) | undefined;
  private readonly regexes: RegExp[];
  private readonly stopwords: string[];

  constructor(
    private readonly allowlist: AllowlistConfig,
    private readonly origin: string,
  ) {
    this.pathMatcher = allowlist.paths.length ? compileGitignoreGlobs(allowlist.paths) : undefined;
    this.regexes = allowlist.regexes.map((r) => new RegExp(r));
    this.stopwords = allowlist.stopwords.map((s) => s.toLowerCase());
  }

  check({ finding, fragment }: FilterInput): Suppression | undefined {
    // Allowlist paths are relative to the repository root; a directory scan from a subdirectory
    // shows paths relative to where it ran, so the fragment carries the root-relative one too.
    const rootPath = fragment.rootPath ?? finding.path;
    if (this.pathMatcher && (this.pathMatcher(finding.path) || this.pathMatcher(rootPath))) {
      return { kind: "config", justification: `${this.origin}: allowlist.paths` };
    }
    const target = regexTargetOf(finding, this.allowlist.regexTarget);
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
