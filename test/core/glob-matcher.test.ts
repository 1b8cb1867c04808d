/**
 * globsMatcher checks a glob's literal parts before its RegExp (so most are
 * never compiled). The pre-check may only skip work, never change an answer:
 * every glob the built-in packs and config file types use, against paths made
 * from the globs themselves and ordinary ones, answers as micromatch does.
 */
import micromatch from "micromatch";
import { describe, expect, it } from "vitest";
import { FILE_TYPES } from "../../src/detectors/config/file-types.js";
import { loadBuiltinPacks } from "../../src/packs/builtin-packs.js";
import { globLiterals, globsMatcher } from "../../src/util/glob-regex.js";

/** Paths a glob should (and nearly should) match: wildcards filled in, at the root and deeper, case changed. */
function pathsFor(glob: string): string[] {
  const filled = glob
    .replace(/^\*\*\//, "")
    .replace(/\/\*\*\//g, "/x/y/")
    .replace(/\/\*\*$/, "/z")
    .replace(/\{([^,}]*)[^}]*\}/g, "$1")
    .replace(/\[([^\]])[^\]]*\]/g, "$1")
    .replace(/[!?+*@]\(([^|)]*)[^)]*\)/g, "$1")
    .replace(/\*/g, "abc")
    .replace(/\?/g, "q");
  return [filled, `deep/dir/${filled}`, filled.toUpperCase(), `${filled}.bak`, `x${filled}`];
}

describe("globsMatcher", () => {
  it("answers as micromatch for every built-in glob", async () => {
    const globs = new Set<string>();
    for (const t of FILE_TYPES) for (const g of [...t.globs, ...(t.exclude ?? [])]) globs.add(g);
    for (const rule of (await loadBuiltinPacks()).flatMap((p) => p.rules)) {
      const r = rule as { paths?: string[]; allowlist?: { paths?: string[] } };
      for (const g of [...(r.paths ?? []), ...(r.allowlist?.paths ?? [])]) globs.add(g.replace(/^!/, ""));
    }
    const common = ["README.md", "src/app.ts", ".env", "config/prod/.env.local", "a/b/c/settings.xml", "Dockerfile"];
    let checked = 0;
    for (const glob of globs) {
      for (const nocase of [true, false]) {
        const options = { dot: true, nocase };
        const matcher = globsMatcher([glob], options);
        for (const path of [...pathsFor(glob), ...common]) {
          expect(matcher(path), `${glob} ${path} nocase=${nocase}`).toBe(micromatch.isMatch(path, glob, options));
          checked++;
        }
      }
    }
    expect(globs.size).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(1000);
  });

  it("finds the literals every match contains", () => {
    expect(globLiterals("**/sshd_config.d/*.conf")).toEqual(["sshd_config.d/", ".conf"]);
    expect(globLiterals("**/*.{yml,yaml}")).toEqual(["."]);
    expect(globLiterals("src/**/Secrets.json", false)).toEqual(["src", "Secrets.json"]);
    expect(globLiterals("a\\*b")).toEqual([]);
  });
});
