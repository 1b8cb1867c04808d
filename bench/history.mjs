// Benchmark 2: history throughput.
//
// On each repository (the large synthetic history, and the real moment history),
// interleaved per round:
//   git log -p -U0 --all > /dev/null            the baseline: git's own diffing, one process
//   the same split over two git log processes   (commit list halved; what two cores can do)
//   gitward history --jobs 1 / --jobs 2         the full scan, report to /dev/null
// Figures: MB of patch per second (patch = bytes of `git log -p -U0 --all`),
// wall-time ratio against the single git log, and peak RSS from /usr/bin/time -v
// (GNU time reports the largest RSS of the process and the children it waited for,
// so a gitward row shows git's peak when git is the larger). The RSS target is
// about the scanner: one extra run per repository reads the scanner process's own
// peak from the JSON report (summary.peakRssMB), git's excluded.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnv, gitwardStep } from "./lib/gitward-cmd.mjs";
import { GITWARD_BIN, NODE } from "./lib/paths.mjs";
import { benchRepos, patchBytes, realRepo, syntheticRepo } from "./lib/repos.mjs";
import { median, medianRatio } from "./lib/stats.mjs";
import { fmt } from "./lib/table.mjs";
import { commandCase, HAS_TIME_V, interleave } from "./lib/timing.mjs";

