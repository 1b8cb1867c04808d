/**
 * The worker-thread relay that drains `git log` for history scans: same bytes
 * as a direct git call, a bounded hand-over buffer, failures reported, and an
 * abandoned read stopping git.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { RELAY_BOOT, spawnGitInline, spawnGitRelayed } from "../../src/git/git-relay.js";
import { checkGit } from "../../src/git/git-stream.js";
import { runGit } from "../../src/git/run-git.js";
import { HistorySource } from "../../src/sources/history.js";
import { createRepo } from "../helpers/temp-repo.js";

const repo = createRepo();
afterAll(() => repo.cleanup());
for (let i = 0; i < 20; i++) repo.commit(`commit ${i}`, { [`src/file${i % 4}.txt`]: `line ${i}\n`.repeat(50 + i) });
// 6 MB of text in one blob (hex, so git treats it as text), for the buffering test.
const big = randomBytes(3 * 1024 * 1024).toString("hex");
repo.commit("big", { "big.txt": big });
const bigBlob = repo.git("rev-parse", "HEAD:big.txt").trim();

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A relay thread started the way bin/gitward.cjs starts one for `history`. */
function prestart(): Worker & { gitwardEnded?: boolean } {
  const worker: Worker & { gitwardEnded?: boolean } = new Worker(RELAY_BOOT, { eval: true });
  worker.unref();
  const ended = () => {
    worker.gitwardEnded = true;
  };
  worker.on("error", ended);
  worker.on("exit", ended);
  (globalThis as Record<symbol, unknown>)[Symbol.for("gitward.relay")] = worker;
  return worker;
}

describe("a relay thread started before it is needed (bin/gitward.cjs, history)", () => {
  const slot = Symbol.for("gitward.relay");
  const global = globalThis as Record<symbol, unknown>;

  it("bin/gitward.cjs boots it with the same text", () => {
    const literal = /const RELAY_BOOT =\s*('[^\n]*');/.exec(readFileSync(join(__dirname, "../../bin/gitward.cjs"), "utf8"))?.[1];
    expect(literal).toBeDefined();
    expect(new Function(`return ${literal}`)()).toBe(RELAY_BOOT);
  });

  it("is taken by the first relay, which streams exactly what git prints; later relays boot their own", async () => {
    const worker = prestart();
    const exited = new Promise((resolve) => worker.on("exit", resolve));
    const direct = await runGit(["log", "-p", "--all"], repo.dir);
    const relayed = spawnGitRelayed(["log", "-p", "--all"], repo.dir);
    expect(global[slot]).toBeUndefined();
    const second = spawnGitRelayed(["log", "--format=%H", "-1"], repo.dir);
    expect((await collect(relayed.stdout)).equals(direct.stdout)).toBe(true);
    await expect(relayed.done).resolves.toMatchObject({ code: 0 });
    expect((await collect(second.stdout)).toString().trim()).toBe(repo.git("rev-parse", "HEAD").trim());
    await exited; // the prestarted thread was the one that ran git, and ended with it
  });

  it("one that has ended is not used: the relay boots its own", async () => {
    const worker = prestart();
    await worker.terminate();
    await new Promise((r) => setImmediate(r));
    expect(worker.gitwardEnded).toBe(true);
    const relayed = spawnGitRelayed(["log", "--format=%H", "-1"], repo.dir);
    expect((await collect(relayed.stdout)).toString().trim()).toBe(repo.git("rev-parse", "HEAD").trim());
    expect(global[slot]).toBeUndefined();
  });
});

describe("spawnGitInline (pre-push's walk, read on this thread)", () => {
  it("streams exactly what git prints, passes stdin through and reports a failure", async () => {
    const direct = await runGit(["log", "-p", "--all"], repo.dir);
    const inline = spawnGitInline(["log", "-p", "--all"], repo.dir);
    inline.endInput();
    expect((await collect(inline.stdout)).equals(direct.stdout)).toBe(true);
    await expect(inline.done).resolves.toMatchObject({ code: 0 });
    const shas = repo.git("rev-list", "--max-count=3", "HEAD").trim().split("\n");
    const listed = spawnGitInline(["log", "--stdin", "--no-walk=unsorted", "--format=%H"], repo.dir);
    for (const sha of shas) listed.write(`${sha}\n`);
    listed.endInput();
    expect((await collect(listed.stdout)).toString().trim().split("\n")).toEqual(shas);
    const bad = spawnGitInline(["log", "no-such-revision"], repo.dir);
    bad.endInput();
    await collect(bad.stdout);
    await expect(checkGit(bad, "git log")).rejects.toThrow(/git log failed: .*no-such-revision/);
  });
});

