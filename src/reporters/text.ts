/**
 * Human output: one block per finding (where, which rule, the line with the
 * secret masked, how to fix, how to allow), then a summary line. Colour only
 * when the caller says so (a TTY without NO_COLOR).
 */

import type { RuleSet } from "../packs/rule-set.js";
import { activeFindings } from "../pipeline.js";
import type { Finding, ScanResult } from "../types.js";
import { plural } from "../util/plural.js";
import { lineMaskKey } from "./line-masks.js";
import { redact, redactSpans } from "./redact.js";
import type { ReportOptions } from "./report-types.js";
import { liveMarker, verificationLine, verificationSummaryLine } from "./verification-text.js";

const codes = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, green: 32 } as const;

function paint(on: boolean) {
  return (style: keyof typeof codes, s: string) => (on ? `\u001b[${codes[style]}m${s}\u001b[0m` : s);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The first sentence, at most 240 characters, cut at a word boundary with an ellipsis when longer. */
export function firstSentence(markdown: string): string {
  const flat = markdown.replace(/\s+/g, " ").trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(flat);
  const sentence = m?.[1] ?? flat;
  if (sentence.length <= 240) return sentence;
  const cut = sentence.slice(0, 240);
  const space = cut.lastIndexOf(" ");
  return `${(space > 160 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}

/**
 * The line of a finding with every sensitive span on it masked: the findings on
 * it, and `extra` spans (secrets any built-in rule finds there, line-masks.ts).
 */
export function maskedLine(
  finding: Finding,
  sameLine: Finding[],
  noRedact: boolean,
  extra: readonly [number, number][] = [],
): string {
  const line = finding.lineText;
  if (noRedact) return line;
  const spans: [number, number][] = [...extra];
  for (const f of sameLine) {
    if (!f.sensitive) continue;
    const end = f.endLine === f.startLine ? f.endColumn - 1 : line.length;
    spans.push([f.startColumn - 1, end]);
  }
  return redactSpans(line, spans);
}

export function renderText(result: ScanResult, ruleSet: RuleSet, options: ReportOptions): string {
  const c = paint(options.color);
  const shown = options.showSuppressed ? result.findings : activeFindings(result.findings);
  const out: string[] = [];
  const byLine = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const key = `${f.commit?.sha ?? ""}|${f.path}|${f.startLine}`;
    byLine.set(key, [...(byLine.get(key) ?? []), f]);
  }
  // One secret copied into many files is shown once, with its other places counted (or listed with
  // --verbose); JSON and SARIF keep every location.
  const isSuppressed = (f: Finding) => !!f.suppressions && !f.suppressions.every((s) => s.expired);
  const groupKey = (f: Finding) => (f.sensitive && f.secretHash ? `${f.ruleId}\0${f.secretHash}\0${isSuppressed(f)}` : undefined);
  const groups = new Map<string, Finding[]>();
  for (const f of shown) {
    const key = groupKey(f);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const f of shown) {
    const key = groupKey(f);
    const group = key === undefined ? [f] : (groups.get(key) ?? [f]);
    if (group[0] !== f) continue;
    const rule = ruleSet.byId.get(f.ruleId);
    const suppressed = isSuppressed(f);
    const label = suppressed ? c("dim", "suppressed") : f.mode === "block" ? c("red", "error") : c("yellow", "warning");
    out.push(`${label}${c("bold", `[${f.ruleId}]`)}${liveMarker(f, c)} ${f.message} ${c("dim", `(${f.severity})`)}`);
    out.push(`  ${c("cyan", "-->")} ${f.path}:${f.startLine}:${f.startColumn}`);
    if (f.commit) {
      const head =
        f.presentAtHead === undefined
          ? ""
          : f.presentAtHead
            ? ", still present at HEAD"
            : f.presentIn === undefined
              ? ", not at HEAD (still leaked: rotate it)"
              : f.presentIn.length > 0
                ? `, not at HEAD but still present in ${f.presentIn.join(", ")} (rotate it)`
                : ", removed since (still leaked: rotate it)";
      out.push(
        `      introduced in ${f.commit.sha.slice(0, 12)} by ${f.commit.author} on ${f.commit.date.slice(0, 10)}${head}${f.occurrences && f.occurrences > 1 ? `, in ${f.occurrences} commits` : ""}`,
      );
    }
    const lineNo = String(f.startLine);
    const shownLine = maskedLine(
      f,
      byLine.get(`${f.commit?.sha ?? ""}|${f.path}|${f.startLine}`) ?? [f],
      options.noRedact,
      options.lineMasks?.get(lineMaskKey(f.path, f.lineText)),
    );
    out.push(`  ${c("dim", `${lineNo} |`)} ${shownLine.length > 300 ? `${shownLine.slice(0, 300)}…` : shownLine}`);
    if (f.sensitive) {
      out.push(
        `  ${c("dim", "secret:")} ${options.noRedact ? f.secret : redact(f.secret)} ${c("dim", `(sha256 ${f.secretHash.slice(0, 12)})`)}`,
      );
    }
    const others = group.slice(1);
    if (others.length > 0 && options.verbose) {
      for (const o of others) {
        out.push(
          `  ${c("dim", "also at")} ${o.path}:${o.startLine}:${o.startColumn}${o.commit ? c("dim", ` (commit ${o.commit.sha.slice(0, 12)})`) : ""}`,
        );
      }
    } else if (others.length > 0) {
      out.push(`  ${c("dim", `and ${others.length} more place${others.length === 1 ? "" : "s"}; --verbose lists them`)}`);
    }
    const verified = verificationLine(f, c);
    if (verified) out.push(verified);
    for (const note of f.notes ?? []) out.push(`  ${c("dim", "note:")} ${note}`);
    for (const s of f.suppressions ?? [])
      out.push(`  ${c("dim", `suppressed (${s.kind}${s.expired ? ", expired" : ""}):`)} ${s.justification}`);
    if (rule && !suppressed) {
      out.push(`  ${c("green", "fix:")} ${firstSentence(rule.spec.docs.fix)} ${c("dim", `(gitward explain ${f.ruleId})`)}`);
      out.push(
        `  ${c("dim", "allow:")} add "gitward:allow ${f.ruleId} -- <reason>" in a comment on the line, or record it with "gitward baseline update"`,
      );
    }
    out.push("");
  }
  out.push(...summaryLines(result, options));
  return `${out.join("\n")}\n`;
}

/** Where config and baseline came from, and every suppression the range adds (never silently applied). */
function trustedLines(t: NonNullable<ScanResult["trusted"]>, c: ReturnType<typeof paint>): string[] {
  const from = [t.config ?? "no config", t.baseline ?? "no baseline"].join(" and ");
  const n = t.addedSuppressions.length;
  const lines = [
    `config and baseline read from the trusted revision ${t.rev} (${t.sha.slice(0, 12)}): ${from}`,
    n === 0 ? "the range adds no suppressions" : c("yellow", `the range adds ${n} suppression${n === 1 ? "" : "s"}:`),
  ];
  for (const s of t.addedSuppressions) {
    lines.push(
      c("yellow", `  ${s.kind}: ${s.path}:${s.line}${s.commit ? ` (commit ${s.commit.slice(0, 12)})` : ""}: ${s.message}`),
    );
  }
  return lines;
}

export function summaryLines(result: ScanResult, options: ReportOptions): string[] {
  const c = paint(options.color);
  const lines: string[] = [];
  const active = activeFindings(result.findings);
  const blocking = active.filter((f) => f.mode === "block").length;
  const warnings = active.length - blocking;
  const suppressed = result.findings.length - active.length;
  const fatal = result.skipped.filter((s) => s.fatal);
  const intended = result.skipped.filter((s) => !s.fatal);
  if (intended.length > 0) {
    const byReason = new Map<string, number>();
    for (const s of intended) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
    lines.push(
      c(
        "dim",
        `skipped ${intended.length} file${intended.length === 1 ? "" : "s"}: ${[...byReason].map(([r, n]) => `${n} ${r}`).join(", ")}${options.verbose ? "" : " (--verbose lists them)"}`,
      ),
    );
    if (options.verbose) for (const s of intended) lines.push(c("dim", `  skipped ${s.path}: ${s.detail}`));
  }
  for (const s of fatal) lines.push(c("red", `not scanned: ${s.path}: ${s.detail}`));
  for (const w of result.warnings) lines.push(c("yellow", `warning: ${w.message}`));
  if (result.trusted) lines.push(...trustedLines(result.trusted, c));
  if (result.verification) lines.push(verificationSummaryLine(result.verification, c));
  const s = result.stats;
  const what =
    s.commits !== undefined
      ? `${plural(s.commits, "commit")}, ${plural(s.files, "file version")}`
      : `${s.files} ${options.sourceDescription === "files" ? (s.files === 1 ? "file" : "files") : options.sourceDescription}`;
  const counts = [`${active.length} finding${active.length === 1 ? "" : "s"}`];
  if (active.length > 0) counts.push(`${blocking} blocking, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  if (suppressed > 0) counts.push(`${suppressed} suppressed`);
  if (options.sourceDescription.startsWith("staged")) {
    // The pre-commit summary counts what a developer thinks in: files and the lines they added.
    lines.push(
      `scanned ${s.files} ${options.sourceDescription}, ${s.lines} added line${s.lines === 1 ? "" : "s"} (${formatBytes(s.bytes)}) in ${Math.round(s.durationMs)} ms, ${counts.join(", ")}`,
    );
  } else {
    lines.push(
      `scanned ${what} (${formatBytes(s.bytes)}, ${plural(s.lines, "line")}) in ${Math.round(s.durationMs)} ms, ${counts.join(", ")}`,
    );
  }
  return lines;
}
