/**
 * An installed gitward (under node_modules) must use the build's caches of the
 * built-in packs and service names although npm dates every extracted file at
 * the extraction, so the modification times the build recorded never match;
 * a developer's checkout must still notice a pattern file changed since the
 * build. Both are copies of the built package here, made without keeping
 * modification times (as npm extracts), one under node_modules and one not.
 * (test/cli/bin.test.ts installs the real tarball with npm.)
 */
import { cpSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadedPack } from "../../src/packs/pack-types.js";
import { inInstalledPackage } from "../../src/util/installed-package.js";
import { tempDir } from "../helpers/temp-repo.js";

const ROOT = join(import.meta.dirname, "../..");
const work = tempDir("gitward-installed-");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the built package at `dir`, files dated now (not the build's times). */
function copyPackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const part of ["dist", "patterns", "package.json"]) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  // The package's dependencies, for a copy that has to parse its YAML.
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

async function builtinPacksOf(dir: string): Promise<LoadedPack[]> {
  const url = pathToFileURL(join(dir, "dist/packs/builtin-packs.js")).href;
  return ((await import(url)) as { loadBuiltinPacks: () => Promise<LoadedPack[]> }).loadBuiltinPacks();
}

async function serviceNamesOf(dir: string): Promise<() => unknown> {
  const url = pathToFileURL(join(dir, "dist/detectors/service-names.js")).href;
  return ((await import(url)) as { builtinServiceNames: () => unknown }).builtinServiceNames;
}

/** Rules from the build's cache carry their keyword ids; rules parsed from the YAML do not. */
const fromCache = (packs: LoadedPack[]) =>
  packs.flatMap((p) => p.rules).filter((r) => typeof (r as { prebuiltKeywordIds?: unknown }).prebuiltKeywordIds === "function")
    .length;

describe("the build's caches in an installed package", () => {
  it("tells an installed package by its node_modules directory", () => {
    expect(inInstalledPackage("/home/a/project/node_modules/gitward/patterns/")).toBe(true);
    expect(inInstalledPackage("/usr/lib/node_modules/gitward/patterns/")).toBe(true);
    expect(inInstalledPackage("C:\\p\\node_modules\\gitward\\patterns\\")).toBe(true);
    expect(inInstalledPackage("/home/a/src/gitward/patterns/")).toBe(false);
    expect(inInstalledPackage("/home/a/my_node_modules_notes/gitward/")).toBe(false);
  });

  it("are used under node_modules although every file is dated at the extraction", async () => {
    const installed = copyPackage(join(work, "project", "node_modules", "gitward"));
    const packs = await builtinPacksOf(installed);
    expect(fromCache(packs)).toBeGreaterThan(1000);
    expect((await serviceNamesOf(installed))()).toBeDefined();
  });

  it("are not trusted in a checkout whose pattern files are newer than the build: the YAML is parsed again", async () => {
    const checkout = copyPackage(join(work, "checkout"));
    const packs = await builtinPacksOf(checkout);
    expect(packs.flatMap((p) => p.rules).length).toBeGreaterThan(1000);
    expect(fromCache(packs)).toBe(0);
    // The service names' cache is refused, naming the file to rebuild (a checkout is built by its developer).
    const names = await serviceNamesOf(checkout);
    expect(() => names()).toThrow(/service-names\.json is missing or older than .*services\.yaml: run npm run build/);
  });
});
