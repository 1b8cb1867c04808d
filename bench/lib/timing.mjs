// Timing of commands and in-process functions, with interleaved baselines.
//
// Every benchmark compares its subjects with a baseline measured in the same
// invocation: each round runs every case once (in an order rotated per round,
// so no case always runs first or last), and figures are medians over rounds.
// A case that fails is marked "unavailable: <reason>" and skipped for the
// remaining rounds instead of aborting the benchmark.
import { spawnSync } from "node:child_process";
import { parseTimeV, stripTimeV } from "./rss.mjs";

export const HAS_TIME_V = (() => {
  const r = spawnSync("/usr/bin/time", ["-v", "true"], { stdio: ["ignore", "ignore", "pipe"] });
  return r.status === 0 && /Maximum resident set size/.test(String(r.stderr));
})();

/**
 * Runs one step: `{cmd, args, cwd?, env?, okCodes? = [0], timeV?, input?, timeoutMs?}`.
 * Standard output goes to /dev/null. Returns `{ms, rssBytes, code, stderr}` or
 * throws an Error whose message is the reason it is unavailable.
 */
export function runStep(step) {
  const useTimeV = step.timeV && HAS_TIME_V;
  const cmd = useTimeV ? "/usr/bin/time" : step.cmd;
  const args = useTimeV ? ["-v", step.cmd, ...step.args] : step.args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: step.cwd,
    env: step.env ?? process.env,
    stdio: [step.input === undefined ? "ignore" : "pipe", "ignore", "pipe"],
    input: step.input,
    timeout: step.timeoutMs ?? 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rawErr = String(r.stderr ?? "");
  const tv = useTimeV ? parseTimeV(rawErr) : undefined;
  const stderr = useTimeV ? stripTimeV(rawErr) : rawErr;
  if (r.error) throw new Error(`${step.cmd}: ${r.error.code ?? r.error.message}`);
  const code = tv && Number.isFinite(tv.exitStatus) ? tv.exitStatus : r.status;
  if (r.signal) throw new Error(`${step.cmd} killed by ${r.signal}`);
  const okCodes = step.okCodes ?? [0];
  if (!okCodes.includes(code)) {
    const reason = failureReason(stderr);
    throw new Error(`exit ${code}: ${reason}`);
  }
  return { ms, rssBytes: tv ? tv.maxRssBytes : Number.NaN, code, stderr };
}

/** One line saying why a command failed: its own "tool: message" line if any, else its first line. */
export function failureReason(stderr) {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const own = lines.find((l) => /^[\w@/.-]+: /.test(l) && !/^at /.test(l));
  return (own ?? lines[0] ?? "no message").slice(0, 200);
}

/**
 * A case made of command steps run one after another; its time is the sum
 * (e.g. the hook floor: `node -e 0` + `git diff --cached -U0`), its peak RSS
 * the largest of the steps.
 */
export function commandCase(name, steps, extra = {}) {
  return {
    name,
    ...extra,
    run() {
      let ms = 0;
      let rssBytes = Number.NaN;
      for (const step of steps) {
        const r = runStep(step);
        ms += r.ms;
        if (Number.isFinite(r.rssBytes)) rssBytes = Number.isFinite(rssBytes) ? Math.max(rssBytes, r.rssBytes) : r.rssBytes;
      }
      return { ms, rssBytes };
    },
  };
}

/**
 * Runs `cases` interleaved for `runs` rounds after `warmup` untimed rounds.
 * A case is `{name, run(): {ms, rssBytes?} | Promise<...>, before?(), after?()}`:
 * before/after run untimed around each timed run (e.g. re-staging a change).
 * Returns one `{name, ms: [], rssBytes: [], error?}` per case, in input order.
 */
export async function interleave(cases, { runs = 5, warmup = 1, log } = {}) {
  const results = cases.map((c) => ({ name: c.name, ms: [], rssBytes: [], error: c.unavailable }));
  const total = warmup + runs;
  for (let round = 0; round < total; round++) {
    const order = cases.map((_, i) => (i + round) % cases.length);
    for (const i of order) {
      const c = cases[i];
      const res = results[i];
      if (res.error) continue;
      // Slow comparison subjects may ask for fewer rounds (maxRuns) and no warm-up.
      if (c.maxRuns !== undefined && (round < warmup || res.ms.length >= c.maxRuns)) continue;
      try {
        await c.before?.();
        const r = await c.run();
        await c.after?.();
        if (round >= warmup) {
          res.ms.push(r.ms);
          res.rssBytes.push(r.rssBytes ?? Number.NaN);
        }
      } catch (e) {
        res.error = e instanceof Error ? e.message : String(e);
        try {
          await c.after?.();
        } catch {}
        log?.(`  ${c.name}: unavailable: ${res.error}`);
      }
    }
    log?.(`  round ${round + 1}/${total}${round < warmup ? " (warm-up)" : ""} done`);
  }
  return results;
}
