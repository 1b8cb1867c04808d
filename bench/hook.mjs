// Benchmark 1: pre-commit hook latency.
//
// Repository: the real moment history (bench/lib/repos.mjs). Three staged
// changes, each re-created from HEAD before its rounds:
//   tiny   1 file, 2 added lines
//   10     10 files, 30 added lines each (300 lines of real moment code)
//   1000   1,000 files (every tracked file edited, the rest new files of real code)
// Cases, interleaved per round:
//   floor            node -e 0  +  git diff --cached -U0  (the least any Node hook can cost)
//   gitward staged   node bin/gitward.cjs staged
//   hook             git commit with the hook that `gitward install` wrote (reset after each run),
//                    next to git commit --no-verify, so the hook's share is visible
//   secretlint       secretlint + preset-recommend on the same files (and through npx, 10-file change)
//   pre-push         gitward pre-push of the 10-file change committed (commit-tree, no branch moved),
//                    as git gives a push of that one commit on stdin
//   adopter          gitward staged in the adopter's repository (issue 13, lib/adopter.mjs): the same
//                    history and change plus a .gitward.yaml extending the built-in packs and a local
//                    pack of one rule, one rule override, two allowlist globs and a baseline (20
//                    entries, and 1,000 in a second clone); tiny and 10-file changes
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { adopterRepo } from "./lib/adopter.mjs";
import { benchEnv, gitwardStep, secretlintAvailable, secretlintNpxStep, secretlintStep } from "./lib/gitward-cmd.mjs";
import { GITWARD_BIN, GITWARD_ROOT, NODE, WORK } from "./lib/paths.mjs";
import { realRepo } from "./lib/repos.mjs";
import { median, medianRatio } from "./lib/stats.mjs";
import { fmt } from "./lib/table.mjs";
import { commandCase, interleave, runStep } from "./lib/timing.mjs";

function git(cwd, args, env) {
  return execFileSync("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 }).toString();
}

/** Real code lines to add: a window of lines from another tracked file. */
function linesFrom(dir, files, seed, count) {
  for (let k = 0; k < files.length; k++) {
    const f = files[(seed + k * 7) % files.length];
    const lines = readFileSync(join(dir, f), "latin1")
      .split("\n")
      .filter((l) => l.trim().length > 0 && l.length < 200);
    if (lines.length >= count) {
      const start = (seed * 13) % (lines.length - count + 1);
      return lines.slice(start, start + count);
    }
  }
  return Array.from({ length: count }, (_, i) => `// bench line ${seed}.${i}`);
}

/**
 * Resets the repository to HEAD and stages a change of `files` files with `lines` added lines each;
 * `underFixtures` of them are new files under test/fixtures/ (a path the adopter's config allowlists).
 */
export function stageChange(dir, env, { files: fileCount, lines }, { keepIgnored = false, underFixtures = 0 } = {}) {
  git(dir, ["reset", "-q", "--hard", "HEAD"], env);
  // keepIgnored: a hook manager's set-up (node_modules, .husky/_) lives in ignored files.
  git(dir, ["clean", "-q", keepIgnored ? "-fd" : "-fdx"], env);
  const tracked = git(dir, ["ls-files", "*.js"], env).split("\n").filter(Boolean).sort();
  const step = Math.max(1, Math.floor(tracked.length / Math.max(1, fileCount)));
  const targets = [];
  for (let i = 0; i < tracked.length && targets.length < fileCount; i += fileCount >= tracked.length ? 1 : step)
    targets.push(tracked[i]);
  const changed = [];
  for (let i = 0; i < Math.min(underFixtures, fileCount); i++) {
    const f = `test/fixtures/bench-${i}.js`;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), `${linesFrom(dir, tracked, i + 5, lines).join("\n")}\n`, "latin1");
    changed.push(f);
  }
  targets.splice(Math.max(0, fileCount - changed.length));
  targets.forEach((f, i) => {
    const path = join(dir, f);
    const text = readFileSync(path, "latin1").split("\n");
    const at = Math.floor(text.length / 2);
    text.splice(at, 0, ...linesFrom(dir, tracked, i + 1, lines));
    writeFileSync(path, text.join("\n"), "latin1");
    changed.push(f);
  });
  for (let i = 0; changed.length < fileCount; i++) {
    const f = `bench-added/${String(i).padStart(4, "0")}.js`;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), `${linesFrom(dir, tracked, i + 3, lines).join("\n")}\n`, "latin1");
    changed.push(f);
  }
  git(dir, ["add", "-A"], env);
  return changed;
}

