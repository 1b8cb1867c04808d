/**
 * The README's two commands are the ones CI runs on a fresh clone (.ci/run), and `npm ci` can only
 * succeed when package-lock.json matches package.json: a lockfile that lacks a platform package or
 * names an old bin passed `npm install` (which rewrites it) and failed every `npm ci`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The shell code blocks of a Markdown page, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).trim());
}

describe("README", () => {
  it("gives the install and test commands exactly as .ci/run runs them", () => {
    const blocks = shellBlocks(read("README.md"));
    expect(blocks[0]).toBe("npm ci && node bin/gitward.js -C /path/to/repository scan");
    expect(blocks[1]).toBe("npm test");
    const ci = read(".ci/run")
      .split("\n")
      .filter((l) => l.startsWith("npm "));
    expect(ci).toEqual(["npm ci --no-audit --no-fund", "npm test"]);
    expect(existsSync(join(ROOT, "bin/gitward.js"))).toBe(true);
  });

  it("stays a newcomer's page: short, with every link pointing at a file that exists", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThan(120);
    expect(readme).toMatch(/^## Documentation$/m);
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1] as string).filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(existsSync(join(ROOT, link)), link).toBe(true);
  });
});

describe("package-lock.json", () => {
  const pkg = JSON.parse(read("package.json"));
  const lock = JSON.parse(read("package-lock.json"));

  it("records package.json's bin and dependencies for the root package (npm ci refuses a drifted lockfile)", () => {
    const root = lock.packages[""];
    expect(root.name).toBe(pkg.name);
    expect(root.version).toBe(pkg.version);
    expect(root.bin).toEqual(pkg.bin);
    expect(root.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(root.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
    }
  });

  it("has every platform package of the tools that ship native binaries", () => {
    for (const tool of ["@biomejs/biome", "esbuild", "@microsoft/sarif-multitool"]) {
      const entry = lock.packages[`node_modules/${tool}`];
      expect(entry, tool).toBeDefined();
      const optional = Object.keys(entry.optionalDependencies ?? {});
      expect(optional.length, tool).toBeGreaterThan(0);
      const missing = optional.filter((name) => !lock.packages[`node_modules/${name}`]);
      expect(missing, tool).toEqual([]);
    }
  });
});
