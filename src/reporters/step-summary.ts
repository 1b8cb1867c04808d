/**
 * A Markdown summary for a CI job page (GitHub's $GITHUB_STEP_SUMMARY, written
 * by `gitward history --step-summary FILE`): the counts, the open findings
 * (secrets masked) and every suppression the scanned range adds, so a
 * reviewer sees an allow or a baseline entry a pull request brings without
 * opening the SARIF.
 */
import { activeFindings } from "../pipeline.js";
import type { ScanResult } from "../types.js";
import { redact } from "./redact.js";

/** At most this many rows per table; the SARIF and JSON reports have all of them. */
const MAX_ROWS = 50;

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function renderStepSummary(result: ScanResult, options: { noRedact: boolean; exitCode: number }): string {
  const active = activeFindings(result.findings);
  const blocking = active.filter((f) => f.mode === "block").length;
  const suppressed = result.findings.length - active.length;
  const commits = result.stats.commits ?? 0;
  const out = ["## gitward", ""];
  const counts = `${blocking} blocking finding${blocking === 1 ? "" : "s"}, ${active.length - blocking} warning${active.length - blocking === 1 ? "" : "s"}, ${suppressed} suppressed, in ${commits} commit${commits === 1 ? "" : "s"}`;
  out.push(`${options.exitCode === 0 ? "✅" : "❌"} ${counts} (exit ${options.exitCode}).`, "");
  if (active.length > 0) {
    out.push("| rule | where | commit | secret |", "| --- | --- | --- | --- |");
    for (const f of active.slice(0, MAX_ROWS)) {
      const secret = f.sensitive ? code(options.noRedact ? f.secret : redact(f.secret)) : "";
      out.push(
        `| ${code(f.ruleId)} | ${code(`${f.path}:${f.startLine}`)} | ${f.commit ? code(f.commit.sha.slice(0, 12)) : ""} | ${secret} |`,
      );
    }
    if (active.length > MAX_ROWS) out.push("", `… and ${active.length - MAX_ROWS} more (see the SARIF or JSON report).`);
    out.push("");
  }
  const t = result.trusted;
  if (t) {
    const from = [t.config ? code(t.config) : "no config", t.baseline ? code(t.baseline) : "no baseline"].join(" and ");
    out.push(`Config and baseline were read from the trusted revision ${code(t.rev)} (${t.sha.slice(0, 12)}): ${from}.`, "");
    const added = t.addedSuppressions;
    out.push(`### Suppressions this range adds: ${added.length}`, "");
    if (added.length > 0) {
      out.push("| kind | where | commit | what |", "| --- | --- | --- | --- |");
      for (const s of added.slice(0, MAX_ROWS)) {
        out.push(
          `| ${s.kind} | ${code(`${s.path}:${s.line}`)} | ${s.commit ? code(s.commit.slice(0, 12)) : ""} | ${cell(s.message)} |`,
        );
      }
      if (added.length > MAX_ROWS) out.push("", `… and ${added.length - MAX_ROWS} more (see the SARIF or JSON report).`);
      out.push("");
    }
  }
  return `${out.join("\n")}\n`;
}