export const SCENARIOS = [
  { id: "tiny", label: "tiny (1 file, 2 lines)", files: 1, lines: 2 },
  { id: "10", label: "10 files, 300 lines", files: 10, lines: 30 },
  { id: "1000", label: "1,000 files, 5,000 lines", files: 1000, lines: 5 },
];

/** Installs the hook with `gitward install`; returns undefined or the reason it is unavailable. */
function installHook(dir, env) {
  try {
    runStep({ cmd: NODE, args: [GITWARD_BIN, "install"], cwd: dir, env });
    return undefined;
  } catch (e) {
    return `gitward install failed (${e.message})`;
  }
}

/**
 * gitward as a user gets it: the frozen copy packed with `npm pack` and installed with `npm install`
 * into bench/.work/installed (npm dates every extracted file at the extraction, which the build's
 * caches must cope with). Returns the installed bin, or why it is unavailable.
 */
function installFromTarball(log) {
  const root = join(WORK, "installed");
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log("hook: npm pack + npm install of the frozen copy (the installed-package case)…");
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", root], {
    cwd: GITWARD_ROOT,
    encoding: "utf8",
  });
  const tarball = readdirSync(root).find((f) => f.endsWith(".tgz"));
  if (pack.status !== 0 || !tarball) return { problem: `npm pack failed: ${(pack.stderr || "").trim().split("\n").pop()}` };
  writeFileSync(join(root, "package.json"), '{"private":true}\n');
  const install = spawnSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline", join(root, tarball)],
    { cwd: root, encoding: "utf8" },
  );
  if (install.status !== 0) return { problem: `npm install failed: ${(install.stderr || "").trim().split("\n").pop()}` };
  return { bin: join(root, "node_modules", "gitward", "bin", "gitward.cjs") };
}

export const ADOPTERS = [
  {
    id: "adopter",
    label: "gitward staged, adopter's repo (config, local pack, 20-entry baseline)",
    target: "adopter's repo",
    baselineEntries: 20,
  },
  {
    id: "adopter-1000",
    label: "gitward staged, adopter's repo, 1,000-entry baseline",
    target: "adopter's repo, 1,000-entry baseline",
    baselineEntries: 1000,
  },
  {
    // A commit that touches an allowlisted path: the config's own globs are matched (issue 13).
    id: "adopter-fixtures",
    label: "gitward staged, adopter's repo, 2 of the files under test/fixtures/ (allowlisted)",
    target: "adopter's repo, 2 files under an allowlisted path",
    baselineEntries: 20,
    underFixtures: 2,
  },
];

