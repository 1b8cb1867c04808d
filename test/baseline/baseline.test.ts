/**
 * The baseline on real temp repositories: create/update/prune, content
 * addressing (moved line → still suppressed, changed secret → new), expiry,
 * the merge-friendly file format under plain `git merge`, and how suppressed
 * findings are shown (--show-suppressed in text/JSON, SARIF suppressions).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BaselineFilter, normalizeEntries, parseBaseline, serializeBaseline } from "../../src/filters/baseline.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { sha256 } from "../../src/util/hash.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const key = (seed: string) => expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", seed);
const K1 = key("baseline-1");
const K2 = key("baseline-2");
const K3 = key("baseline-3");

const repo = reposPerTest();

interface BaselineDoc {
  entries: ({ path: string; ruleId: string; secretHash: string; reason?: string; expires?: string } | null)[];
}
const readDoc = (r: TempRepo, file = ".gitward-baseline.json") => JSON.parse(r.read(file)) as BaselineDoc;
const entries = (r: TempRepo, file?: string) => readDoc(r, file).entries.filter((e) => e !== null);

describe("gitward baseline", () => {
  it("create records findings by rule, path and secret hash, never the secret or a line", async () => {
    const r = repo();
    r.write("app/.env", `AWS_ACCESS_KEY_ID=${K1}\n`);
    const c = await runCli(["baseline", "create"], r.dir);
    expect(c.stderr).toBe("");
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("recorded 1 finding in 1 file to .gitward-baseline.json");
    const text = r.read(".gitward-baseline.json");
    expect(text).not.toContain(K1);
    const entryLines = text.split("\n").filter((l) => l.includes('"ruleId"'));
    expect(entryLines).toHaveLength(1);
    expect(entryLines[0]).not.toMatch(/line|date|time/i);
    expect(entries(r)).toEqual([{ path: "app/.env", ruleId: "aws-access-key-id", secretHash: sha256(K1) }]);
    // One entry per line, each ending with a comma, then the null sentinel.
    expect(text).toMatch(
      /\n {4}\{"path": "app\/\.env", "ruleId": "aws-access-key-id", "secretHash": "[0-9a-f]{64}"\},\n {4}null\n/,
    );
    expect(r.read(".gitattributes")).toContain("/.gitward-baseline.json merge=union");

    const scan = await runCli(["scan"], r.dir);
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain("0 findings, 1 suppressed");

    const again = await runCli(["baseline", "create"], r.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; use "gitward baseline update"');
  });

  it("a moved line stays suppressed; a changed secret on a baselined line is reported", async () => {
    const r = repo();
    r.write("config.env", `AWS_ACCESS_KEY_ID=${K1}\n`);
    expect((await runCli(["baseline", "create"], r.dir)).code).toBe(0);

    r.write("config.env", `# a comment pushes it down\n\nexport OTHER=1\nAWS_ACCESS_KEY_ID=${K1}\n`);
    const moved = await runCli(["scan"], r.dir);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain("1 suppressed");

    r.write("config.env", `AWS_ACCESS_KEY_ID=${K2}\n`);
    const changed = await runCli(["scan"], r.dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("[aws-access-key-id]");
    expect(changed.stdout).toContain("config.env:1:");
  });

  it("the same secret in another file is new", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    r.write("b.env", `KEY=${K1}\n`);
    const scan = await runCli(["scan", "--format", "json"], r.dir);
    expect(scan.code).toBe(1);
    const doc = JSON.parse(scan.stdout) as { findings: { path: string }[] };
    expect(doc.findings.map((f) => f.path)).toEqual(["b.env"]);
  });

  it("an expired waiver stops suppressing and the finding carries a note", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    r.write("b.env", `KEY=${K2}\n`);
    await runCli(["baseline", "create", "--reason", "legacy", "--owner", "@platform", "--expires", "2999-12-31"], r.dir);
    const doc = readDoc(r);
    // Expire one entry by hand, as a reviewer would.
    const text = r.read(".gitward-baseline.json").replace(/("path": "a\.env".*?"expires": )"2999-12-31"/, '$1"2001-02-03"');
    expect(text).not.toBe(r.read(".gitward-baseline.json"));
    r.write(".gitward-baseline.json", text);
    expect(doc.entries.filter(Boolean)).toHaveLength(2);

    const scan = await runCli(["scan"], r.dir);
    expect(scan.code).toBe(1);
    expect(scan.stdout).toContain("a.env:1:");
    expect(scan.stdout).toContain("note: baseline waiver expired 2001-02-03 (owner @platform)");
    expect(scan.stdout).not.toContain("b.env:1:");
    expect(scan.stdout).toContain("1 baseline entry has expired in .gitward-baseline.json");

    const json = JSON.parse((await runCli(["scan", "--format", "json"], r.dir)).stdout) as {
      findings: { path: string; notes?: string[]; suppressions?: { kind: string; expired?: boolean; justification: string }[] }[];
    };
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]?.suppressions?.[0]).toMatchObject({ kind: "baseline", expired: true });
    expect(json.findings[0]?.suppressions?.[0]?.justification).toContain("legacy; owner @platform");
  });

  it("update adds new findings and keeps reasons; prune drops entries that no longer match", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create", "--reason", "old key, rotated"], r.dir);
    r.write("b.env", `KEY=${K2}\n`);
    const up = await runCli(["baseline", "update", "--reason", "new"], r.dir);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("added 1 entry to .gitward-baseline.json, kept 1");
    expect(entries(r).map((e) => [e.path, e.reason])).toEqual([
      ["a.env", "old key, rotated"],
      ["b.env", "new"],
    ]);

    r.write("a.env", "KEY=from-the-environment\n");
    const up2 = await runCli(["baseline", "update"], r.dir);
    expect(up2.stdout).toContain("(1 no longer match: gitward baseline prune)");
    const prune = await runCli(["baseline", "prune"], r.dir);
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain("removed 1 entry that no longer match from .gitward-baseline.json, kept 1");
    expect(entries(r).map((e) => e.path)).toEqual(["b.env"]);
  });

  it("prune keeps entries of rules that were not run", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    const prune = await runCli(["baseline", "prune", "--rule", "generic-password"], r.dir);
    expect(prune.stdout).toContain("removed 0 entries");
    expect(entries(r)).toHaveLength(1);
  });

  it("does not record findings already allowed inline or by the config", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1} # gitward:allow aws-access-key-id -- test fixture\n`);
    r.write("fixtures/b.env", `KEY=${K2}\n`);
    r.write(".gitward.yaml", "allowlist:\n  paths: [fixtures/]\n");
    const c = await runCli(["baseline", "create"], r.dir);
    expect(c.stdout).toContain("recorded 0 findings");
    expect(entries(r)).toEqual([]);
  });

  it("--file, --baseline, --no-baseline and the config's baseline: select the file", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    expect((await runCli(["baseline", "create", "--file", "security/accepted.json"], r.dir)).code).toBe(0);
    expect(entries(r, "security/accepted.json")).toHaveLength(1);
    expect(r.read(".gitattributes")).toContain("/security/accepted.json merge=union");

    expect((await runCli(["scan"], r.dir)).code).toBe(1); // not the default location
    expect((await runCli(["scan", "--baseline", "security/accepted.json"], r.dir)).code).toBe(0);
    r.write(".gitward.yaml", "baseline: security/accepted.json\n");
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
    expect((await runCli(["scan", "--no-baseline"], r.dir)).code).toBe(1);
    const missing = await runCli(["scan", "--baseline", "nope.json"], r.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--baseline: nope.json not found");
  });

  it("applies from a subdirectory (paths are relative to the repository root)", async () => {
    const r = repo();
    r.write("svc/api/.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], join(r.dir, "svc"));
    expect(entries(r)[0]?.path).toBe("svc/api/.env");
    const scan = await runCli(["scan", "api"], join(r.dir, "svc"));
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain("1 suppressed");
  });

  it("applies to staged scans", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    r.git("add", "-A");
    const staged = await runCli(["staged"], r.dir);
    expect(staged.stderr).not.toContain("internal error");
    expect(staged.code).toBe(0);
  });

  it("names file, line and field in a malformed baseline", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    const text = r.read(".gitward-baseline.json").replace('"secretHash"', '"expires": "next week", "secretHash"');
    r.write(".gitward-baseline.json", text);
    const scan = await runCli(["scan"], r.dir);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('.gitward-baseline.json:5: entries[0].expires: must be a date YYYY-MM-DD, got "next week"');

    r.write(".gitward-baseline.json", '{\n  "entries": [\n    {"path": "a"},,\n  ]\n}\n');
    const bad = await runCli(["scan"], r.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.gitward-baseline\.json:3: invalid JSON in baseline/);

    // The baseline is read when the first finding is checked against it: a run without findings
    // does not depend on it (and a hook does not pay for reading it), a run with one fails closed.
    r.write("a.env", "KEY=nothing-here\n");
    const clean = await runCli(["scan"], r.dir);
    expect(clean.code).toBe(0);
    expect(clean.stderr).not.toContain("baseline");
    r.write("b.env", `KEY=${K1}\n`);
    const found = await runCli(["scan"], r.dir);
    expect(found.code).toBe(2);
    expect(found.stderr).toMatch(/\.gitward-baseline\.json:3: invalid JSON in baseline/);
  });
});

describe("baseline merges", () => {
  function branchWithEntry(r: TempRepo, branch: string, file: string, secret: string) {
    r.git("checkout", "-q", "-b", branch, "main");
    r.write(file, `KEY=${secret}\n`);
    const up = runCli(["baseline", "update"], r.dir);
    return up.then((u) => {
      expect(u.code).toBe(0);
      r.git("add", "-A");
      r.git("commit", "-q", "-m", `${branch}: accept ${file}`);
      r.git("checkout", "-q", "main");
    });
  }

  it("two branches adding entries at different places merge cleanly with plain git merge (no merge driver)", async () => {
    const r = repo();
    r.write("b.env", `KEY=${K1}\n`);
    r.write("d.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    r.git("rm", "-q", "--cached", "--ignore-unmatch", ".gitattributes");
    r.write(".gitattributes", "");
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "baseline");
    await branchWithEntry(r, "one", "a.env", K2); // sorts before b.env
    await branchWithEntry(r, "two", "c.env", K3); // sorts between b.env and d.env
    r.git("merge", "-q", "--no-edit", "one");
    r.git("merge", "-q", "--no-edit", "two"); // throws on conflict
    const merged = await parseBaseline(r.read(".gitward-baseline.json"), "merged");
    expect(merged.map((e) => e.path)).toEqual(["a.env", "b.env", "c.env", "d.env"]);
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
  });

  it("two branches adding entries at the same place merge cleanly (merge=union from baseline create)", async () => {
    const r = repo();
    r.write("a.env", `KEY=${K1}\n`);
    await runCli(["baseline", "create"], r.dir);
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "baseline");
    await branchWithEntry(r, "one", "x.env", K2);
    await branchWithEntry(r, "two", "y.env", K3);
    r.git("merge", "-q", "--no-edit", "one");
    r.git("merge", "-q", "--no-edit", "two");
    const text = r.read(".gitward-baseline.json");
    expect(text).not.toContain("<<<<<<<");
    const merged = await parseBaseline(text, "merged");
    expect(merged.map((e) => e.path).sort()).toEqual(["a.env", "x.env", "y.env"]);
    expect((await runCli(["scan"], r.dir)).code).toBe(0);
    // update re-sorts the union's output.
    await runCli(["baseline", "update"], r.dir);
    expect(r.read(".gitward-baseline.json")).toBe(serializeBaseline(merged));
  });
});

describe("baseline format", () => {
  const h = (s: string) => sha256(s);
  it("serializes sorted, de-duplicated, one entry per line, and parses back", async () => {
    const text = serializeBaseline([
      { path: "b", ruleId: "r", secretHash: h("2") },
      { path: "a", ruleId: "r", secretHash: h("1"), reason: "why", owner: "@me", expires: "2030-01-01" },
      { path: "b", ruleId: "r", secretHash: h("2") },
    ]);
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("    {"))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("    {")).every((l) => l.endsWith("},"))).toBe(true);
    const parsed = await parseBaseline(text, "x.json");
    expect(parsed.map((e) => e.path)).toEqual(["a", "b"]);
    expect(parsed[0]).toEqual({ path: "a", ruleId: "r", secretHash: h("1"), reason: "why", owner: "@me", expires: "2030-01-01" });
    expect(serializeBaseline(parsed)).toBe(text);
    expect(normalizeEntries(parsed)).toEqual(parsed);
  });

  it("expires at the start of the expiry day (UTC)", async () => {
    const entry = { path: "a", ruleId: "aws-access-key-id", secretHash: h("s"), expires: "2030-06-01" };
    const finding = { ruleId: "aws-access-key-id", path: "a", secretHash: h("s") } as never;
    const input = { finding, fragment: {} as never, previousLine: async () => undefined };
    const before = new BaselineFilter([entry], { origin: "b.json", now: new Date("2030-05-31T23:59:59Z") });
    expect((await before.check(input))?.expired).toBeUndefined();
    const on = new BaselineFilter([entry], { origin: "b.json", now: new Date("2030-06-01T00:00:00Z") });
    expect((await on.check(input))?.expired).toBe(true);
  });

  it("rejects impossible dates and unknown fields", async () => {
    const bad = (entry: string) => `{"entries": [\n${entry},\nnull]}`;
    await expect(
      parseBaseline(bad(`{"path":"a","ruleId":"r","secretHash":"${h("x")}","expires":"2030-02-30"}`), "b.json"),
    ).rejects.toThrow("b.json:2: entries[0].expires: must be a date YYYY-MM-DD");
    await expect(parseBaseline(bad(`{"path":"a","ruleId":"r","secretHash":"${h("x")}","line":3}`), "b.json")).rejects.toThrow(
      'b.json:2: entries[0]: unknown field "line"',
    );
    await expect(parseBaseline(bad(`{"path":"a","ruleId":"r","secretHash":"nothex"}`), "b.json")).rejects.toThrow(
      "entries[0].secretHash: must be a SHA-256",
    );
  });
});
