// Harness logic of bench/ (statistics, GNU time parsing, regex export); no timing thresholds here.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helpers without type declarations
import { toRgPattern } from "../bench/export-regexes.mjs";
// @ts-expect-error: plain ESM helpers without type declarations
import { parseElapsed, parseTimeV, stripTimeV } from "../bench/lib/rss.mjs";
// @ts-expect-error: plain ESM helpers without type declarations
import { median, medianRatio } from "../bench/lib/stats.mjs";
// @ts-expect-error: plain ESM helpers without type declarations
import { failureReason } from "../bench/lib/timing.mjs";

const TIME_V = `gitward: 3 findings
\tCommand being timed: "node bin/gitward.js history"
\tUser time (seconds): 12.34
\tSystem time (seconds): 1.50
\tPercent of CPU this job got: 140%
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
\tMaximum resident set size (kbytes): 153600
\tExit status: 1
`;

describe("bench statistics", () => {
  it("takes the median of odd and even counts, ignoring non-finite values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([2, Number.NaN, 4])).toBe(3);
    expect(Number.isNaN(median([]))).toBe(true);
  });
  it("takes the median of per-round ratios", () => {
    expect(medianRatio([10, 30, 20], [5, 10, 10])).toBe(2);
  });
});

describe("GNU time -v parsing", () => {
  it("reads peak RSS, wall, user, system and exit status", () => {
    const r = parseTimeV(TIME_V);
    expect(r.maxRssBytes).toBe(153600 * 1024);
    expect(r.wallSeconds).toBeCloseTo(62.5);
    expect(r.userSeconds).toBeCloseTo(12.34);
    expect(r.systemSeconds).toBeCloseTo(1.5);
    expect(r.exitStatus).toBe(1);
  });
  it("parses h:mm:ss and m:ss elapsed times", () => {
    expect(parseElapsed("1:00:01")).toBe(3601);
    expect(parseElapsed("0:00.07")).toBeCloseTo(0.07);
  });
  it("keeps the command's own stderr apart from the report", () => {
    expect(stripTimeV(TIME_V)).toBe("gitward: 3 findings\n");
  });
  it("names why a command failed from its own message, not a stack frame", () => {
    expect(failureReason("Error: boom\n    at x (y.js:1:1)\n")).toBe("Error: boom");
    expect(failureReason("warning\ngitward: staged: not inside a git work tree\n")).toBe(
      "gitward: staged: not inside a git work tree",
    );
  });
});

describe("regex export for ripgrep", () => {
  it("turns JS flags into inline flags and rejects what rg cannot read", () => {
    expect(toRgPattern("abc", "i").pattern).toBe("(?i)abc");
    expect(toRgPattern("a.b", "su").pattern).toBe("(?s)a.b");
    expect(toRgPattern("a\nb").error).toMatch(/newline/);
    expect(toRgPattern("ab", "y").error).toBeDefined();
  });
});
