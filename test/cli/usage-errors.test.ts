/**
 * Issue 17 items 5 and 6: a scan that can scan nothing, or was asked for something that does not
 * exist, is a usage error (exit 2 with a message naming what was asked), in every command; and
 * history --path takes globs the way users write them.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsRepo, brief, fakeAwsKey, findingsOf } from "../git/git-helpers.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const repo = (): TempRepo => repos.track(awsRepo());
const K = fakeAwsKey("usage-1");

function docsRepo(): TempRepo {
  const r = repo();
  r.commit("docs", { "README.md": "# app\n", "docs/setup.md": `# setup\nkey ${K}\n`, "src/a.txt": "a\n" });
  return r;
}

describe("history --path takes globs", () => {
  it("'*.md' matches at any depth, 'docs/*.md' under docs/, a plain path is a file or directory", async () => {
    const r = docsRepo();
    for (const path of ["*.md", "docs/*.md", "**/setup.md", "docs", "docs/setup.md"]) {
      const out = await runCli(["history", "-f", "json", "--path", path], r.dir);
      expect({ path, code: out.code, stderr: out.stderr }).toEqual({ path, code: 1, stderr: "" });
      expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id docs/setup.md:2"]);
    }
    // A glob that matches only clean files scans them: no finding, exit 0.
    const clean = await runCli(["history", "--path", "src/*.txt"], r.dir);
    expect(clean.code).toBe(0);
  });
});

describe("usage errors exit 2 with a message", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "history --path that matches nothing",
      ["history", "--path", "nonexistent"],
      /--path nonexistent: matches no file in the selected commits/,
    ],
    [
      "history --path glob that matches nothing",
      ["history", "--path", "*.xyz"],
      /--path \*\.xyz: matches no file in the selected commits/,
    ],
    [
      "history --since an unknown ref",
      ["history", "--since", "no-such-branch"],
      /--since: "no-such-branch" is neither a commit nor a date/,
    ],
    [
      "history range with an unknown ref",
      ["history", "main..no-such-branch"],
      /history: "main..no-such-branch": unknown revision/,
    ],
    ["scan --rule an unknown rule", ["scan", "--rule", "no-such-rule", "."], /--rule: unknown rule "no-such-rule"/],
    ["staged --rule an unknown rule", ["staged", "--rule", "no-such-rule"], /--rule: unknown rule "no-such-rule"/],
    ["history --rule an unknown rule", ["history", "--rule", "no-such-rule"], /--rule: unknown rule "no-such-rule"/],
    ["scan --max-file-size 0", ["scan", "--max-file-size", "0", "."], /--max-file-size: 0 would skip every file/],
    ["history --max-file-size 0", ["history", "--max-file-size", "0"], /--max-file-size: 0 would skip every file/],
    ["scan - --staged", ["scan", "-", "--staged"], /scan: '-' \(stdin\) and --staged are different sources/],
    ["scan a missing file", ["scan", "missing.env"], /scan: missing\.env: no such file or directory/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = docsRepo();
      r.write("staged.txt", "x\n");
      r.git("add", "staged.txt");
      const out = await runCli(argv, r.dir, { stdin: "x\n" });
      expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toMatch(/internal error|TypeError|\n\s+at /);
      expect(out.code).toBe(2);
    });
  }

  it("history --path that the selected commits do not touch (other commits do)", async () => {
    const r = docsRepo();
    r.commit("later", { "src/b.txt": "b\n" });
    const out = await runCli(["history", "HEAD~1..HEAD", "--path", "docs"], r.dir);
    expect(out.stderr).toMatch(/--path docs: matches no file in the selected commits/);
    expect(out.code).toBe(2);
    // An empty selection is not a usage error (CI on a push that adds no commit).
    const empty = await runCli(["history", "HEAD..HEAD", "--path", "docs"], r.dir);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/no commits in the selected range/);
  });

  it("an explicitly named symlink is a usage error; a symlink met while walking a directory is skipped", async () => {
    const r = docsRepo();
    r.write("real.env", `KEY=${K}\n`);
    symlinkSync("real.env", join(r.dir, "link.env"));
    const named = await runCli(["scan", "link.env"], r.dir);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(
      /scan: link\.env is a symbolic link \(to real\.env\); gitward does not follow links: name its target/,
    );
    const walked = await runCli(["scan", "-f", "json", "."], r.dir);
    expect(walked.code).toBe(1);
    expect(brief(findingsOf(walked.stdout))).toEqual(["aws-access-key-id docs/setup.md:2", "aws-access-key-id real.env:1"]);
  });

  it("a config whose extends leaves no rule active, in scan, staged, history and pre-push", async () => {
    const r = docsRepo();
    r.write(".gitward.yaml", "extends: []\n");
    for (const argv of [["scan", "."], ["staged"], ["history"], ["pre-push", "origin", "url"]]) {
      const head = r.git("rev-parse", "HEAD").trim();
      const out = await runCli(argv, r.dir, { stdin: `refs/heads/main ${head} refs/heads/main ${"0".repeat(40)}\n` });
      expect({ argv, code: out.code }).toEqual({ argv, code: 2 });
      expect(out.stderr).toMatch(/no rules are active \(\.gitward\.yaml: extends loads 0 rules\); nothing would be found/);
    }
  });
});