describe("spawnGitRelayed", () => {
  it("streams exactly what git prints", async () => {
    const direct = await runGit(["log", "-p", "--all"], repo.dir);
    const relayed = spawnGitRelayed(["log", "-p", "--all"], repo.dir);
    const out = await collect(relayed.stdout);
    expect(out.equals(direct.stdout)).toBe(true);
    expect(out.length).toBeGreaterThan(6_000_000);
    await expect(relayed.done).resolves.toMatchObject({ code: 0 });
  });

  it("passes stdin through (git log --stdin)", async () => {
    const shas = repo.git("rev-list", "--max-count=3", "HEAD").trim().split("\n");
    const relayed = spawnGitRelayed(["log", "--stdin", "--no-walk=unsorted", "--format=%H"], repo.dir);
    for (const sha of shas) relayed.write(`${sha}\n`);
    relayed.endInput();
    expect((await collect(relayed.stdout)).toString().trim().split("\n")).toEqual(shas);
  });

  it("stops reading while the consumer holds more than its budget, and loses nothing", async () => {
    const budget = 256 * 1024;
    const relayed = spawnGitRelayed(["cat-file", "-p", bigBlob], repo.dir, [], {}, budget);
    const reader = relayed.stdout[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.done).toBe(false);
    // Not consuming: the thread must pause once the budget is handed over, not read all 6 MB.
    await new Promise((r) => setTimeout(r, 300));
    expect(relayed.pendingBytes).toBeLessThanOrEqual(budget + 128 * 1024);
    const rest: Buffer[] = [first.value as Buffer];
    for (let r = await reader.next(); !r.done; r = await reader.next()) rest.push(r.value);
    expect(Buffer.concat(rest).toString()).toBe(big);
  });

  it("reports git's failure with its exit code and stderr", async () => {
    const relayed = spawnGitRelayed(["log", "no-such-revision"], repo.dir);
    expect((await collect(relayed.stdout)).length).toBe(0);
    await expect(checkGit(relayed, "git log")).rejects.toThrow(/git log failed: .*no-such-revision/);
  });

  it("stops git when the reader gives up early", async () => {
    const relayed = spawnGitRelayed(["cat-file", "-p", bigBlob], repo.dir, [], {}, 64 * 1024);
    for await (const _chunk of relayed.stdout) break;
    const { code } = await relayed.done;
    expect(code).not.toBe(0); // killed, not finished
  });
});

/** git processes whose parent is this (test) process: the relays' children. */
function childGits(): string[] {
  return execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" })
    .split("\n")
    .filter((l) => /^git .*\blog\b/.test(l));
}

describe("HistorySource", () => {
  // 30 MB of history: more than the relays' budget (8 MB each), so git is still running
  // (blocked on its full pipe) when the scan ends early.
  const large = createRepo();
  afterAll(() => large.cleanup());
  for (let i = 0; i < 10; i++) large.commit(`c${i}`, { [`blob${i}.txt`]: randomBytes(1536 * 1024).toString("hex") });
  const ctx = { skip: () => {}, warn: () => {}, countFile: () => {}, countCommit: () => {} };
  // The relay threads start git a moment after they are created: give them time to (wrongly) run.
  const settled = async () => {
    await new Promise((r) => setTimeout(r, 400));
    for (let i = 0; i < 50 && childGits().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    return childGits();
  };

  it.each([1, 2])("stops its git processes when the consumer stops early (nothing is left running), --jobs %i", async (jobs) => {
    const source = new HistorySource({ cwd: large.dir, revs: ["--all"], maxFileSize: 64 << 20, jobs });
    let got = 0;
    for await (const _fragment of source.fragments(ctx)) {
      got++;
      expect(childGits().length).toBeGreaterThan(0); // the logs are running while we read
      break;
    }
    expect(got).toBe(1);
    expect(await settled()).toEqual([]);
  });

  it.each([1, 2])("fails the scan when the progress callback fails, and stops its git processes, --jobs %i", async (jobs) => {
    const source = new HistorySource({
      cwd: large.dir,
      revs: ["--all"],
      maxFileSize: 64 << 20,
      jobs,
      onTotal: () => {
        throw new Error("progress display failed");
      },
    });
    await expect(async () => {
      for await (const _fragment of source.fragments(ctx)) {
        // never reached
      }
    }).rejects.toThrow("progress display failed");
    expect(await settled()).toEqual([]);
  });

  it("reads the same fragments walking the selection (--jobs 1) as from a commit list (--jobs 2), for pre-push style revisions", async () => {
    const fragments = async (jobs: number, revs: string[]) => {
      const source = new HistorySource({ cwd: repo.dir, revs, maxFileSize: 64 << 20, jobs, kind: "pre-push" });
      const out: string[] = [];
      for await (const f of source.fragments(ctx)) out.push(`${f.commit?.sha} ${f.path}:${f.startLine} ${f.text.length}`);
      return { out, listed: source.stats.listed, scanned: source.stats.scanned };
    };
    const head = repo.git("rev-parse", "HEAD").trim();
    const base = repo.git("rev-parse", "HEAD~6").trim();
    for (const revs of [[head, "--not", base], ["--all"], [`${base}..${head}`]]) {
      const walked = await fragments(1, revs);
      expect(walked.out.length).toBeGreaterThan(0);
      expect(walked).toEqual(await fragments(2, revs));
    }
    expect((await fragments(1, [head, "--not", base])).scanned).toBe(6);
  });
});
