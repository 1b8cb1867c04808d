/**
 * globsMatcher checks a glob's literal parts before its RegExp (so most are
 * never compiled). The pre-check may only skip work, never change an answer:
 * every glob the built-in packs and config file types use, against paths made
 * from the globs themselves and ordinary ones, answers as micromatch does.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import micromatch from "micromatch";
import { describe, expect, it } from "vitest";
import { FILE_TYPES } from "../../src/detectors/config/file-types.js";
import { loadBuiltinPacks } from "../../src/packs/builtin-packs.js";
import { globEndings, globLiterals, globsMatcher } from "../../src/util/glob-regex.js";

/**
 * Paths a glob should (and nearly should) match: wildcards filled in, at the root and deeper, case
 * changed, each alternative of its first brace list.
 */
function pathsFor(glob: string): string[] {
  const list = /\{([^{}]*)\}/.exec(glob);
  const variants = list ? (list[1] as string).split(",").map((o) => glob.replace(list[0], o)) : [glob];
  return variants.flatMap((variant) => {
    const filled = variant
      .replace(/^\*\*\//, "")
      .replace(/\/\*\*\//g, "/x/y/")
      .replace(/\/\*\*$/, "/z")
      .replace(/\{([^,}]*)[^}]*\}/g, "$1")
      .replace(/\[([^\]])[^\]]*\]/g, "$1")
      .replace(/[!?+*@]\(([^|)]*)[^)]*\)/g, "$1")
      .replace(/\*/g, "abc")
      .replace(/\?/g, "q");
    return [filled, `deep/dir/${filled}`, filled.toUpperCase(), `${filled}.bak`, `x${filled}`, `${filled}x`];
  });
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

  it("finds the endings every match ends with, or none when it cannot tell", () => {
    expect(globEndings("**/*.{yml,yaml}")).toEqual([".yml", ".yaml"]);
    expect(globEndings("**/*.{sh,bash}.{j2,tpl}")).toEqual([".sh.j2", ".sh.tpl", ".bash.j2", ".bash.tpl"]);
    expect(globEndings("**/sshd_config")).toEqual(["sshd_config"]);
    expect(globEndings("**/[0-9][0-9]*.conf")).toEqual([".conf"]);
    expect(globEndings("**/Dockerfile.*")).toBeUndefined();
    expect(globEndings("**/ssl/**")).toBeUndefined();
    expect(globEndings("**/*.{a,}")).toEqual([".a", "."]);
    expect(globEndings("**/*.{1..3}")).toBeUndefined();
    expect(globEndings("**/*.{md}")).toBeUndefined();
    expect(globEndings("**/*.@(js|ts)")).toBeUndefined();
    expect(globEndings("**/a\\*b")).toBeUndefined();
    expect(globEndings("src/**/Secrets.json", false)).toEqual(["Secrets.json"]);
    // micromatch lets a glob ending in a star and a literal match a trailing slash: so does the matcher.
    for (const glob of ["**/*.conf", "**/sshd_config"]) {
      expect(globsMatcher([glob], { dot: true })("a/b.conf/"), glob).toBe(micromatch.isMatch("a/b.conf/", glob, { dot: true }));
    }
    expect(globsMatcher(["**/*.conf"], { dot: true })("a/b.conf/")).toBe(true);
  });

  it("never rules out a path micromatch matches (generated globs and paths)", () => {
    const piece = fc.constantFrom("a", "b", ".", "-", "_", "x.y", "conf", "A", "*", "**", "?", "[ab]", "{a,b}", "{c,.d}", "{a,}");
    // `**` only as a whole segment (its only meaning in these gitignore-like globs).
    const glob = fc
      .array(fc.array(piece, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
      .map((segments) => segments.map((s) => s.join("")).join("/"))
      .filter((g) => !/\*\*\*|[^/]\*\*|\*\*[^/]/.test(g));
    const path = fc
      .array(fc.stringMatching(/^[abAB.\-_dcxyonf]{1,6}$/), { minLength: 1, maxLength: 4 })
      .map((s) => s.join("/"))
      .chain((p) => fc.constantFrom(p, `${p}/`));
    fc.assert(
      fc.property(glob, fc.array(path, { minLength: 1, maxLength: 8 }), fc.boolean(), (g, paths, nocase) => {
        const options = { dot: true, nocase };
        const matcher = globsMatcher([g], options);
        for (const p of paths) expect(matcher(p), `${g} ${p} nocase=${nocase}`).toBe(micromatch.isMatch(p, g, options));
      }),
      { numRuns: 3000 },
    );
  });

  it("the build's glob cache holds each glob's pre-checks as this code computes them", () => {
    const file = new URL("../../dist/glob-regexes.json", import.meta.url);
    const cached = JSON.parse(readFileSync(file, "utf8")) as Record<string, { literals: string[]; endings: string[] | null }>;
    const entries = Object.entries(cached);
    expect(entries.length).toBeGreaterThan(50);
    for (const [key, entry] of entries) {
      const [flags, glob] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      const bare = glob.replace(/^(?:\.\/)+/, "");
      expect(entry.literals, key).toEqual(globLiterals(bare, flags.includes("i")));
      expect(entry.endings ?? undefined, key).toEqual(globEndings(bare, flags.includes("i")));
    }
  });

  it("finds the literals every match contains", () => {
    expect(globLiterals("**/sshd_config.d/*.conf")).toEqual(["sshd_config.d/", ".conf"]);
    expect(globLiterals("**/*.{yml,yaml}")).toEqual(["."]);
    expect(globLiterals("src/**/Secrets.json", false)).toEqual(["src/", "Secrets.json"]);
    expect(globLiterals("**/**/*.env")).toEqual([".env"]);
    expect(globLiterals("vendor/**")).toEqual(["vendor"]);
    expect(globLiterals("a\\*b")).toEqual([]);
  });
});
