/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
 *
 * - Each pack is listed as a tool extension (name + version); rules are on the
 *   driver, each naming its pack, and results point at them by ruleId/ruleIndex.
 * - Rules carry fullDescription, help (markdown: why and how to fix),
 *   `security-severity` and tags, so GitHub shows severity and guidance.
 * - Results carry `partialFingerprints` built from content (rule, path,
 *   secret hash), so alerts survive line moves; secrets are redacted.
 * - Suppressed findings are results with `suppressions` (external for
 *   baseline/config, inSource for inline allows), shown by GitHub as dismissed.
 * - With a trusted config (history --trusted-config-from), each suppression
 *   the range adds is a result of its own (rule gitward-suppression-added,
 *   warning, never suppressed), so code scanning shows it on the pull request.
 * - What was not scanned is in `invocations[0].toolExecutionNotifications`
 *   (error for a file the run failed closed on, note for an intended skip
 *   such as a binary file), and `executionSuccessful` is false when the run
 *   failed closed, so an incomplete scan shows as incomplete.
 */
import type * as Sarif from "sarif";
import type { LoadedRule } from "../packs/pack-types.js";
import type { RuleSet } from "../packs/rule-set.js";
import type { AddedSuppression, Finding, ScanResult, Severity } from "../types.js";
import { sha256 } from "../util/hash.js";
import { TOOL_NAME, TOOL_URI, toolVersion } from "../version.js";
import { redact } from "./redact.js";
import type { ReportOptions } from "./report-types.js";

const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "1.0",
};

/** security-severity of a result whose secret the provider still accepts (--verify). */
export const LIVE_SECURITY_SEVERITY = "10.0";

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "warning",
  info: "note",
};

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Relative URI of a repo path, each segment percent-encoded (spaces, #, ?, unicode). */
export function pathToUri(path: string): string {
  return path
    .split("/")
    .map((seg) => encodeURIComponent(seg))
    .join("/");
}

function pascalName(id: string): string {
  return id
    .split("-")
    .map((s) => (s[0]?.toUpperCase() ?? "") + s.slice(1))
    .join("");
}

function ruleDescriptor(rule: LoadedRule): Sarif.ReportingDescriptor {
  const docs = rule.spec.docs;
  const refs = docs.references?.length ? `\n\n## References\n${docs.references.map((r) => `- ${r}`).join("\n")}` : "";
  const benchmarks = docs.benchmarks?.length ? `\n\n## Related checks\n${docs.benchmarks.map((b) => `- ${b}`).join("\n")}` : "";
  const markdown = `## Why this matters\n${docs.why.trim()}\n\n## How to fix\n${docs.fix.trim()}${refs}${benchmarks}\n\n## How to allow\nAdd \`gitward:allow ${rule.spec.id} -- <reason>\` in a comment on the line, or record it in the baseline with \`gitward baseline update\`.`;
  const helpUri = docs.references?.find((r) => /^https?:\/\//.test(r));
  return {
    id: rule.spec.id,
    name: pascalName(rule.spec.id),
    shortDescription: { text: sentence(rule.spec.description) },
    fullDescription: { text: sentence(docs.why.replace(/\s+/g, " ")) },
    help: { text: sentence(`${docs.why.replace(/\s+/g, " ").trim()} Fix: ${docs.fix.replace(/\s+/g, " ").trim()}`), markdown },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      pack: rule.pack,
      packVersion: rule.packVersion,
      tags: ["security", rule.spec.kind === "config" ? "misconfiguration" : "secret", ...(rule.spec.tags ?? [])],
      "security-severity": SECURITY_SEVERITY[rule.severity],
      precision: "high",
      "problem.severity": rule.mode === "warn" ? "warning" : "error",
    },
  };
}

export function renderSarif(result: ScanResult, ruleSet: RuleSet, options: ReportOptions): string {
  // Rules live on the driver (ruleId + ruleIndex is what every SARIF consumer, GitHub included,
  // resolves); each rule names its pack, and every pack is listed as a tool extension with its
  // version. Only rules that have results are described, which keeps uploads small.
  const usedRules = new Set(result.findings.map((f) => f.ruleId));
  const rules: LoadedRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const pack of ruleSet.packs) {
    for (const spec of pack.rules) {
      const rule = ruleSet.byId.get(spec.id);
      if (!rule || !usedRules.has(spec.id)) continue;
      ruleIndex.set(spec.id, rules.length);
      rules.push(rule);
    }
  }
  const extensions: Sarif.ToolComponent[] = ruleSet.packs.map((pack) => ({
    name: pack.name,
    version: pack.version,
    semanticVersion: pack.version,
    ...(pack.description ? { fullDescription: { text: sentence(pack.description) } } : {}),
  }));

  const results: Sarif.Result[] = result.findings.map((f) => toResult(f, ruleIndex, options));
  const descriptors = rules.map(ruleDescriptor);
  const added = result.trusted?.addedSuppressions ?? [];
  if (added.length > 0 && result.trusted) {
    const index = descriptors.length;
    descriptors.push(SUPPRESSION_ADDED_RULE);
    const from = `${result.trusted.rev} (${result.trusted.sha.slice(0, 12)})`;
    for (const s of added) results.push(addedSuppressionResult(s, index, from, options));
  }
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: TOOL_NAME,
        version: toolVersion(),
        semanticVersion: toolVersion(),
        informationUri: TOOL_URI,
        rules: descriptors,
      },
      extensions,
    },
    results,
    invocations: [invocation(result, options)],
    columnKind: "utf16CodeUnits",
  };
  if (options.root) {
    const root = options.root.endsWith("/") ? options.root : `${options.root}/`;
    run.originalUriBaseIds = { "%SRCROOT%": { uri: `file://${root.split("/").map(encodeURIComponent).join("/")}` } };
  }
  const repo = options.repository;
  if (repo?.uri && repo.revisionId) {
    run.versionControlProvenance = [
      {
        repositoryUri: repo.uri,
        revisionId: repo.revisionId,
        ...(repo.branch ? { branch: repo.branch } : {}),
        // The results' paths are relative to %SRCROOT%, the top of this repository.
        ...(options.root ? { mappedTo: { uriBaseId: "%SRCROOT%" } } : {}),
      },
    ];
  }
  const log: Sarif.Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [run],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** At most this many notifications (a history can skip a binary file in every commit); the rest are counted. */
