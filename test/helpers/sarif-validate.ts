/**
 * Microsoft's SARIF multitool with the GitHub ruleset ("Gh;Sarif"): the
 * problems it reports for a SARIF file (none means valid for code scanning).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export function multitool(): string {
  const pkg = require.resolve("@microsoft/sarif-multitool-linux/package.json");
  const bin = join(dirname(pkg), "Sarif.Multitool");
  // npm here does not run the package's postinstall (chmod u+x); do it ourselves.
  chmodSync(bin, 0o755);
  return bin;
}

/** "level ruleId: message" for every problem the validator reports. */
export function sarifProblems(file: string): string[] {
  const out = `${file}.validation.sarif`;
  execFileSync(multitool(), ["validate", file, "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"], {
    stdio: "pipe",
  });
  const validation = JSON.parse(readFileSync(out, "utf8"));
  return validation.runs.flatMap((run: { results?: { ruleId: string; level: string; message: { text?: string } }[] }) =>
    (run.results ?? []).map((x) => `${x.level} ${x.ruleId}: ${x.message.text ?? ""}`),
  );
}
