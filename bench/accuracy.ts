/**
 * Precision and recall per rule family over the synthesised, labeled corpus
 * (test/corpus/build-corpus.ts), scanned with the real library `scan()`.
 *
 *   npx tsx bench/accuracy.ts            # table + misses/false positives when few
 *   npx tsx bench/accuracy.ts --verbose  # always list every miss and false positive
 *   npx tsx bench/accuracy.ts --json     # machine-readable report
 *   npx tsx bench/accuracy.ts --no-pack-examples   # hand-written recipes only
 *
 * test/accuracy.test.ts enforces the bars (provider recall ≥ 0.9, ≤ 5% of
 * look-alike negatives flagged) in CI.
 */
import { formatReport, runAccuracy } from "../test/corpus/evaluate.js";

const args = new Set(process.argv.slice(2));
const { corpus: _corpus, ...report } = await runAccuracy({ packExamples: !args.has("--no-pack-examples") });
if (args.has("--json")) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${formatReport(report, args.has("--verbose"))}\n`);
