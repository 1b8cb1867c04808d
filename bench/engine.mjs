// Benchmark 4: the pattern engine in-process, over a fixed in-memory corpus.
//
// Corpus: the added lines of `git log -p -U0` of the real moment history, one
// fragment per file version (as the history source produces them), cut to a
// fixed size. Interleaved per round, each over the whole corpus:
//   full pack         PatternEngine with every built-in secret rule
//   50-rule subset    every k-th rule of the same list (a fixed, spread-out subset)
//   keyword prefilter the Aho–Corasick automaton alone: the engine's floor and
//                     the baseline the ratios refer to
//   one alternation   every case-sensitive rule's regex in one V8 alternation, no
//                     prefilter (the naive approach), over a 128 kB slice only
// One core, same process; MB/s = corpus bytes (UTF-16 length) / time.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GITWARD_ROOT, gitEnv } from "./lib/paths.mjs";
import { realRepo } from "./lib/repos.mjs";
import { median, medianRatio } from "./lib/stats.mjs";
import { fmt } from "./lib/table.mjs";
import { interleave } from "./lib/timing.mjs";

/** Fragments of added lines from a repository's patch text, up to `maxBytes` in all. */
export function corpusFrom(dir, maxBytes) {
  const patch = execFileSync("git", ["log", "-p", "-U0", "--all", "--format=%H"], {
    cwd: dir,
    env: gitEnv(),
    maxBuffer: 1 << 30,
  }).toString("latin1");
  const fragments = [];
  let total = 0;
  let path;
  let lines = [];
  const flush = () => {
    if (path && lines.length) {
      const text = lines.join("\n");
      fragments.push({ path, startLine: 1, text });
      total += text.length;
    }
    lines = [];
  };
  for (const line of patch.split("\n")) {
    if (total >= maxBytes) break;
    if (line.startsWith("+++ ")) {
      flush();
      path = line.slice(6);
    } else if (line.startsWith("diff --git ")) flush();
    else if (line.startsWith("+")) lines.push(line.slice(1));
  }
  flush();
  return { fragments, bytes: total };
}

function subset(rules, n) {
  if (rules.length <= n) return rules;
  const step = rules.length / n;
  return Array.from({ length: n }, (_, i) => rules[Math.floor(i * step)]);
}

export async function run({ runs, quick, log }) {
  const dist = (p) => pathToFileURL(join(GITWARD_ROOT, "dist", p)).href;
  const { PatternEngine } = await import(dist("detectors/pattern-engine.js"));
  const { KeywordAutomaton } = await import(dist("detectors/keyword-automaton.js"));
  // The secret rules as the CLI loads them: from the built-in pack cache, with their scan scopes.
  const { loadBuiltinPacks } = await import(dist("packs/builtin-packs.js"));
  const { buildRuleSet } = await import(dist("packs/rule-set.js"));
  const full = buildRuleSet(await loadBuiltinPacks()).secretRules;
  const specs = full.map((r) => r.spec);
  const small = subset(full, 50);
  const { dir } = realRepo(log);
  const corpusBytes = quick ? 4e6 : 16e6;
  const { fragments, bytes } = corpusFrom(dir, corpusBytes);
  log(`engine: corpus ${fragments.length} fragments, ${fmt.mb(bytes)}; ${full.length} secret rules`);

  const engineCase = (name, rules) => {
    const engine = new PatternEngine(rules);
    return {
      name,
      run() {
        const t0 = performance.now();
        let findings = 0;
        for (const f of fragments) findings += engine.detect(f).findings.length;
        return { ms: performance.now() - t0, findings };
      },
    };
  };
  const keywords = [...new Set(specs.flatMap((s) => (s.keywords ?? []).map((k) => k.toLowerCase())))];
  const automaton = KeywordAutomaton.build(keywords);
  const found = new Uint8Array(keywords.length);
  // Named groups would clash in one alternation; turn them into plain groups. V8 has no inline
  // flags, so case-insensitive rules are left out of it. It is so slow (no literal to skip to) that
  // it runs over a 128 kB slice of the corpus only; its MB/s is comparable, its time is not.
  const alternation = new RegExp(
    specs
      .filter((s) => !(s.flags ?? "").includes("i"))
      .map((s) => `(?:${s.regex})`.replace(/\(\?<([A-Za-z_]\w*)>/g, "("))
      .join("|"),
    "g",
  );
  const slice = [];
  let sliceBytes = 0;
  for (const f of fragments) {
    if (sliceBytes >= 128e3) break;
    const text = f.text.slice(0, 128e3 - sliceBytes);
    slice.push(text);
    sliceBytes += text.length;
  }
  const cases = [
    {
      name: "keyword prefilter alone",
      run() {
        const t0 = performance.now();
        for (const f of fragments) {
          found.fill(0);
          automaton.scan(f.text, found);
        }
        return { ms: performance.now() - t0 };
      },
    },
    engineCase(`full pack (${full.length} rules)`, full),
    engineCase(`50-rule subset`, small),
    {
      name: "one alternation, no prefilter (128 kB slice)",
      bytes: sliceBytes,
      run() {
        const t0 = performance.now();
        for (const text of slice) {
          alternation.lastIndex = 0;
          for (let m = alternation.exec(text); m !== null; m = alternation.exec(text))
            if (m[0].length === 0) alternation.lastIndex++;
        }
        return { ms: performance.now() - t0 };
      },
    },
  ];
  const res = await interleave(cases, { runs, warmup: 1, log });
  // MB/s per case; ratios are MB/s relative to the keyword prefilter alone (the engine's floor).
  const speed = (r, i) => (r.error ? Number.NaN : (cases[i].bytes ?? bytes) / 1e6 / (median(r.ms) / 1000));
  const floor = speed(res[0], 0);
  const rows = res.map((r, i) => [
    r.name,
    r.error ? `unavailable: ${r.error}` : fmt.ms(median(r.ms)),
    r.error ? "–" : fmt.mbps(speed(r, i)),
    r.error || !Number.isFinite(floor) ? "–" : fmt.ratio(speed(r, i) / floor),
  ]);
  const [, fullRes, smallRes] = res;
  const mbps = fullRes.error ? Number.NaN : bytes / 1e6 / (median(fullRes.ms) / 1000);
  const slow = fullRes.error || smallRes.error ? Number.NaN : medianRatio(fullRes.ms, smallRes.ms);
  return {
    title: "Pattern engine (in-process, one core)",
    header: ["engine", "median", "MB/s", "MB/s ÷ prefilter's"],
    rows,
    notes: [`corpus: added lines of git log -p -U0 of the moment history, ${fragments.length} fragments, ${fmt.mb(bytes)}`],
    targets: [
      {
        benchmark: "engine",
        target: `≥ 100 MB/s with the full pack (${full.length} rules)`,
        value: fmt.mbps(mbps),
        met: Number.isFinite(mbps) ? mbps >= 100 : undefined,
      },
      {
        benchmark: "engine",
        target: "full pack ≤ 2× slower than the 50-rule subset",
        value: Number.isFinite(slow) ? `${fmt.ratio(slow)} slower` : "unavailable",
        met: Number.isFinite(slow) ? slow <= 2 : undefined,
      },
    ],
  };
}