/** Two `git log --stdin --no-walk=unsorted -p -U0` processes over the two halves of the commit list, in parallel. */
function splitLogCase(dir, env) {
  const shas = execFileSync("git", ["rev-list", "--all"], { cwd: dir, env, maxBuffer: 1 << 28 })
    .toString()
    .trim()
    .split("\n");
  const half = Math.ceil(shas.length / 2);
  const parts = [shas.slice(0, half), shas.slice(half)];
  return {
    name: "2 × git log (commit list split)",
    async run() {
      const t0 = process.hrtime.bigint();
      await Promise.all(
        parts.map(
          (list) =>
            new Promise((resolve, reject) => {
              const child = spawn("git", ["log", "--stdin", "--no-walk=unsorted", "-p", "-U0"], {
                cwd: dir,
                env,
                stdio: ["pipe", "ignore", "ignore"],
              });
              child.on("error", reject);
              child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git log exited ${code}`))));
              child.stdin.end(`${list.join("\n")}\n`);
            }),
        ),
      );
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    },
  };
}

async function benchRepo(label, dir, { runs, log, revs = "--all", split = true }) {
  const env = benchEnv();
  const bytes = patchBytes(dir, revs);
  const count = (extra) =>
    Number(
      execFileSync("git", ["rev-list", ...extra, "--count", revs], { cwd: dir, env })
        .toString()
        .trim(),
    );
  const commits = count([]);
  const merges = count(["--merges"]);
  // gitward's default selection is every ref, as git log's --all.
  const range = revs === "--all" ? [] : [revs];
  const history = (jobs) =>
    commandCase(`gitward history --jobs ${jobs}`, [
      gitwardStep(
        dir,
        ["history", ...range, "--format", "json", "-o", "/dev/null", "--jobs", String(jobs), "--no-progress"],
        env,
        { timeV: true },
      ),
    ]);
  const cases = [
    commandCase(`git log -p -U0 ${revs}`, [{ cmd: "git", args: ["log", "-p", "-U0", revs], cwd: dir, env, timeV: true }]),
    ...(split ? [splitLogCase(dir, env)] : []),
    history(1),
    history(2),
  ];
  log(`history: ${label} (${commits} commits, ${merges} merges, ${fmt.mb(bytes)} of patch)`);
  const res = await interleave(cases, { runs, warmup: 1, log });
  const base = res[0];
  const rows = res.map((r) => {
    const ms = median(r.ms);
    return [
      label,
      r.name,
      r.error ? `unavailable: ${r.error}` : fmt.ms(ms),
      r.error ? "–" : fmt.mbps(bytes / 1e6 / (ms / 1000)),
      r.error || base.error ? "–" : fmt.ratio(medianRatio(r.ms, base.ms)),
      r.error ? "–" : fmt.mb(Math.max(...r.rssBytes.filter(Number.isFinite))),
    ];
  });
  const j = split ? { j1: res[2], j2: res[3] } : { j1: res[1], j2: res[2] };
  return { rows, res, ...j, bytes, commits, merges, scannerPeakMB: scannerPeak(dir, env, range) };
}

/** The scanner process's own peak RSS (MB) for `gitward history --jobs 1`, from its JSON summary. */
function scannerPeak(dir, env, range = []) {
  const tmp = mkdtempSync(join(tmpdir(), "gitward-bench-"));
  try {
    const out = join(tmp, "report.json");
    spawnSyncOk(
      NODE,
      [GITWARD_BIN, "history", ...range, "--format", "json", "-o", out, "--jobs", "1", "--no-progress"],
      dir,
      env,
    );
    return JSON.parse(readFileSync(out, "utf8")).summary.peakRssMB ?? Number.NaN;
  } catch {
    return Number.NaN;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function spawnSyncOk(cmd, args, cwd, env) {
  try {
    execFileSync(cmd, args, { cwd, env, stdio: "ignore" });
  } catch (e) {
    if (e.status !== 1) throw e; // 1: findings
  }
}

export async function run({ runs, quick, log }) {
  const synthCommits = quick ? 3000 : 30000;
  const rows = [];
  const targets = [];
  const notes = [];
  if (!HAS_TIME_V) notes.push("peak RSS unavailable: /usr/bin/time -v is missing (apt-get install time)");
  const synth = await syntheticRepo(synthCommits, log);
  const real = realRepo(log);
  const hRuns = Math.max(3, Math.min(runs, quick ? 3 : 5));
  const s = await benchRepo(`synthetic, ${synthCommits} commits`, synth.dir, { runs: hRuns, log });
  rows.push(...s.rows);
  const r = await benchRepo(`moment, ${real.commits} releases`, real.dir, { runs: hRuns, log });
  rows.push(...r.rows);
  notes.push(
    `synthetic: ${s.commits} commits (${s.merges} merges), ${fmt.mb(s.bytes)} of patch (generated with git fast-import, see bench/README.md)`,
  );
  notes.push(`moment: ${r.commits} commits, ${fmt.mb(r.bytes)} of patch (real releases; few, very large commits)`);
  // Real merge-heavy histories given from outside the repository (GITWARD_BENCH_REPOS, see bench/README.md).
  for (const repo of benchRepos()) {
    const label = `${repo.label} (${repo.revs})`;
    const x = await benchRepo(label, repo.dir, { runs: hRuns, log, revs: repo.revs, split: false });
    rows.push(...x.rows);
    notes.push(
      `${label}: ${x.commits} commits (${x.merges} merges), ${fmt.mb(x.bytes)} of patch; scanner peak RSS ${x.scannerPeakMB} MB`,
    );
    for (const [name, c] of [
      ["--jobs 1", x.j1],
      ["--jobs 2", x.j2],
    ]) {
      const v = c.error || x.res[0].error ? Number.NaN : medianRatio(c.ms, x.res[0].ms);
      targets.push({
        benchmark: "history",
        target: `${repo.label}: ${name} wall ≤ 1.1× git log -p -U0 ${repo.revs}`,
        value: c.error ? `unavailable: ${c.error}` : fmt.ratio(v),
        met: c.error ? undefined : v <= 1.1,
      });
    }
  }
  const [base, , j1, j2] = s.res;
  const ratio = (x) => (x.error || base.error ? Number.NaN : medianRatio(x.ms, base.ms));
  targets.push({
    benchmark: "history",
    target: "--jobs 1 wall ≤ 1.1× git log -p -U0 --all",
    value: j1.error ? `unavailable: ${j1.error}` : fmt.ratio(ratio(j1)),
    met: j1.error ? undefined : ratio(j1) <= 1.1,
  });
  targets.push({
    benchmark: "history",
    target: "--jobs 2 wall < 1.0× git log -p -U0 --all",
    value: j2.error ? `unavailable: ${j2.error}` : fmt.ratio(ratio(j2)),
    met: j2.error ? undefined : ratio(j2) < 1.0,
  });
  const gitPeak = (x) => (x.error ? Number.NaN : Math.max(...x.rssBytes.filter(Number.isFinite)));
  const peaks = [s.scannerPeakMB, r.scannerPeakMB].filter(Number.isFinite);
  notes.push(
    `scanner process peak RSS (summary.peakRssMB, git excluded): ${s.scannerPeakMB} MB (synthetic), ${r.scannerPeakMB} MB (moment); ` +
      `git log -p -U0 --all alone peaks at ${fmt.mb(gitPeak(base))} and ${fmt.mb(gitPeak(r.res[0]))}`,
  );
  targets.push({
    benchmark: "history",
    target: "peak RSS ≤ 200 MB (the scanner; git's own excluded)",
    value: peaks.length ? `${Math.max(...peaks)} MB` : "unavailable",
    met: peaks.length ? Math.max(...peaks) <= 200 : undefined,
  });
  return {
    title: "History throughput",
    header: ["repository", "command", "median wall", "patch MB/s", "× git log", "peak RSS"],
    rows,
    notes,
    targets,
  };
}
