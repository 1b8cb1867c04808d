/**
 * Merge commits in history and pre-push scans, on real temp repositories: a
 * merge's own lines (conflict resolutions, evil merges) are reported with the
 * merge as the introducing commit, a clean merge adds nothing, whatever the
 * merge's shape (criss-cross, octopus, unrelated histories, renames on one
 * side). Every history run here is checked three ways that must agree: one git
 * log walking the history with the merges from a `git log --merges` list of
 * their own (--jobs 1), the commit list dealt to two with the merges taken from
 * the walks (--jobs 2), and a --cache run (cold, then warm).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BlobReader } from "../../src/git/blob-reader.js";
import { LineSplitter } from "../../src/sources/diff-parser.js";
import { consolidate } from "../../src/sources/history-findings.js";
import { CombinedDiffParser, MergeDiffs, type MergeFile } from "../../src/sources/merge-diff.js";
import type { CommitInfo, Finding } from "../../src/types.js";
import { createRepo, reposPerTest, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";
import { awsKeyLine, awsRepo, fakeAwsKey } from "./git-helpers.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const repos = reposPerTest();
const repoFor = (): TempRepo => repos.track(awsRepo());
const line = awsKeyLine;
type F = { path: string; startLine: number; commit?: { sha: string }; occurrences?: number };
const where = (findings: F[]) => findings.map((f) => [f.path, f.startLine, f.commit?.sha, f.occurrences]);

/** `gitward history` as JSON, after checking --jobs 1, --jobs 2 and a cold and a warm --cache run agree. */
async function history(repo: TempRepo, ...extra: string[]) {
  const run = async (...args: string[]) => {
    const r = await runCli(["history", ...extra, ...args, "--format", "json"], repo.dir);
    expect(r.stderr).not.toMatch(/internal error/);
    return { code: r.code, findings: r.stdout ? (JSON.parse(r.stdout).findings as F[]) : undefined };
  };
  const one = await run("--jobs", "1");
  const two = await run("--jobs", "2");
  expect(where(two.findings ?? [])).toEqual(where(one.findings ?? []));
  expect(two.code).toBe(one.code);
  const cacheFile = join(tempDir("gitward-merge-cache-"), "cache.json");
  const cold = await run("--cache", cacheFile);
  const warm = await run("--cache", cacheFile);
  expect(JSON.parse(readFileSync(cacheFile, "utf8")).commits.length).toBeGreaterThan(0);
  for (const r of [cold, warm]) {
    expect(where(r.findings ?? [])).toEqual(where(one.findings ?? []));
    expect(r.code).toBe(one.code);
  }
  return one;
}

/** `git merge` that is expected to stop on a conflict. */
function mergeWithConflict(repo: TempRepo, ...args: string[]): void {
  expect(() => repo.git("merge", "-q", ...args)).toThrow();
  expect(repo.git("diff", "--name-only", "--diff-filter=U")).not.toBe("");
}
const head = (repo: TempRepo) => repo.git("rev-parse", "HEAD").trim();

/**
 * old.env (20 lines) renamed to new.env on main while a side branch appends `sideLine` to
 * old.env, then merged cleanly; `mergeLine`, when given, is appended to new.env in the merge
 * (amended: a line of the merge's own). Returns the side's commit and the merge.
 */
function renamedOnOneSide(repo: TempRepo, sideLine: string, mergeLine?: string): { edit: string; merge: string } {
  const body = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join("");
  repo.commit("base", { "old.env": body });
  repo.git("checkout", "-q", "-b", "side");
  const edit = repo.commit("edit", { "old.env": `${body}${sideLine}` });
  repo.git("checkout", "-q", "main");
  repo.git("mv", "old.env", "new.env");
  repo.git("commit", "-q", "-m", "rename");
  repo.git("merge", "-q", "--no-edit", "side");
  if (mergeLine !== undefined) {
    repo.write("new.env", `${repo.read("new.env")}${mergeLine}`);
    repo.git("add", "new.env");
    repo.git("commit", "-q", "--amend", "--no-edit");
  }
  return { edit, merge: head(repo) };
}

