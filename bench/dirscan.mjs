// Benchmark 3: directory scan throughput.
//
// Tree: the last N releases of moment unpacked side by side (bench/lib/repos.mjs),
// real JavaScript/TypeScript/JSON including minified bundles. Interleaved per round:
//   rg --pcre2 -f <exported regexes>   the same secret regexes (bench/export-regexes.mjs), all threads
//   the same with -j1                  one thread
//   rg (default engine)                the regexes its engine accepts (fewer: no lookaround)
//   gitward scan                       --scan-all, so it reads the same bytes as rg (the tree is
//                                      its own git repository, so bench/.work's ignore rule does not apply)
//   secretlint "**/*"                  preset-recommend on the same tree
// Figures: MB/s and files/s over the tree's bytes and files, ratio to rg --pcre2.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportRegexes } from "./export-regexes.mjs";
import { benchEnv, gitwardStep, SECRETLINT_BIN, SECRETLINT_RC, secretlintAvailable } from "./lib/gitward-cmd.mjs";
import { NODE, which, workDir } from "./lib/paths.mjs";
import { sourceTree } from "./lib/repos.mjs";
import { median, medianRatio } from "./lib/stats.mjs";
import { fmt } from "./lib/table.mjs";
import { commandCase, interleave } from "./lib/timing.mjs";

function treeSize(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.startsWith(".gitward-bench")) {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

// rg's default size limits: a chunk over them is split rather than compiled into a huge, slow automaton.
const RG_LIMITS = [];

/** Writes the patterns in chunks that rg compiles (halving a chunk that it rejects); returns the files. */
function chunkPatterns(rg, engine, patterns, tag) {
  const files = [];
  const dir = workDir("regexes");
  const compiles = (list) => {
    const file = join(dir, `probe-${tag}.txt`);
    writeFileSync(file, `${list.join("\n")}\n`);
    const r = spawnSync(rg, [...(engine === "pcre2" ? ["--pcre2"] : RG_LIMITS), "-q", "-f", file, "/dev/null"]);
    return r.status !== 2;
  };
  const queue = [patterns];
  while (queue.length) {
    const list = queue.shift();
    if (list.length === 0) continue;
    if (list.length > 1 && !compiles(list)) {
      const half = list.length >> 1;
      queue.unshift(list.slice(0, half), list.slice(half));
      continue;
    }
    const file = join(dir, `${tag}-${files.length}.txt`);
    writeFileSync(file, `${list.join("\n")}\n`);
    files.push(file);
  }
  return files;
}

export async function run({ runs, quick, log }) {
  const env = benchEnv();
  const versions = quick ? 3 : 6;
  const tree = sourceTree(versions, log);
  const { files, bytes } = treeSize(tree);
  const notes = [`tree: last ${versions} releases of moment unpacked, ${files} files, ${fmt.mb(bytes)}`];
  const rg = which("rg");
  const rgProblem = rg ? undefined : "ripgrep not installed (apt-get install -y ripgrep)";
  // One combined pattern is too large for PCRE2 (and for rg's default size limits), so the
  // regexes are split into chunks that compile and rg runs once per chunk: k passes over the tree.
  const rgChunks = {};
  if (rg) {
    for (const engine of ["pcre2", "default"]) {
      const { patterns, skipped } = exportRegexes({ rg, engine });
      rgChunks[engine] = chunkPatterns(
        rg,
        engine,
        patterns.map((p) => p.pattern),
        engine,
      );
      notes.push(
        `rg ${engine === "pcre2" ? "--pcre2" : "default engine"}: ${patterns.length} regexes exported, ${skipped.length} skipped${skipped.length ? ` (e.g. ${skipped[0].id}: ${skipped[0].reason})` : ""}; ${rgChunks[engine].length} pass(es) over the tree (one combined pattern is too large)`,
      );
    }
  }
  const rgSteps = (engine, extra = []) =>
    (rgChunks[engine] ?? ["/dev/null"]).map((file) => ({
      cmd: rg ?? "rg",
      args: [...(engine === "pcre2" ? ["--pcre2"] : RG_LIMITS), ...extra, "--no-ignore", "--hidden", "-c", "-f", file, tree],
      env,
      okCodes: [0, 1],
      timeV: true,
    }));
  const sl = secretlintAvailable();
  const cases = [
    commandCase("rg --pcre2 (same regexes)", rgSteps("pcre2"), { unavailable: rgProblem }),
    commandCase("rg --pcre2 -j1", rgSteps("pcre2", ["-j1"]), { unavailable: rgProblem }),
    commandCase("rg, default engine (subset)", rgSteps("default"), { unavailable: rgProblem }),
    commandCase("gitward scan", [
      gitwardStep(tree, ["scan", "--scan-all", "--format", "json", "-o", "/dev/null", "."], env, { timeV: true }),
    ]),
    commandCase(
      "secretlint (preset-recommend)",
      [
        {
          cmd: NODE,
          args: [SECRETLINT_BIN, "--secretlintrcJSON", SECRETLINT_RC, "--format", "compact", "**/*"],
          cwd: tree,
          env,
          okCodes: [0, 1],
          timeV: true,
        },
      ],
      // secretlint takes minutes over the tree: one timed run, no warm-up.
      { unavailable: sl, maxRuns: 1 },
    ),
  ];
  const res = await interleave(cases, { runs: Math.min(runs, quick ? 3 : 5), warmup: 1, log });
  const base = res[0];
  const rows = res.map((r) => {
    const s = median(r.ms) / 1000;
    return [
      r.name,
      r.error ? `unavailable: ${r.error}` : fmt.ms(median(r.ms)),
      r.error ? "–" : fmt.mbps(bytes / 1e6 / s),
      r.error ? "–" : `${fmt.num(files / s)} files/s`,
      r.error || base.error ? "–" : fmt.ratio(medianRatio(r.ms, base.ms)),
      r.error ? "–" : fmt.mb(Math.max(...r.rssBytes.filter(Number.isFinite))),
    ];
  });
  const gw = res[3];
  const ratio = gw.error || base.error ? Number.NaN : medianRatio(gw.ms, base.ms);
  return {
    title: "Directory scan",
    header: ["command", "median", "MB/s", "files/s", "× rg --pcre2", "peak RSS"],
    rows,
    notes,
    targets: [
      {
        benchmark: "dirscan",
        target: "gitward scan within 5× of rg --pcre2 (same regexes, same tree)",
        value: Number.isFinite(ratio) ? fmt.ratio(ratio) : `unavailable: ${gw.error ?? base.error}`,
        met: Number.isFinite(ratio) ? ratio <= 5 : undefined,
      },
    ],
  };
}
