/**
 * A slice (every 10th sample) of the service-context evaluation set
 * (test/corpus/service-samples.ts: secrets known only by the service named
 * next to them, the structured stores, look-alikes in the same places),
 * scanned with the real library. `npx tsx bench/accuracy.ts --set services`
 * runs the whole set and prints recall per service family and context.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { formatServiceReport, runServiceAccuracy, type ServiceReport } from "./corpus/service-evaluate.js";
import { buildServiceSamples } from "./corpus/service-samples.js";

let report: ServiceReport;

beforeAll(async () => {
  report = await runServiceAccuracy({ every: 10 });
}, 120_000);

describe("service-context evaluation set", () => {
  it("has at least 2,000 samples, secrets and look-alikes, in many families and contexts", () => {
    const all = buildServiceSamples();
    expect(all.length).toBeGreaterThanOrEqual(2000);
    expect(all.filter((s) => s.positive).length).toBeGreaterThan(800);
    expect(all.filter((s) => !s.positive).length).toBeGreaterThan(800);
    expect(new Set(all.filter((s) => s.positive).map((s) => s.family)).size).toBeGreaterThanOrEqual(50);
    expect(new Set(all.map((s) => s.context)).size).toBeGreaterThanOrEqual(30);
    // Deterministic: the same seed gives the same texts.
    expect(buildServiceSamples()[7]?.text).toBe(all[7]?.text);
  });

  it("finds ≥ 90% of the secrets in the slice", () => {
    expect(report.recall, formatServiceReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it("flags ≤ 3% of the look-alikes in the slice", () => {
    expect(report.flaggedRate, formatServiceReport(report)).toBeLessThanOrEqual(0.03);
  });
});
