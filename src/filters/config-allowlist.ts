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
  const decide = compileGitignoreGlobsIndexed(patterns);
  return (path: string) => decide(path) !== -1;
}

/** As compileGitignoreGlobs, but says which pattern decided the match (its index), or -1 for none. */
export function compileGitignoreGlobsIndexed(patterns: readonly string[]): (path: string) => number {
  const compiled = patterns
    .map((raw, index) => ({ raw: raw.trim(), index }))
    .filter(({ raw }) => raw !== "" && !raw.startsWith("#"))
    .map(({ raw, index }) => {
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
      return { negate, index, test };
    });
  if (compiled.length === 0) return () => -1;
  return (path: string) => {
    const p = path.replace(/^\.\//, "");
    let matched = -1;
    // The last matching pattern wins: only a negation can undo a match, only a pattern can make one.
    for (const c of compiled) if (c.negate === (matched !== -1) && c.test(p)) matched = c.negate ? -1 : c.index;
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
  private readonly pathMatcher: ((p: string) => number) | undefined;
  private readonly regexes: RegExp[];
  private readonly stopwords: string[];

  constructor(
    private readonly allowlist: AllowlistConfig,
    private readonly origin: string,
  ) {
    this.pathMatcher = allowlist.paths.length ? compileGitignoreGlobsIndexed(allowlist.paths) : undefined;
    this.regexes = allowlist.regexes.map((r) => new RegExp(r));
    this.stopwords = allowlist.stopwords.map((s) => s.toLowerCase());
  }

  check({ finding, fragment }: FilterInput): Suppression | undefined {
    // Allowlist paths are relative to the repository root; a directory scan from a subdirectory
    // shows paths relative to where it ran, so the fragment carries the root-relative one too.
    const rootPath = fragment.rootPath ?? finding.path;
    const origins = this.allowlist.origins;
    // Each entry is credited to the file it came from (an inherited config, or the repository's own).
    const from = (list: string[] | undefined, i: number) => list?.[i] ?? this.origin;
    if (this.pathMatcher) {
      let i = this.pathMatcher(finding.path);
      if (i === -1) i = this.pathMatcher(rootPath);
      if (i !== -1) {
        return {
          kind: "config",
          justification: `${from(origins?.paths, i)}: allowlist.paths "${this.allowlist.paths[i]}"`,
        };
      }
    }
    const target = regexTargetOf(finding, this.allowlist.regexTarget);
    const r = this.regexes.findIndex((re) => re.test(target));
    if (r !== -1) {
      return { kind: "config", justification: `${from(origins?.regexes, r)}: allowlist.regexes /${this.regexes[r]?.source}/` };
    }
    if (this.stopwords.length > 0) {
      const lower = finding.secret.toLowerCase();
      const w = this.stopwords.findIndex((s) => lower.includes(s));
      if (w !== -1) {
        return { kind: "config", justification: `${from(origins?.stopwords, w)}: allowlist.stopwords "${this.stopwords[w]}"` };
      }
    }
    return undefined;
  }
}
