#!/usr/bin/env node
// gitward's benchmarks: `npm run bench [-- --only hook,engine] [--quick] [--runs N]`.
//
// Each benchmark compares gitward with a baseline measured in the same
// invocation, interleaved round by round, and reports medians; a benchmark
// whose command fails reports "unavailable: <reason>" instead of stopping
// the others. Results are printed as tables and written to
// bench/.work/results.md and bench/.work/results.json.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureBuilt, snapshotBuild, stalePackCache, WORK, workDir } from "./lib/paths.mjs";
import { markdownTable, textTable } from "./lib/table.mjs";

const BENCHMARKS = {
  hook: () => import("./hook.mjs"),
  recipes: () => import("./recipes.mjs"),
  history: () => import("./history.mjs"),
  dirscan: () => import("./dirscan.mjs"),
  engine: () => import("./engine.mjs"),
  profile: () => import("./profile.mjs"),
};

const USAGE = `usage: node bench/run.mjs [--only ${Object.keys(BENCHMARKS).join(",")}] [--quick] [--runs N] [--build] [--profile]
  --only     comma-separated benchmarks to run (default: all)
  --quick    smaller inputs and fewer runs (a smoke test of the harness)
  --runs N   timed rounds per case (default 7, quick 3); one untimed warm-up round precedes them
  --build    rebuild dist/ first (otherwise it is built only when missing)
  --profile  also profile gitward staged on the 10-file change with node --cpu-prof (same as adding "profile" to --only)`;

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    build: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const only = values.only
  ? values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
  : Object.keys(BENCHMARKS).filter((b) => b !== "profile" || values.profile);
if (values.profile && !only.includes("profile")) only.push("profile");
for (const name of only) {
  if (!BENCHMARKS[name]) {
    console.error(`bench: unknown benchmark "${name}" (expected one of ${Object.keys(BENCHMARKS).join(", ")})\n${USAGE}`);
    process.exit(2);
  }
}
const runs = values.runs ? Number(values.runs) : values.quick ? 3 : 7;
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs ${values.runs}: expected a positive integer`);
  process.exit(2);
}

const log = (msg) => process.stderr.write(`${msg}\n`);
workDir();
// dist/ may be mid-rebuild in a shared checkout: wait for it, build only if it stays missing (or --build).
let snapshot;
for (let attempt = 0; attempt < 2 && !snapshot; attempt++) {
  try {
    if (values.build || attempt === 1) ensureBuilt({ force: values.build, log });
    snapshot = await snapshotBuild({ log });
    log(`running gitward from a snapshot of the build: ${snapshot}`);
  } catch (e) {
    log(`bench: ${e.message.split("\n")[0]}`);
  }
}
const stale = stalePackCache();
if (stale.length) {
  log(`bench: note: dist/builtin-packs.json is stale for ${stale.join(", ")} (packs edited since the build);`);
  log("bench: the checkout's own CLI re-parses every pack on each run until npm run build; the snapshot's cache was rebuilt");
}
if (!snapshot) log("bench: no complete build of gitward; its benchmarks will report unavailable");

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const started = new Date();
const results = [];
for (const name of only) {
  log(`\n== ${name} ==`);
  try {
    const mod = await BENCHMARKS[name]();
    results.push({ name, ...(await mod.run({ runs, quick: values.quick, profile: values.profile, log })) });
  } catch (e) {
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    log(`${name}: unavailable: ${reason}`);
    results.push({
      name,
      title: name,
      header: ["benchmark", "result"],
      rows: [[name, `unavailable: ${reason}`]],
      notes: [],
      targets: [],
    });
  }
}

const targetRows = results.flatMap((r) =>
  (r.targets ?? []).map((t) => [t.benchmark, t.target, t.value, t.met === undefined ? "n/a" : t.met ? "met" : "MISSED"]),
);
const out = [];
const md = [`Machine: ${machine}. ${started.toISOString()}, runs per case: ${runs}${values.quick ? " (quick)" : ""}.`, ""];
for (const r of results) {
  out.push(`\n${r.title}\n${textTable(r.header, r.rows)}`);
  for (const n of r.notes ?? []) out.push(`  note: ${n}`);
  md.push(`### ${r.title}`, "", markdownTable(r.header, r.rows), "", ...(r.notes ?? []).map((n) => `- ${n}`), "");
}
out.push(`\nTargets\n${textTable(["benchmark", "target", "measured", "status"], targetRows)}`);
md.push("### Targets", "", markdownTable(["benchmark", "target", "measured", "status"], targetRows), "");
console.log(`Machine: ${machine}${out.join("\n")}`);
writeFileSync(join(WORK, "results.md"), `${md.join("\n")}\n`);
writeFileSync(
  join(WORK, "results.json"),
  `${JSON.stringify({ machine, started, runs, quick: values.quick, results }, null, 2)}\n`,
);
log(`\nwrote bench/.work/results.md and bench/.work/results.json`);
