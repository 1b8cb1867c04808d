/**
 * Inline allows: parsing in many comment syntaxes, next-line allows, rule
 * scoping, --strict (imprecise allows), unknown rule ids, and
 * --report-unused-allows over every allow in the scanned text.
 */
import { describe, expect, it } from "vitest";
import { parseInlineAllow } from "../../src/filters/inline-allow.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const KEY = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "inline");
const KEY2 = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "inline-2");

const newRepo = reposPerTest();
function repo(files: Record<string, string>): TempRepo {
  const r = newRepo();
  for (const [p, c] of Object.entries(files)) r.write(p, c);
  return r;
}

describe("parseInlineAllow", () => {
  it.each([
    ["key = 1  # gitward:allow aws-access-key-id -- test fixture", ["aws-access-key-id"], "test fixture", false],
    ["x // gitward:allow aws-access-key-id, generic-password -- docs", ["aws-access-key-id", "generic-password"], "docs", false],
    [
      "<!-- gitward:allow jenkins-security-disabled -- local dev only -->",
      ["jenkins-security-disabled"],
      "local dev only",
      false,
    ],
    ["<!-- gitward:allow jenkins-security-disabled -->", ["jenkins-security-disabled"], "", false],
    ["/* gitward:allow-next-line aws-access-key-id -- example */", ["aws-access-key-id"], "example", true],
    ["-- gitward:allow aws-access-key-id -- sql comment", ["aws-access-key-id"], "sql comment", false],
    ["{# gitward:allow aws-access-key-id -- jinja #}", ["aws-access-key-id"], "jinja", false],
    ["; gitward:allow -- everything on this line", [], "everything on this line", false],
    ["# gitward:allow", [], "", false],
    ["% gitward:allow-next-line\r", [], "", true],
    ['assert("unused gitward:allow aws-access-key-id");', ["aws-access-key-id"], "", false],
  ])("%s", (line, rules, reason, nextLine) => {
    expect(parseInlineAllow(line)).toEqual({ marker: "gitward:allow", rules, reason, nextLine });
  });

  it.each([
    ['const MARK = "gitward:allow";'],
    ["see gitward:allowed values"],
    ["notgitward:allow x"],
    [" * runs on every line that mentions gitward:allow, and must stay linear."],
    ["Write `gitward:allow <rule-id> -- <reason>` in a comment"],
    ["gitward:allow <rule-id> -- <reason>"],
    ['"warning: a.env:5: unused gitward:allow generic-password: matches no finding (remove it)",'],
  ])("not an allow: %s", (line) => {
    expect(parseInlineAllow(line)).toBeUndefined();
  });

  it("stays linear on hostile input", () => {
    const line = `# gitward:allow ${"a".repeat(50_000)}!${" -".repeat(10_000)}`;
    const t = performance.now();
    parseInlineAllow(line);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe("inline allows in scans", () => {
  it("suppresses on the same line or the next line, only for the named rule", async () => {
    const r = repo({
      "same.env": `KEY=${KEY} # gitward:allow aws-access-key-id -- test fixture\n`,
      "next.py": `# gitward:allow-next-line aws-access-key-id -- documented example\nKEY = "${KEY}"\n`,
      "other.env": `KEY=${KEY} # gitward:allow generic-password -- wrong rule\n`,
    });
    const res = await runCli(["scan", "--format", "json", "--show-suppressed"], r.dir);
    const doc = JSON.parse(res.stdout) as {
      findings: { path: string; suppressions?: { kind: string; justification: string }[] }[];
    };
    const by = Object.fromEntries(doc.findings.map((f) => [f.path, f.suppressions]));
    expect(by["same.env"]).toEqual([{ kind: "inline", justification: "test fixture" }]);
    expect(by["next.py"]).toEqual([{ kind: "inline", justification: "documented example" }]);
    expect(by["other.env"]).toBeUndefined();
    expect(res.code).toBe(1);
  });

  it("an allow without a rule id allows everything on the line but is imprecise in --strict", async () => {
    const r = repo({ "a.env": `KEY=${KEY} # gitward:allow -- legacy\nB=${KEY2} # gitward:allow aws-access-key-id\n` });
    const loose = await runCli(["scan"], r.dir);
    expect(loose.code).toBe(0);
    expect(loose.stdout).not.toContain("imprecise");
    const strict = await runCli(["scan", "--strict"], r.dir);
    expect(strict.code).toBe(0);
    expect(strict.stdout).toContain(
      "warning: a.env:1: imprecise gitward:allow without a rule id (it allows aws-access-key-id); name the rule",
    );
    expect(strict.stdout).toContain('warning: a.env:2: gitward:allow without a reason; add "-- <reason>"');
  });

  describe("other scanners' markers (gitleaks, detect-secrets) are allows without a rule id", () => {
    // Built here, so this file's own lines are not allows.
    const GITLEAKS = ["gitleaks", "allow"].join(":");
    const PRAGMA = ["pragma:", "allowlist", "secret"].join(" ");
    const PRAGMA_NEXT = ["pragma:", "allowlist", "nextline", "secret"].join(" ");

    it.each([
      [`key = "x" # ${GITLEAKS}`, GITLEAKS, false],
      [`key = "x"  // ${PRAGMA}`, PRAGMA, false],
      [`# ${PRAGMA_NEXT}`, PRAGMA_NEXT, true],
    ])("parses %s", (line, marker, nextLine) => {
      expect(parseInlineAllow(line)).toEqual({ marker, nextLine, rules: [], reason: "" });
    });

    it("does not take a word that only contains a marker", () => {
      expect(parseInlineAllow(`x = "not${GITLEAKS}"`)).toBeUndefined();
      expect(parseInlineAllow(`x = "${GITLEAKS}ed"`)).toBeUndefined();
    });

    it("suppresses every rule on the line (or the next), and --strict reports each as imprecise", async () => {
      const r = repo({
        "a.env": `A=${KEY} # ${GITLEAKS}\nB=${KEY2}  # ${PRAGMA}\n# ${PRAGMA_NEXT}\nC=${KEY}\nD=${KEY2}\n`,
      });
      const loose = await runCli(["scan", "-f", "json", "--show-suppressed"], r.dir);
      expect(loose.code).toBe(1);
      const findings = JSON.parse(loose.stdout).findings as { startLine: number; suppressions?: { justification: string }[] }[];
      expect(findings.map((f) => `${f.startLine} ${f.suppressions?.[0]?.justification ?? "open"}`)).toEqual([
        `1 ${GITLEAKS} (all rules)`,
        `2 ${PRAGMA} (all rules)`,
        `4 ${PRAGMA_NEXT} (all rules)`,
        "5 open",
      ]);
      const strict = await runCli(["scan", "--strict"], r.dir);
      expect(strict.stdout).toContain(
        `warning: a.env:1: imprecise ${GITLEAKS}: it allows every rule (it allows aws-access-key-id); use "gitward:allow <rule-id> -- <reason>"`,
      );
      expect(strict.stdout).toContain(`warning: a.env:2: imprecise ${PRAGMA}: it allows every rule`);
      expect(strict.stdout).toContain(`warning: a.env:3: imprecise ${PRAGMA_NEXT}: it allows every rule`);
      expect(strict.stdout).not.toContain("without a reason");
    });
  });

  it("warns about allows naming unknown rules", async () => {
    const typo = "aws-acess-key-id"; // interpolated, so this file's own line is not an allow
    const r = repo({ "a.env": `KEY=${KEY} # gitward:allow ${typo} -- typo\n` });
    const res = await runCli(["scan"], r.dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('warning: a.env:1: gitward:allow names unknown rule "aws-acess-key-id" (see gitward rules)');
  });

  it("--report-unused-allows lists allows that match nothing, including on lines without findings", async () => {
    const r = repo({
      "a.env": [
        `KEY=${KEY} # gitward:allow aws-access-key-id -- used`,
        "PLAIN=1 # gitward:allow aws-access-key-id -- stale, the key was removed",
        "# gitward:allow-next-line aws-access-key-id -- stale too",
        "NOTHING=here",
        `B=${KEY2} # gitward:allow aws-access-key-id, generic-password -- half used`,
      ].join("\n"),
    });
    const quiet = await runCli(["scan"], r.dir);
    expect(quiet.stdout).not.toContain("unused");
    const res = await runCli(["scan", "--report-unused-allows"], r.dir);
    expect(res.code).toBe(0);
    const warnings = res.stdout.split("\n").filter((l) => l.includes("unused"));
    expect(warnings).toEqual([
      "warning: a.env:2: unused gitward:allow aws-access-key-id: matches no finding (remove it)",
      "warning: a.env:3: unused gitward:allow aws-access-key-id: matches no finding (remove it)",
      "warning: a.env:5: unused gitward:allow generic-password: matches no finding (remove it)",
    ]);
    const json = JSON.parse((await runCli(["scan", "--report-unused-allows", "-f", "json"], r.dir)).stdout) as {
      warnings: { path: string; message: string }[];
    };
    expect(json.warnings.filter((w) => w.message.includes("unused"))).toHaveLength(3);
  });

  it("reportUnusedAllows: true in the config does the same", async () => {
    const r = repo({
      "a.env": "X=1 # gitward:allow aws-access-key-id -- stale\n",
      ".gitward.yaml": "reportUnusedAllows: true\n",
    });
    const res = await runCli(["scan"], r.dir);
    expect(res.stdout).toContain("warning: a.env:1: unused gitward:allow aws-access-key-id");
  });

  it("works on staged changes (allow-next-line above an added line)", async () => {
    const r = repo({ "a.py": "# gitward:allow-next-line aws-access-key-id -- fixture\nplaceholder = 1\n" });
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "init");
    r.write("a.py", `# gitward:allow-next-line aws-access-key-id -- fixture\nKEY = "${KEY}"\n`);
    r.git("add", "-A");
    const res = await runCli(["staged"], r.dir);
    expect(res.stderr).not.toContain("internal error");
    expect(res.code).toBe(0);
  });
});
