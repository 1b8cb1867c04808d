/**
 * Machine output, schema version 1 (documented in README "JSON output"):
 *
 * { "version": 1, "tool": {name, version}, "summary": {...},
 *   "findings": [Finding without lineText; secret redacted unless --no-redact],
 *   "skipped": [...], "warnings": [...],
 *   "trusted"?: {rev, sha, config?, baseline?, addedSuppressions: [...]} }
 *
 * Field names only ever get added; a breaking change bumps "version".
 */

import type { RuleSet } from "../packs/rule-set.js";
import { activeFindings } from "../pipeline.js";
import type { Finding, ScanResult, Verification } from "../types.js";
import { TOOL_NAME, toolVersion } from "../version.js";
import { redact } from "./redact.js";
import type { ReportOptions } from "./report-types.js";

export const JSON_SCHEMA_VERSION = 1;

/** `verification` of a finding: status, detail, checkedAt (+ verifier, cached). */
function verificationToJson(v: Verification) {
  return {
    status: v.status,
    detail: v.detail,
    checkedAt: v.checkedAt,
    ...(v.verifier ? { verifier: v.verifier } : {}),
    ...(v.cached ? { cached: true } : {}),
  };
}

export function findingToJson(f: Finding, noRedact: boolean) {
  // A secret that could not be read back (a history cache entry whose file is gone) is unknown, not "".
  const masked = f.sensitive && (!noRedact || f.secret === "");
  return {
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    mode: f.mode,
    message: f.message,
    path: f.path,
    startLine: f.startLine,
    startColumn: f.startColumn,
    endLine: f.endLine,
    endColumn: f.endColumn,
    secret: masked ? redact(f.secret) : f.secret,
    redacted: masked,
    secretHash: f.secretHash,
    fingerprint: f.fingerprint,
    pack: f.provenance.pack,
    packVersion: f.provenance.version,
    ...(f.entropy !== undefined ? { entropy: Number(f.entropy.toFixed(3)) } : {}),
    ...(f.commit ? { commit: f.commit } : {}),
    ...(f.presentAtHead !== undefined ? { presentAtHead: f.presentAtHead } : {}),
    ...(f.presentIn !== undefined ? { presentIn: f.presentIn } : {}),
    ...(f.occurrences !== undefined ? { occurrences: f.occurrences } : {}),
    ...(f.suppressions ? { suppressions: f.suppressions } : {}),
    ...(f.notes ? { notes: f.notes } : {}),
    ...(f.verification ? { verification: verificationToJson(f.verification) } : {}),
  };
}

export function renderJson(result: ScanResult, _ruleSet: RuleSet, options: ReportOptions): string {
  const active = activeFindings(result.findings);
  const shown = options.showSuppressed ? result.findings : active;
  const doc = {
    version: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    summary: {
      ...result.stats,
      durationMs: Math.round(result.stats.durationMs),
      findings: active.length,
      blocking: active.filter((f) => f.mode === "block").length,
      suppressed: result.findings.length - active.length,
      skipped: result.skipped.length,
      notScanned: result.skipped.filter((s) => s.fatal).length,
      ...(result.trusted ? { addedSuppressions: result.trusted.addedSuppressions.length } : {}),
      ...(result.verification ? { verification: result.verification } : {}),
    },
    findings: shown.map((f) => findingToJson(f, options.noRedact)),
    skipped: result.skipped,
    warnings: result.warnings,
    ...(result.trusted ? { trusted: result.trusted } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
