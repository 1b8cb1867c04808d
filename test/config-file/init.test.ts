/** `gitward init`: a commented starter config that validates, is not overwritten by accident, and can install the hook. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";

const repo = reposPerTest();

describe("gitward init", () => {
  it("writes a commented starter .gitward.yaml at the repo root that validates against the schema", async () => {
    const r = repo();
    const res = await runCli(["init"], join(r.dir));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("wrote .gitward.yaml");
    const text = r.read(".gitward.yaml");
    expect(text).toContain("# yaml-language-server: $schema=");
    expect(text).toMatch(/^# .*block \| warn \| off/m);
    const loaded = await loadConfig(r.dir, { repoRoot: r.dir });
    expect(loaded.config.file).toBe(join(r.dir, ".gitward.yaml"));
    expect(loaded.config.failOn).toBe("low");
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
  });

  it("refuses to overwrite an existing config unless --force", async () => {
    const r = repo();
    r.write("gitward.config.yaml", "failOn: high\n");
    const res = await runCli(["init"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("init: gitward.config.yaml already exists (--force overwrites it)");
    expect((await runCli(["init", "--force"], r.dir)).code).toBe(0);
    expect(r.read("gitward.config.yaml")).toContain("yaml-language-server");
  });

  it("--install also installs the pre-commit hook", async () => {
    const r = repo();
    const res = await runCli(["init", "--install"], r.dir);
    expect(res.stderr).not.toContain("internal error");
    expect(res.code).toBe(0);
    expect(existsSync(join(r.dir, ".gitward.yaml"))).toBe(true);
    expect(existsSync(join(r.dir, ".git", "hooks", "pre-commit"))).toBe(true);
  });
});
