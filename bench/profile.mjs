// Where the hook's time goes: `node --cpu-prof` over `gitward staged` on the
// 10-file change, with an unminified copy of the CLI bundle (same esbuild
// options as scripts/build.mjs, minify off) so functions keep their names.
// Self time is summed over several runs, by function and by source file.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { stageChange } from "./hook.mjs";
import { adopterRepo } from "./lib/adopter.mjs";
import { benchEnv } from "./lib/gitward-cmd.mjs";
import { GITWARD_ROOT, NODE, ROOT, WORK } from "./lib/paths.mjs";
import { realRepo } from "./lib/repos.mjs";
import { fmt } from "./lib/table.mjs";
import { runStep } from "./lib/timing.mjs";

async function buildUnminified() {
  const target = join(WORK, "profile-build");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, "dist"), { recursive: true });
  const { build } = await import("esbuild");
  const { cliBundleOptions } = await import("../scripts/bundle-options.mjs");
  await build(
    cliBundleOptions({ entry: join(ROOT, "src/cli/main.ts"), outfile: join(target, "dist/bin/gitward.cjs"), minify: false }),
  );
  // The hook commands run the hook bundle (bin/gitward.cjs).
  await build(
    cliBundleOptions({
      entry: join(ROOT, "src/cli/hook-main.ts"),
      outfile: join(target, "dist/bin/gitward-hook.cjs"),
      minify: false,
    }),
  );
  for (const file of [
    "builtin-packs.json",
    "builtin-docs.json",
    "builtin-rule-bodies.txt",
    "keyword-automaton.bin",
    "glob-regexes.json",
    "service-names.json",
    "schema-validators.cjs",
  ]) {
    cpSync(join(GITWARD_ROOT, "dist", file), join(target, "dist", file));
  }
  cpSync(join(GITWARD_ROOT, "bin"), join(target, "bin"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(target, "package.json"));
  // The snapshot's packs, which its pack cache was built against (a link keeps their mtimes).
  symlinkSync(join(GITWARD_ROOT, "patterns"), join(target, "patterns"));
  return join(target, "bin", "gitward.cjs");
}

const sourceMaps = new Map();

/** The module a line of the unminified bundle came from (esbuild marks each with a "// path" comment). */
function sourceOf(file, line) {
  let marks = sourceMaps.get(file);
  if (!marks) {
    marks = [];
    try {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((l, i) => {
          const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(l);
          if (m) marks.push([i, m[1]]);
        });
    } catch {}
    sourceMaps.set(file, marks);
  }
  let found = file.replace(/^.*\/profile-build\//, "");
  for (const [i, path] of marks) if (i <= line) found = path;
  return found.replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, "node_modules/$1");
}

/** Self time (ms) per function and per file from .cpuprofile files. */
export function summariseProfiles(profiles) {
  const byFn = new Map();
  const byFile = new Map();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const dt = new Map();
    for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    for (const [id, ms] of dt) {
      const cf = nodes.get(id)?.callFrame;
      if (!cf) continue;
      const file = cf.url
        ? cf.url
            .replace(/^file:\/\//, "")
            .replace(`${WORK}/profile-build/`, "")
            .replace(`${ROOT}/`, "")
        : "(native/vm)";
      const where = cf.url.includes("/profile-build/") ? sourceOf(cf.url.replace(/^file:\/\//, ""), cf.lineNumber) : file;
      const fn = `${cf.functionName || "(anonymous)"} ${where}${cf.url && where === file ? `:${cf.lineNumber + 1}` : ""}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
      byFile.set(where, (byFile.get(where) ?? 0) + ms);
      total += ms;
    }
  }
  const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const runs = Math.max(1, profiles.length);
  return {
    totalMs: total / runs,
    fns: top(byFn, 15).map(([k, v]) => [k, v / runs]),
    files: top(byFile, 10).map(([k, v]) => [k, v / runs]),
  };
}

export async function run({ runs, quick, log }) {
  const env = benchEnv();
  const bin = await buildUnminified();
  const { dir } = realRepo(log);
  // The adopter's repository too (issue 13): a config, a local pack and a 1,000-entry baseline.
  const adopter = adopterRepo(dir, join(WORK, "repos", "moment-adopter-1000"), { baselineEntries: 1000 }, env, log);
  const profDir = join(WORK, "cpuprofiles");
  rmSync(profDir, { recursive: true, force: true });
  const n = quick ? 3 : Math.max(5, runs);
  const rows = [];
  const notes = [];
  for (const [label, repo] of [
    ["no config", dir],
    ["adopter's repo", adopter],
  ]) {
    stageChange(repo, env, { files: 10, lines: 30 });
    const out = join(profDir, label === "no config" ? "no-config" : "adopter");
    mkdirSync(out, { recursive: true });
    log(`profile: ${n} runs of node --cpu-prof gitward staged (10 files, ${label})`);
    // One unprofiled run with the same flags writes the V8 code cache that the hook uses (bin/gitward.cjs),
    // and the adopter's validated-config cache, as a first commit does. (Same flags, so the same cache key;
    // its profile is then removed.)
    runStep({ cmd: NODE, args: ["--cpu-prof", "--cpu-prof-dir", out, bin, "staged"], cwd: repo, env, okCodes: [0, 1] });
    for (const f of readdirSync(out)) rmSync(join(out, f));
    for (let i = 0; i < n; i++)
      runStep({ cmd: NODE, args: ["--cpu-prof", "--cpu-prof-dir", out, bin, "staged"], cwd: repo, env, okCodes: [0, 1] });
    const profiles = readdirSync(out).map((f) => JSON.parse(readFileSync(join(out, f), "utf8")));
    const s = summariseProfiles(profiles);
    rows.push(
      ...s.fns.map(([k, v]) => [label, "function", k, fmt.ms(v), `${((v / s.totalMs) * 100).toFixed(1)}%`]),
      ...s.files.map(([k, v]) => [label, "file", k, fmt.ms(v), `${((v / s.totalMs) * 100).toFixed(1)}%`]),
    );
    notes.push(
      `${label}: ${profiles.length} profiles in ${out}; sampled total ${fmt.ms(s.totalMs)} per run (open them in Chrome DevTools)`,
    );
  }
  return {
    title: "Profile: gitward staged, 10-file change (self time per run, mean)",
    header: ["repository", "by", "where", "self ms", "share"],
    rows,
    notes,
    targets: [],
  };
}
