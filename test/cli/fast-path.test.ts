/**
 * The hook fast path's argument parser (src/cli/fast-path.ts) against yargs,
 * which parses the same SCAN_OPTIONS table for every other command line: for
 * each argument vector the fast path either declines (undefined, yargs then
 * runs) or produces exactly the values yargs would.
 */

import { describe, expect, it } from "vitest";
import yargs from "yargs";
import { parseFastArgs } from "../../src/cli/fast-path.js";
import { SCAN_OPTIONS, withScanOptions } from "../../src/cli/scan-options.js";

const KEYS = SCAN_OPTIONS.map((o) => o.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));

/** What yargs makes of `gitward staged <rest>`: the scan options and the positionals. */
function yargsStaged(rest: string[]): Record<string, unknown> | "error" {
  let failed = false;
  // As run.ts declares the staged command.
  const parsed = yargs()
    .strict()
    .exitProcess(false)
    .command("$0 [files..]", "", (y) =>
      withScanOptions(y).positional("files", { type: "string", array: true, default: [] as string[] }),
    )
    .fail(() => {
      failed = true;
    })
    .parseSync(rest) as Record<string, unknown>;
  if (failed) return "error";
  const out: Record<string, unknown> = {};
  for (const key of KEYS) if (parsed[key] !== undefined) out[key] = parsed[key];
  out.files = (parsed.files as unknown[]).map(String);
  return out;
}

function fastStaged(rest: string[]): Record<string, unknown> | undefined {
  const parsed = parseFastArgs(["staged", ...rest]);
  if (!parsed) return undefined;
  expect(parsed.command).toBe("staged");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.args)) if (value !== undefined) out[key] = value;
  return out;
}

describe("parseFastArgs", () => {
  it.each([
    [[]],
    [["--quiet"]],
    [["-q", "-v"]],
    [["--format", "json"]],
    [["--format=sarif", "--output", "report.sarif"]],
    [["-f", "json", "-o", "out.json"]],
    [["--no-redact"]],
    [["--no-config"]],
    [["--config", "ci/.gitward.yaml"]],
    [["--config=ci/.gitward.yaml", "--no-baseline"]],
    [["--baseline", "base.json"]],
    [["--pack", "a.yaml", "--pack=b.yaml"]],
    [["--rule", "aws-access-key-id", "--rule", "github-pat"]],
    [["--fail-on", "critical", "--max-file-size", "5MB"]],
    [["--strict", "--show-suppressed", "--report-unused-allows", "--allow-skip", "--debug"]],
    [["src/app.js", "config/settings.yaml"]],
    [["--quiet", "src/app.js", "--format", "json", "b.js"]],
    [["--output="]],
  ])("agrees with yargs on %j", (rest) => {
    const fast = fastStaged(rest);
    expect(fast).toBeDefined();
    expect(fast).toEqual(yargsStaged(rest));
  });

  it.each([
    [["--help"]],
    [["-h"]],
    [["--version"]],
    [["--unknown"]],
    [["-x"]],
    [["-qv"]],
    [["-fjson"]],
    [["--format"]],
    [["--format", "xml"]],
    [["--fail-on", "extreme"]],
    [["--format", "json", "--format", "sarif"]],
    [["--quiet", "--quiet"]],
    [["--quiet=yes"]],
    [["--no-redact=1"]],
    [["--no-format"]],
    [["--redact", "--no-redact"]],
    [["--output", "--quiet"]],
    [["--output", "-"]],
    [["-"]],
  ])("leaves %j to yargs", (rest) => {
    expect(parseFastArgs(["staged", ...rest])).toBeUndefined();
  });

  it("takes everything after -- as file names (as hook managers pass them; yargs would not)", () => {
    expect(parseFastArgs(["staged", "--quiet", "--", "-dash.env", "--format", "a b.txt"])?.args).toMatchObject({
      quiet: true,
      format: "text",
      files: ["-dash.env", "--format", "a b.txt"],
    });
  });

  it("gives pre-push its remote and url, and declines a third positional", () => {
    expect(parseFastArgs(["pre-push", "origin", "git@example.invalid:o/r.git", "--quiet"])?.args).toMatchObject({
      remote: "origin",
      url: "git@example.invalid:o/r.git",
      quiet: true,
      format: "text",
    });
    expect(parseFastArgs(["pre-push", "origin", "url", "extra"])).toBeUndefined();
  });

  it("declines every other command", () => {
    expect(parseFastArgs(["scan", "--quiet"])).toBeUndefined();
    expect(parseFastArgs(["history"])).toBeUndefined();
    expect(parseFastArgs([])).toBeUndefined();
  });
});
