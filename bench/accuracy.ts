/**
 * Accuracy over two synthesised, labeled sets, scanned with the real library `scan()`:
 *
 * 1. the corpus (test/corpus/build-corpus.ts): precision and recall per rule family, provider
 *    tokens planted from recipes and the packs' own examples;
 * 2. the service-context set (test/corpus/service-samples.ts): secrets recognisable only by the
 *    service named next to them, the structured stores (Jenkins, curl, Kubernetes, docker, NuGet,
 *    connection strings, Azure, OpenVPN, GCP, redis.conf) and look-alikes in the same places,
 *    written from format facts, not from the packs' examples: recall per service family and
 *    context, share of look-alikes flagged per kind.
 *
 *   npx tsx bench/accuracy.ts                 # both sets: tables + misses/false positives when few
 *   npx tsx bench/accuracy.ts --set services  # only the service-context set (--set corpus: only the corpus)
 *   npx tsx bench/accuracy.ts --verbose       # always list every miss and false positive
 *   npx tsx bench/accuracy.ts --json          # machine-readable report
 *   npx tsx bench/accuracy.ts --no-pack-examples   # corpus: hand-written recipes only
 *
 * test/accuracy.test.ts and test/service-accuracy.test.ts enforce the bars in CI.
 */
import { formatReport, runAccuracy } from "../test/corpus/evaluate.js";
import { formatServiceReport, runServiceAccuracy } from "../test/corpus/service-evaluate.js";

const argv = process.argv.slice(2);
const args = new Set(argv);
const setIndex = argv.indexOf("--set");
const set = setIndex === -1 ? "all" : argv[setIndex + 1];
const verbose = args.has("--verbose");
const json: Record<string, unknown> = {};
if (set === "all" || set === "corpus") {
  const { corpus: _corpus, ...report } = await runAccuracy({ packExamples: !args.has("--no-pack-examples") });
  if (args.has("--json")) json.corpus = report;
  else process.stdout.write(`${formatReport(report, verbose)}\n\n`);
}
if (set === "all" || set === "services") {
  const report = await runServiceAccuracy();
  if (args.has("--json")) json.services = report;
  else process.stdout.write(`${formatServiceReport(report, verbose)}\n`);
}
if (args.has("--json")) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