const MAX_NOTIFICATIONS = 1000;

/** The run's invocation: did it succeed, and what was not scanned (and warned about). */
function invocation(result: ScanResult, options: ReportOptions): Sarif.Invocation {
  const notifications: Sarif.Notification[] = result.skipped.slice(0, MAX_NOTIFICATIONS).map((s) => ({
    level: s.fatal ? "error" : "note",
    message: { text: `${s.path}: not scanned (${s.reason}): ${s.detail}` },
    descriptor: { id: `gitward/not-scanned/${s.reason}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(s.path), ...(options.root ? { uriBaseId: "%SRCROOT%" } : {}) },
        },
      },
    ],
    properties: { reason: s.reason, failedClosed: s.fatal },
  }));
  if (result.skipped.length > MAX_NOTIFICATIONS) {
    notifications.push({
      level: "note",
      message: { text: `${result.skipped.length - MAX_NOTIFICATIONS} more files not scanned (see the JSON report)` },
      descriptor: { id: "gitward/not-scanned/more" },
    });
  }
  for (const w of result.warnings) {
    notifications.push({
      level: "warning",
      message: { text: sentence(w.message) },
      descriptor: { id: "gitward/warning" },
      ...(w.ruleId ? { associatedRule: { id: w.ruleId } } : {}),
    });
  }
  return {
    executionSuccessful: !options.failedClosed,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
}

export const SUPPRESSION_ADDED = "gitward-suppression-added";

const SUPPRESSION_ADDED_RULE: Sarif.ReportingDescriptor = {
  id: SUPPRESSION_ADDED,
  name: "GitwardSuppressionAdded",
  shortDescription: { text: "The scanned range adds a suppression (inline allow, baseline entry or config allowlist)." },
  fullDescription: {
    text: "A change that adds a secret could also add what hides it. The scan read config and baseline from the trusted base revision, and lists every suppression the range adds for a reviewer to confirm.",
  },
  help: {
    text: "Check that the suppression is deliberate and has a reason: a real secret must be removed and rotated, not allowed.",
    markdown:
      "## Why this matters\nA pull request that adds a secret can also add the allow, baseline entry or allowlist entry that hides it. gitward reads config and baseline from the trusted base revision and lists each suppression the range adds.\n\n## How to fix\nConfirm the suppression is deliberate and carries a reason. A real secret must be removed and rotated, not allowed.",
  },
  defaultConfiguration: { level: "warning" },
  properties: { tags: ["security", "suppression"], "security-severity": "5.0", precision: "high", "problem.severity": "warning" },
};

function addedSuppressionResult(s: AddedSuppression, ruleIndex: number, from: string, options: ReportOptions): Sarif.Result {
  return {
    ruleId: SUPPRESSION_ADDED,
    ruleIndex,
    level: "warning",
    message: {
      text: `Suppression added by this range (${s.kind}): ${sentence(s.message)} Config and baseline were read from ${from}.`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(s.path), ...(options.root ? { uriBaseId: "%SRCROOT%" } : {}) },
          region: { startLine: s.line },
        },
      },
    ],
    partialFingerprints: { "gitward/v1": sha256(`${SUPPRESSION_ADDED}\0${s.kind}\0${s.path}\0${s.message}`) },
    properties: {
      kind: s.kind,
      ...(s.commit ? { commitSha: s.commit } : {}),
      ...(s.ruleIds?.length ? { ruleIds: s.ruleIds } : {}),
    },
  };
}

function toResult(f: Finding, ruleIndex: Map<string, number>, options: ReportOptions): Sarif.Result {
  const where = ruleIndex.get(f.ruleId);
  const shown = f.sensitive && (!options.noRedact || f.secret === "") ? redact(f.secret) : f.secret;
  const live = f.verification?.status === "live" ? " LIVE: the provider still accepts this secret." : "";
  const text = `${f.sensitive ? `${sentence(f.message)} Secret: ${shown}` : sentence(f.message)}${live}`;
  const properties: Record<string, unknown> = { secretHash: f.secretHash, severity: f.severity, mode: f.mode };
  if (f.commit) {
    properties.commitSha = f.commit.sha;
    properties.commitAuthor = f.commit.author;
    properties.commitEmail = f.commit.email;
    properties.commitDate = f.commit.date;
  }
  if (f.presentAtHead !== undefined) properties.presentAtHead = f.presentAtHead;
  if (f.presentIn !== undefined) properties.presentIn = f.presentIn;
  if (f.occurrences !== undefined) properties.occurrences = f.occurrences;
  if (f.verification) {
    properties.verification = f.verification.status;
    properties.verificationDetail = f.verification.detail;
    properties.verificationCheckedAt = f.verification.checkedAt;
    // A secret that still works outranks every unverified one (GitHub sorts alerts by this).
    if (f.verification.status === "live") properties["security-severity"] = LIVE_SECURITY_SEVERITY;
  }
  const result: Sarif.Result = {
    ruleId: f.ruleId,
    ...(where !== undefined ? { ruleIndex: where } : {}),
    level:
      f.verification?.status === "live"
        ? "error"
        : f.mode === "block"
          ? LEVEL[f.severity]
          : LEVEL[f.severity] === "error"
            ? "warning"
            : LEVEL[f.severity],
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(f.path), ...(options.root ? { uriBaseId: "%SRCROOT%" } : {}) },
          region: { startLine: f.startLine, startColumn: f.startColumn, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    partialFingerprints: { "gitward/v1": f.fingerprint },
    properties,
  };
  if (f.suppressions?.length) {
    result.suppressions = f.suppressions.map((s) => ({
      kind: s.kind === "inline" ? "inSource" : "external",
      status: s.expired ? "rejected" : "accepted",
      justification: s.justification,
    }));
  }
  return result;
}