// Each case runs gitward four or more times (see history()): room for a loaded machine.
describe("merge commits in history", { timeout: 240_000 }, () => {
  it("a clean merge of two edits to the same file (differs from both parents): nothing of its own", async () => {
    const body = Array.from({ length: 20 }, (_, i) => `l${i}\n`).join("");
    const repo = repoFor();
    repo.commit("base", { "f.env": body });
    repo.git("checkout", "-q", "-b", "side");
    const side = repo.commit("side", { "f.env": body.replace("l2\n", `l2\n${line("same-file-side")}`) });
    repo.git("checkout", "-q", "main");
    const main = repo.commit("main", { "f.env": body.replace("l17\n", `l17\n${line("same-file-main")}`) });
    repo.git("merge", "-q", "--no-edit", "side");
    const merge = head(repo);
    // The control: the merged file is neither parent's version (git diff-tree -c lists it).
    expect(repo.git("diff-tree", "-c", "--name-only", merge)).toContain("f.env");
    const h = await history(repo);
    expect(where(h.findings ?? [])).toEqual([
      ["f.env", 4, side, 1],
      ["f.env", 19, main, 1],
    ]);
    // The merge alone (`X^!`: the commit without its parents).
    expect((await history(repo, `${merge}^!`)).findings).toEqual([]);
    expect(main).not.toBe(merge);
  });

  it("an evil merge in a file only one side changed, and a conflict resolution: the merge's, at merged lines", async () => {
    const repo = repoFor();
    repo.commit("base", { "conf.env": "KEY=base\n", "only-main.txt": "a\nb\n" });
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("side", { "conf.env": "KEY=side\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "conf.env": "KEY=main\n", "only-main.txt": "a\nB\n" });
    mergeWithConflict(repo, "side");
    repo.write("conf.env", `KEY=main\n${line("resolution")}`);
    repo.write("only-main.txt", `a\nB\n${line("evil-one-side")}`);
    repo.git("add", ".");
    repo.git("commit", "-q", "--no-edit");
    const merge = head(repo);
    const h = await history(repo);
    expect(h.code).toBe(1);
    expect(where(h.findings ?? [])).toEqual([
      ["conf.env", 2, merge, 1],
      ["only-main.txt", 3, merge, 1],
    ]);
  });

  it("criss-cross merges: each merge reports only what it wrote itself", async () => {
    const repo = repoFor();
    repo.commit("base", { "a.txt": "a\n", "b.txt": "b\n" });
    repo.git("checkout", "-q", "-b", "side");
    const s1 = repo.commit("s1", { "s.env": line("criss-side") });
    repo.git("checkout", "-q", "main");
    repo.commit("m1", { "m.txt": "m\n" });
    const m1 = head(repo);
    // main merges side, side merges main's m1: two merges whose bases cross.
    repo.git("merge", "-q", "--no-edit", "side");
    repo.git("checkout", "-q", "side");
    repo.git("merge", "-q", "--no-edit", m1);
    // An evil line slipped into the side's merge.
    repo.write("b.txt", `b\n${line("criss-evil")}`);
    repo.git("add", "b.txt");
    repo.git("commit", "-q", "--amend", "--no-edit");
    const sideMerge = head(repo);
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-edit", "side");
    expect(repo.git("rev-list", "--merges", "--count", "HEAD").trim()).toBe("3");
    const h = await history(repo);
    expect(where(h.findings ?? [])).toEqual([
      ["b.txt", 2, sideMerge, 1],
      ["s.env", 1, s1, 1],
    ]);
  });

  it("merging unrelated histories: the other root's files are its own commit's, not the merge's", async () => {
    const repo = repoFor();
    repo.commit("main root", { "README.md": "main\n", "m.env": "M=1\n" });
    repo.git("checkout", "-q", "--orphan", "other");
    repo.git("rm", "-q", "-r", "--cached", ".");
    repo.git("clean", "-q", "-fd");
    const other = repo.commit("other root", { "o.env": line("unrelated-other"), "README.md": "other\n" });
    repo.git("checkout", "-q", "main");
    mergeWithConflict(repo, "--allow-unrelated-histories", "other");
    repo.write("README.md", `main\nother\n${line("unrelated-resolution")}`);
    repo.git("add", "README.md");
    repo.git("commit", "-q", "--no-edit");
    const merge = head(repo);
    const h = await history(repo);
    expect(where(h.findings ?? [])).toEqual([
      ["README.md", 3, merge, 1],
      ["o.env", 1, other, 1],
    ]);
  });

  it("a rename on one side, an edit on the other: the edit stays the editing commit's", async () => {
    const repo = repoFor();
    const { edit, merge: clean } = renamedOnOneSide(repo, line("rename-edit"));
    expect(repo.read("new.env")).toContain(fakeAwsKey("rename-edit"));
    // The merged new.env differs from both parents, and one parent has no new.env at all.
    expect(repo.git("diff-tree", "-c", "--name-only", clean)).toContain("new.env");
    const h = await history(repo);
    expect(where(h.findings ?? [])).toEqual([["old.env", 21, edit, 1]]);
    expect((await history(repo, `${clean}^!`)).findings).toEqual([]);
  });

  it("a rename on one side, an edit on the other, and a line of the merge's own in the renamed file: only that line is the merge's", async () => {
    const repo = repoFor();
    const { edit, merge } = renamedOnOneSide(repo, line("renamed-side"), line("renamed-evil"));
    const h = await history(repo);
    expect(where(h.findings ?? [])).toEqual([
      ["new.env", 22, merge, 1],
      ["old.env", 21, edit, 1],
    ]);
  });

  it("an octopus merge with a resolution of its own: only lines no parent has, tied to the merge (and pre-push the same)", async () => {
    const repo = repoFor();
    const remote = createRepo({ bare: true });
    repos.track({ cleanup: () => remote.cleanup() });
    const base = repo.commit("base", { "two.txt": "t1\n" });
    repo.git("remote", "add", "origin", remote.dir);
    repo.git("push", "-q", "origin", "main");
    repo.git("checkout", "-q", "-b", "b1");
    const b1 = repo.commit("b1", { "one.env": line("octo-b1") });
    repo.git("checkout", "-q", "-b", "b2", "main");
    repo.commit("b2", { "two.txt": "t1\nt2\n" });
    repo.git("checkout", "-q", "-b", "b3", "main");
    repo.commit("b3", { "three.txt": "3\n" });
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-edit", "b1", "b2", "b3");
    repo.write("two.txt", `t1\nt2\n${line("octo-evil")}`);
    repo.git("add", "two.txt");
    repo.git("commit", "-q", "--amend", "--no-edit");
    const octopus = head(repo);
    // Three parents (main itself was their base, so it is not one).
    expect(repo.git("rev-list", "--parents", "-n", "1", octopus).trim().split(" ")).toHaveLength(4);
    const expected = [
      ["one.env", 1, b1, 1],
      ["two.txt", 3, octopus, 1],
    ];
    expect(where((await history(repo)).findings ?? [])).toEqual(expected);
    const p = await runCli(["pre-push", "origin", "url", "--format", "json"], repo.dir, {
      stdin: `refs/heads/main ${octopus} refs/heads/main ${base}\n`,
    });
    expect(p.code).toBe(1);
    expect(where(JSON.parse(p.stdout).findings)).toEqual(expected);
  });

  it("a merge's own line and the same line committed elsewhere in the same second: the other commit introduced it", async () => {
    // Every commit at one committer time: which comes first is left to the tie rule, not to arrival
    // order (the merges' lines come from a process of their own).
    process.env.GIT_COMMITTER_DATE = "2024-03-01T12:00:00Z";
    try {
      const repo = repoFor();
      repo.commit("base", { "s.env": "A=1\n" });
      repo.git("checkout", "-q", "-b", "other");
      const other = repo.commit("other", { "s.env": `A=1\n${line("same-second")}` });
      repo.git("checkout", "-q", "-b", "side", "main");
      repo.commit("side", { "side.txt": "s\n" });
      repo.git("checkout", "-q", "main");
      repo.commit("main", { "main.txt": "m\n" });
      repo.git("merge", "-q", "--no-edit", "side");
      repo.write("s.env", `A=1\n${line("same-second")}`);
      repo.git("add", ".");
      repo.git("commit", "-q", "--amend", "--no-edit");
      const h = await history(repo);
      expect(where(h.findings ?? [])).toEqual([["s.env", 2, other, 2]]);
      // The merge alone: its own line, tied to it.
      const merge = head(repo);
      const alone = await runCli(["history", `${merge}^!`, "--format", "json"], repo.dir);
      expect(where(JSON.parse(alone.stdout).findings)).toEqual([["s.env", 2, merge, 1]]);
    } finally {
      delete process.env.GIT_COMMITTER_DATE;
    }
  });

  it("--path limits merges too: a merge's own lines outside the paths are not reported", async () => {
    const repo = repoFor();
    repo.commit("base", { "a/x.env": "X=base\n", "b/y.env": "Y=base\n" });
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("side", { "a/x.env": "X=side\n", "b/y.env": "Y=side\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("main", { "a/x.env": "X=main\n", "b/y.env": "Y=main\n" });
    mergeWithConflict(repo, "side");
    repo.write("a/x.env", line("path-a"));
    repo.write("b/y.env", line("path-b"));
    repo.git("add", ".");
    repo.git("commit", "-q", "--no-edit");
    const merge = head(repo);
    expect(where((await history(repo, "--path", "b")).findings ?? [])).toEqual([["b/y.env", 1, merge, 1]]);
  });
});

describe("CombinedDiffParser", () => {
  const parse = (text: string): MergeFile[] => {
    const out: MergeFile[] = [];
    const p = new CombinedDiffParser((f) => out.push(f));
    for (const l of text.split("\n")) p.line(l);
    p.end();
    // History reads git's output as bytes, in chunks of any size: the same files must come out.
    const bytes = Buffer.from(text, "utf8");
    for (const size of [1, 5, 64, 1 << 20]) {
      const viaBytes: MergeFile[] = [];
      const q = new CombinedDiffParser((f) => viaBytes.push(f));
      const lines = new LineSplitter((buf, start, end) => q.bytes(buf, start, end));
      for (let at = 0; at < bytes.length; at += size) lines.push(bytes.subarray(at, at + size));
      lines.end();
      q.end();
      expect(viaBytes, `chunks of ${size} bytes`).toEqual(out);
    }
    return out;
  };
  const sha = (c: string) => c.repeat(40);

  it("keeps lines added relative to every parent, numbered in the merge, minus lines a parent lost elsewhere", () => {
    const files = parse(
      [
        sha("a"),
        "diff --combined f.env",
        `index ${sha("1")},${sha("2")}..${sha("3")}`,
        "--- a/f.env",
        "+++ b/f.env",
        "@@@ -2,1 -2,1 +2,3 @@@",
        "- BB",
        " -moved",
        "++RES",
        " +from-main",
        "++moved",
        "@@@ -9,0 -9,0 +11,1 @@@",
        "++diff --combined looks like a header",
        "diff --combined g.txt",
        `index ${sha("0")},${sha("2")}..${sha("4")}`,
        "mode 000000,100644..100755",
        "+++ b/g.txt",
        "@@@ -1,0 -1,1 +1,1 @@@",
        "+ g",
      ].join("\n"),
    );
    expect(files.map((f) => [f.commit, f.path, f.added, f.lineNumbers, f.newBlob, f.newMode, f.status])).toEqual([
      [sha("a"), "f.env", ["RES", "diff --combined looks like a header"], [2, 11], sha("3"), "100644", "modified"],
      [sha("a"), "g.txt", [], [], sha("4"), "100755", "modified"],
    ]);
    expect(files[1]?.parentBlobs).toEqual([sha("0"), sha("2")]);
  });

  it("octopus columns, quoted names, new, deleted and binary files", () => {
    const files = parse(
      [
        sha("b"),
        'diff --combined "t\\303\\251st\\tx.env"',
        `index ${sha("0")},${sha("0")},${sha("0")}..${sha("5")}`,
        "new file mode 100644",
        "--- /dev/null",
        '+++ "b/t\\303\\251st\\tx.env"',
        "@@@@ -1,0 -1,0 -1,0 +1,2 @@@@",
        "+++one",
        "+++two",
        "\\ No newline at end of file",
        "diff --combined gone.txt",
        `index ${sha("1")},${sha("2")},${sha("3")}..${sha("0")}`,
        "deleted file mode 100644,100644,100644",
        "diff --combined pic.png",
        `index ${sha("1")},${sha("2")},${sha("3")}..${sha("6")}`,
        "Binary files differ",
      ].join("\n"),
    );
    expect(files.map((f) => [f.path, f.added, f.lineNumbers, f.status, f.binary])).toEqual([
      ["tést\tx.env", ["one", "two"], [1, 2], "added", false],
      ["pic.png", [], [], "modified", true],
    ]);
  });
});

describe("MergeDiffs", () => {
  it("room(): a list read ahead of git waits until git has answered merges, not until the end", async () => {
    const repo = repoFor();
    repo.commit("base", { "a.txt": "a\n" });
    for (const name of ["x", "y", "z"]) {
      repo.git("checkout", "-q", "-b", name, "main~0");
      repo.commit(name, { [`${name}.txt`]: `${name}\n` });
      repo.git("checkout", "-q", "main");
      repo.git("merge", "-q", "--no-ff", "--no-edit", name);
    }
    const listed = repo.git("log", "--merges", "--format=%H %P").trim().split("\n");
    expect(listed).toHaveLength(3);
    const blobs = new BlobReader(repo.dir);
    // GIT_FLUSH=1: git answers each merge at once (a scan lets it buffer; MERGES_AHEAD is far above what fits).
    const merges = new MergeDiffs({
      cwd: repo.dir,
      pathspec: ["--"],
      config: [],
      env: { GIT_FLUSH: "1" },
      flags: ["-U0", "--full-index"],
      blobs,
    });
    try {
      for (const entry of listed) {
        const [sha = "", ...parents] = entry.split(" ");
        merges.add({ sha, author: "", email: "", date: "" }, parents);
      }
      let roomy = false;
      const room = merges.room(2).then(() => {
        roomy = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(roomy).toBe(false); // three queued, none answered: git's output is not read yet
      const files = merges.files();
      const rest = files.next(); // clean merges: nothing to yield, but their answers are read
      await room;
      expect(roomy).toBe(true);
      merges.end();
      expect((await rest).done).toBe(true);
    } finally {
      merges.kill();
      blobs.close();
    }
  });
});

describe("MergeDiffs renames", () => {
  it("a path one parent lacks: the file carries the question, and git is asked only when it is called", async () => {
    const repo = repoFor();
    renamedOnOneSide(repo, "side line\n", "merge line\n");
    const [sha = "", ...parents] = repo.git("log", "-1", "--format=%H %P").trim().split(" ");
    const blobs = new BlobReader(repo.dir);
    const merges = new MergeDiffs({
      cwd: repo.dir,
      pathspec: ["--"],
      config: [],
      env: {},
      flags: ["-U0", "--full-index"],
      blobs,
    });
    try {
      merges.add({ sha, author: "", email: "", date: "" }, parents);
      merges.end();
      const files: MergeFile[] = [];
      for await (const { file } of merges.files()) files.push(file);
      // The side has no new.env (it has old.env): every line is added relative to it, so the side's line
      // is left beside the merge's until the side's rename is looked up.
      expect(files.map((f) => [f.path, f.added, f.lineNumbers])).toEqual([["new.env", ["side line", "merge line"], [21, 22]]]);
      expect(merges.renameLookups).toBe(0);
      const inherited = await files[0]?.inherited?.();
      expect(merges.renameLookups).toBe(1);
      expect(inherited?.has("side line")).toBe(true);
      expect(inherited?.has("merge line")).toBe(false);
      // Asked again: the same answer, no second question.
      expect(await files[0]?.inherited?.()).toBe(inherited);
      expect(merges.renameLookups).toBe(1);
    } finally {
      merges.kill();
      merges.close();
      blobs.close();
    }
  });
});

describe("consolidate", () => {
  const commit = (sha: string): CommitInfo => ({ sha, author: "a", email: "a@example.com", date: "2024-03-01T12:00:00Z" });
  const finding = (c: CommitInfo, startLine: number): Finding =>
    ({ ruleId: "r", path: "s.env", startLine, fingerprint: "fp", commit: c }) as unknown as Finding;

  it("of a merge and another commit of the same second, keeps the other commit whatever the order they came in", () => {
    const merge = commit("m".repeat(40));
    const other = commit("o".repeat(40));
    const later = commit("l".repeat(40));
    const time = (c: CommitInfo | undefined) => (c === later ? 200 : 100);
    const isMerge = (c: CommitInfo | undefined) => c === merge;
    for (const order of [
      [finding(merge, 2), finding(other, 2), finding(later, 2)],
      [finding(later, 2), finding(other, 2), finding(merge, 2)],
      [finding(other, 2), finding(merge, 2)],
    ]) {
      const [kept] = consolidate(order, time, isMerge);
      expect(kept?.commit).toBe(other);
      expect(kept?.occurrences).toBe(order.length);
    }
    // An older merge is still older.
    const [kept] = consolidate([finding(later, 2), finding(merge, 2)], (c) => (c === merge ? 50 : 100), isMerge);
    expect(kept?.commit).toBe(merge);
  });
});
