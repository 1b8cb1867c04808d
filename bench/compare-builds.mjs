// Before/after of gitward builds on a real history: `git log -p -U0 <revs>` and `gitward history
// <revs>` of each build, alternated. The method of bench/README.md's "Real histories" rounds.
//
//   node bench/compare-builds.mjs <repo> <rounds> "<revs>" <build> [<build> ...]
//   node bench/compare-builds.mjs /tmp/bench/git.git 7 "v2.44.0..v2.46.0" /tmp/before /tmp/after
//
// A build is a copy of bin/ dist/ patterns/ package.json made with `cp -a` (the built-in pack cache
// is checked against the pattern files' times), with node_modules beside it (a symlink will do).
// Each round runs git log and every build once, in an order rotated per round, after one untimed
// warm-up round; the figures are medians, the ratios medians of per-round ratios to git log. Wall
// time, CPU (user + system, children included) and peak RSS (the largest process) come from GNU
// time. The findings of each build's last run are compared (rule, path, line, column, commit,
// occurrences, present at HEAD, secret hash) and must be the same.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { median } from "./lib/stats.mjs";

const [repo, roundsArg, revsArg, ...builds] = process.argv.slice(2);
if (!repo || !roundsArg || !revsArg || builds.length === 0) {
  console.error('usage: node bench/compare-builds.mjs <repo> <rounds> "<revs>" <build> [<build> ...]');
  process.exit(2);
}
const revs = revsArg.split(" ").filter(Boolean);
const rounds = Number(roundsArg);
const work = mkdtempSync(join(tmpdir(), "gitward-compare-"));
const cases = [
  { name: "git log", cmd: ["git", "log", "-p", "-U0", ...revs] },
  ...builds.map((b) => ({
    name: basename(b),
    out: join(work, `${basename(b)}.json`),
    cmd: ["node", join(b, "bin", "gitward.cjs"), "history", ...revs, "--no-cache", "--format", "json"],
    // A user cache of its own: builds with different code would invalidate each other's validated
    // configs and packs in a repository that has them, and every run would pay for it.
    env: { ...process.env, GITWARD_CACHE_DIR: join(work, `cache-${basename(b)}`) },
  })),
];
const results = new Map(cases.map((c) => [c.name, []]));
const loads = [];
const timeFile = join(work, "time.txt");
try {
  for (let r = -1; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + Math.max(r, 0)) % cases.length];
      const run = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", "-o", timeFile, ...c.cmd], {
        cwd: repo,
        env: c.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 30,
      });
      // gitward exits 1 when it reports findings; anything else is a failed run.
      if (run.status !== 0 && !(c.out && run.status === 1)) {
        throw new Error(`${c.name} exited ${run.status}: ${run.stderr.toString().slice(0, 500)}`);
      }
      if (c.out && r === rounds - 1) spawnSync("sh", ["-c", 'cat > "$0"', c.out], { input: run.stdout });
      const [wall, user, sys, rssKb] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
      if (r >= 0) results.get(c.name).push({ wall, cpu: user + sys, rss: rssKb / 1024 });
    }
    if (r >= 0) loads.push(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  }
  const git = results.get("git log");
  console.log(`${repo} ${revsArg}: ${rounds} rounds, load ${loads.join(" ")}`);
  for (const c of cases) {
    const x = results.get(c.name);
    const ratio = median(x.map((v, i) => v.wall / git[i].wall));
    console.log(
      `${c.name.padEnd(12)} wall ${median(x.map((v) => v.wall)).toFixed(2)} s  ${ratio.toFixed(2)}×  ` +
        `CPU ${median(x.map((v) => v.cpu)).toFixed(2)} s  peak RSS ${Math.max(...x.map((v) => v.rss)).toFixed(0)} MB`,
    );
  }
  const key = (f) =>
    JSON.stringify([f.ruleId, f.path, f.startLine, f.startColumn, f.commit?.sha, f.occurrences, f.presentAtHead, f.secretHash]);
  const findings = cases.filter((c) => c.out).map((c) => JSON.parse(readFileSync(c.out, "utf8")).findings.map(key).sort());
  const same = findings.every((f) => JSON.stringify(f) === JSON.stringify(findings[0]));
  console.log(`findings: ${findings.map((f) => f.length).join(" / ")}, ${same ? "the same" : "DIFFERENT"}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