export async function run({ runs, quick, log }) {
  const env = benchEnv();
  const { dir } = realRepo(log);
  // The user cache (validated config and packs, keyword automata) starts empty: the untimed warm-up
  // round fills it, as the first commit after adopting gitward does.
  rmSync(env.GITWARD_CACHE_DIR, { recursive: true, force: true });
  const adopters = ADOPTERS.map((a) => ({
    ...a,
    dir: adopterRepo(dir, join(WORK, "repos", `moment-${a.id}`), a, env, log),
  }));
  const installed = installFromTarball(log);
  const head = git(dir, ["rev-parse", "HEAD"], env).trim();
  const hookProblem = installHook(dir, env);
  const secretlintProblem = secretlintAvailable();
  const scenarios = quick ? SCENARIOS.filter((s) => s.id !== "1000") : SCENARIOS;
  const rows = [];
  const targets = [];
  const notes = [`repository: ${dir} (43 releases of moment, see bench/README.md)`];
  if (hookProblem) notes.push(`hook: unavailable: ${hookProblem}`);
  for (const sc of scenarios) {
    log(`hook: ${sc.label}`);
    const files = stageChange(dir, env, sc);
    const withAdopters = sc.id !== "1000";
    if (withAdopters) for (const a of adopters) stageChange(a.dir, env, sc, { underFixtures: a.underFixtures ?? 0 });
    const backToStaged = () => {
      const now = git(dir, ["rev-parse", "HEAD"], env).trim();
      if (now !== head) git(dir, ["reset", "-q", "--soft", head], env);
    };
    const cases = [
      commandCase("floor: node -e 0 + git diff --cached -U0", [
        { cmd: NODE, args: ["-e", "0"], cwd: dir, env },
        { cmd: "git", args: ["diff", "--cached", "-U0"], cwd: dir, env },
      ]),
      commandCase("gitward staged", [gitwardStep(dir, ["staged"], env)]),
      commandCase(
        "git commit --no-verify",
        [{ cmd: "git", args: ["commit", "-q", "--no-verify", "-m", "bench"], cwd: dir, env }],
        {
          after: backToStaged,
        },
      ),
      commandCase(
        "git commit + installed hook",
        [{ cmd: "git", args: ["commit", "-q", "-m", "bench"], cwd: dir, env, okCodes: [0] }],
        {
          after: backToStaged,
          unavailable: hookProblem,
        },
      ),
      commandCase("secretlint (preset-recommend)", [secretlintStep(dir, files, env)], { unavailable: secretlintProblem }),
    ];
    const adopterCases = withAdopters ? adopters.map((a) => commandCase(a.label, [gitwardStep(a.dir, ["staged"], env)])) : [];
    cases.push(...adopterCases);
    if (sc.id === "10")
      cases.push(
        commandCase(
          "secretlint via npx",
          [
            secretlintNpxStep(
              files.map((f) => join(dir, f)),
              env,
            ),
          ],
          { unavailable: secretlintProblem },
        ),
      );
    // Last, so that the indices above stay as they are.
    cases.push(
      commandCase(
        "gitward staged, installed from its npm tarball (no config)",
        [{ cmd: NODE, args: [installed.bin ?? GITWARD_BIN, "staged"], cwd: dir, env, okCodes: [0, 1] }],
        { unavailable: installed.problem },
      ),
    );
    if (sc.id === "10") {
      // The staged change as a commit that nothing points to, pushed on top of HEAD: the repository
      // has no remotes, so pre-push scans exactly that commit.
      const pushed = git(dir, ["commit-tree", git(dir, ["write-tree"], env).trim(), "-p", head, "-m", "bench push"], env).trim();
      cases.push(
        commandCase("gitward pre-push (the 10-file change as one pushed commit)", [
          gitwardStep(dir, ["pre-push", "origin", "bench"], env, {
            input: `refs/heads/bench ${pushed} refs/heads/bench ${head}\n`,
          }),
        ]),
      );
    }
    const sRuns = sc.id === "1000" ? Math.max(3, Math.ceil(runs / 2)) : runs;
    const res = await interleave(cases, { runs: sRuns, warmup: 1, log });
    backToStaged();
    const floor = res[0];
    const gw = res[1];
    for (const r of res) {
      rows.push([
        sc.label,
        r.name,
        r.error ? `unavailable: ${r.error}` : fmt.ms(median(r.ms)),
        r.error || floor.error ? "–" : fmt.ratio(medianRatio(r.ms, floor.ms)),
        r.error || gw.error || r === gw ? "–" : fmt.ratio(medianRatio(r.ms, gw.ms)),
      ]);
    }
    const hook = res[3];
    const noVerify = res[2];
    if (!hook.error && !noVerify.error) {
      const own = hook.ms.map((v, i) => v - noVerify.ms[i]);
      notes.push(`${sc.label}: the hook adds ${fmt.ms(median(own))} to git commit (median of per-round differences)`);
    }
    if (sc.id === "10") {
      for (const [i, a] of adopters.entries()) {
        const r = res[5 + i];
        targets.push({
          benchmark: "hook",
          target: `gitward staged ≤ 1.5× floor (10 files, ${a.target})`,
          value: r.error ? `unavailable: ${r.error}` : fmt.ratio(medianRatio(r.ms, floor.ms)),
          met: r.error ? undefined : medianRatio(r.ms, floor.ms) <= 1.5,
        });
      }
      targets.push({
        benchmark: "hook",
        target: "gitward staged ≤ 1.5× floor (10 files)",
        value: gw.error ? `unavailable: ${gw.error}` : fmt.ratio(medianRatio(gw.ms, floor.ms)),
        met: gw.error ? undefined : medianRatio(gw.ms, floor.ms) <= 1.5,
      });
      const sl = res[4];
      const speedup = sl.error || gw.error ? Number.NaN : medianRatio(sl.ms, gw.ms);
      targets.push({
        benchmark: "hook",
        target: "≥ 3× faster than secretlint (10 files)",
        value: Number.isFinite(speedup) ? `${speedup.toFixed(2)}× faster` : `unavailable: ${sl.error ?? gw.error}`,
        met: Number.isFinite(speedup) ? speedup >= 3 : undefined,
      });
    }
    if (sc.id === "1000") {
      const m = median(gw.ms);
      targets.push({
        benchmark: "hook",
        target: "gitward staged ≤ 1 s (1,000 files)",
        value: gw.error ? `unavailable: ${gw.error}` : fmt.ms(m),
        met: gw.error ? undefined : m <= 1000,
      });
    }
  }
  git(dir, ["reset", "-q", "--hard", head], env);
  git(dir, ["clean", "-q", "-fdx"], env);
  return {
    title: "Hook latency (pre-commit)",
    header: ["change", "command", "median", "× floor", "× gitward"],
    rows,
    notes,
    targets,
  };
}
