/**
 * Globs the build did not compile (a config's allowlist, a local pack's paths)
 * are compiled by micromatch once and kept in the user's cache directory, so a
 * later run (a fresh module, as in a new process) matches them without loading
 * micromatch. The cache never changes an answer: a damaged file or another
 * gitward's entries are compiled again.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import micromatch from "micromatch";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

type GlobModule = typeof import("../../src/util/glob-regex.js");

let dir: string;
let saved: string | undefined;
beforeEach(() => {
  dir = tempDir("gitward-globs-");
  saved = process.env.GITWARD_CACHE_DIR;
  process.env.GITWARD_CACHE_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.GITWARD_CACHE_DIR;
  else process.env.GITWARD_CACHE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** glob-regex.ts as a new process would load it (nothing cached in memory). */
async function freshModule(): Promise<GlobModule> {
  vi.resetModules();
  return (await import("../../src/util/glob-regex.js")) as GlobModule;
}

const GLOB = "test/fixtures/**";
const OPTIONS = { dot: true };
const PATHS = ["test/fixtures/keys/a.pem", "test/fixtures", "src/test/fixtures/x", "test/fixture.txt"];

describe("the user's glob cache", () => {
  it("compiles a user glob once; later runs match it without micromatch, with the same answers", async () => {
    const first = await freshModule();
    const matcher = first.globsMatcher([GLOB], OPTIONS);
    const answers = PATHS.map((p) => matcher(p));
    expect(answers).toEqual(PATHS.map((p) => micromatch.isMatch(p, GLOB, OPTIONS)));
    expect(first.micromatchLoaded()).toBe(true);
    const file = join(dir, "globs.json");
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).entries)).toEqual([`d:${GLOB}`]);

    const later = await freshModule();
    expect(PATHS.map((p) => later.globsMatcher([GLOB], OPTIONS)(p))).toEqual(answers);
    expect(later.micromatchLoaded()).toBe(false);
  });

  it("compiles again when the file is damaged or another gitward wrote it", async () => {
    const file = join(dir, "globs.json");
    for (const content of [
      "{ not json",
      JSON.stringify({ stamp: "another gitward", entries: { [`d:${GLOB}`]: { source: "^x$", flags: "" } } }),
    ]) {
      writeFileSync(file, content);
      const m = await freshModule();
      expect(PATHS.map((p) => m.globsMatcher([GLOB], OPTIONS)(p))).toEqual(
        PATHS.map((p) => micromatch.isMatch(p, GLOB, OPTIONS)),
      );
      expect(m.micromatchLoaded()).toBe(true);
      expect(JSON.parse(readFileSync(file, "utf8")).entries[`d:${GLOB}`].source).not.toBe("^x$");
    }
    // An entry that is not a RegExp is compiled again too.
    const entries = JSON.parse(readFileSync(file, "utf8"));
    entries.entries[`d:${GLOB}`] = { source: "(", flags: "" };
    writeFileSync(file, JSON.stringify(entries));
    const m = await freshModule();
    expect(m.globsMatcher([GLOB], OPTIONS)("test/fixtures/a")).toBe(true);
  });

  it("works without a cache directory, and writes nothing then", async () => {
    process.env.GITWARD_CACHE_DIR = "";
    const m = await freshModule();
    expect(m.globsMatcher([GLOB], OPTIONS)("test/fixtures/a")).toBe(true);
    expect(existsSync(join(dir, "globs.json"))).toBe(false);
  });
});
