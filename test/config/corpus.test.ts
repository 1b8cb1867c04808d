/**
 * Measures the config linter on its labeled corpus (test/config/corpus/labeled.ts):
 * recall over the labeled findings of insecure files and results per clean file.
 * The figures are printed (GITWARD_CORPUS_REPORT=1) and held to the bar.
 */
import { describe, expect, it } from "vitest";
import { CLEAN, INSECURE } from "./corpus/labeled.js";
import { scan, summary } from "./helpers.js";

describe("labeled config corpus", () => {
  it("recall >= 0.90 and <= 0.1 results per clean file, with no fatal skip", async () => {
    let labeled = 0;
    let found = 0;
    const extra: string[] = [];
    const misses: string[] = [];
    const noise: string[] = [];
    for (const f of INSECURE) {
      const out = await scan(f.path, f.text);
      expect(
        (out.skipped ?? []).filter((s) => s.fatal),
        f.path,
      ).toEqual([]);
      const got = new Set(summary(out));
      labeled += f.expect.length;
      for (const e of f.expect) {
        if (got.has(e)) found++;
        else misses.push(`${f.path} ${e}`);
      }
      for (const g of got) if (!f.expect.includes(g)) extra.push(`${f.path} ${g}`);
    }
    let cleanResults = 0;
    for (const f of CLEAN) {
      const out = await scan(f.path, f.text);
      expect(
        (out.skipped ?? []).filter((s) => s.fatal),
        f.path,
      ).toEqual([]);
      for (const g of summary(out)) noise.push(`${f.path} ${g}`);
      cleanResults += out.findings.length;
    }
    const recall = found / labeled;
    const perClean = cleanResults / CLEAN.length;
    if (process.env.GITWARD_CORPUS_REPORT)
      console.log(
        JSON.stringify(
          {
            insecureFiles: INSECURE.length,
            labeled,
            found,
            recall,
            unlabeledOnInsecure: extra,
            cleanFiles: CLEAN.length,
            cleanResults,
            perClean,
            misses,
            noise,
          },
          null,
          2,
        ),
      );
    expect(misses).toEqual([]);
    expect(noise).toEqual([]);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(perClean).toBeLessThanOrEqual(0.1);
  });
});
