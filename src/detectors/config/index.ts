/**
 * The config linter: selects config files by path (and content where names
 * vary), parses them once per format with positions, and runs the config rules
 * from packs (declarative matchers and TypeScript checks).
 *
 * Diff sources (staged, history) give only added lines; the whole new file is
 * loaded for linting and only findings on changed lines are kept, plus
 * missing-setting findings for new files or when a changed line touches them.
 *
 * Fail closed: a config file that does not parse (or cannot be loaded, or on
 * which a rule throws) is reported twice: a warning naming the file and the
 * position, and a fatal skip notice saying that its config rules did not (all)
 * run, which makes the run exit 2 unless --allow-skip is given. The scan goes
 * on: the secret rules still see the file's text, other files are linted.
 * Templated files (Helm, Jinja) are not valid until rendered: an intended,
 * non-fatal skip.
 */
import type { ConfigRuleSpec, LoadedRule } from "../../packs/pack-types.js";
import type { Fragment, ScanWarning, SkipNotice, Tracer } from "../../types.js";
import type { Detector, DetectorOutput, RawFinding } from "../detector.js";
import { CHECKS } from "./checks/index.js";
import { runDeclarative } from "./declarative.js";
import { fileType, normalizePath, pathMatcher } from "./file-types.js";
import type { Format, ParsedDocument } from "./model.js";
import { parseDocument, splitLines } from "./parse.js";
import type { ConfigFinding, RuleContext } from "./report.js";
import { makeFinding } from "./report.js";
import type { ConfigRule } from "./rule-spec.js";

interface Target {
  /** File type id, or `rule:<id>` for a rule's own globs. */
  id: string;
  format: Format;
  matchesPath: (path: string) => boolean;
  content?: RegExp;
  rules: ConfigRule[];
}

const EMPTY: DetectorOutput = { findings: [], warnings: [] };

export function createConfigDetector(rules: LoadedRule<ConfigRuleSpec>[]): Detector {
  const targets = buildTargets(rules.filter((r) => r.mode !== "off").map((r) => r.spec as ConfigRule));
  return {
    name: "config",
    detect(fragment: Fragment, trace?: Tracer): DetectorOutput | Promise<DetectorOutput> {
      const path = normalizePath(fragment.path);
      const candidates = targets.filter((t) => t.matchesPath(path));
      // The common case (not a config file) stays synchronous and allocation-free.
      if (candidates.length === 0) return EMPTY;
      return lint(fragment, path, candidates, trace);
    },
  };
}

function buildTargets(rules: ConfigRule[]): Target[] {
  const byType = new Map<string, Target>();
  for (const rule of rules) {
    for (const id of rule.fileTypes ?? []) {
      const ft = fileType(id);
      if (!ft) continue;
      let t = byType.get(id);
      if (!t) {
        t = { id, format: ft.format, matchesPath: pathMatcher(ft.globs, ft.exclude), rules: [] };
        if (ft.content) t.content = ft.content;
        byType.set(id, t);
      }
      t.rules.push(rule);
    }
    if (rule.files?.length) {
      const t: Target = {
        id: `rule:${rule.id}`,
        format: rule.format ?? "lines",
        matchesPath: pathMatcher(rule.files),
        rules: [rule],
      };
      if (rule.content) t.content = new RegExp(rule.content, "m");
      byType.set(t.id, t);
    }
  }
  return [...byType.values()];
}

async function lint(fragment: Fragment, path: string, candidates: Target[], trace?: Tracer): Promise<DetectorOutput> {
  const diff = fragment.loadDocument !== undefined;
  const text = diff ? await fragment.loadDocument?.() : fragment.text;
  const inCommit = fragment.commit ? ` (commit ${fragment.commit.sha.slice(0, 12)})` : "";
  if (text === undefined) {
    const detail = `config rules not run: the file's new version could not be read${inCommit}`;
    return { findings: [], warnings: [], skipped: [{ path: fragment.path, reason: "unreadable", detail, fatal: true }] };
  }
  const active = candidates.filter((t) => !t.content || t.content.test(text));
  if (active.length === 0) return EMPTY;

  const warnings: ScanWarning[] = [];
  const skipped: SkipNotice[] = [];
  const docs = new Map<Format, ParsedDocument>();
  const found: ConfigFinding[] = [];
  for (const target of active) {
    let doc = docs.get(target.format);
    if (!doc) {
      doc = await parseDocument(target.format, text);
      docs.set(target.format, doc);
      const p = doc.problems[0];
      if (p && /\{\{|\{%/.test(text)) {
        // Templated files (Helm, Jinja) are not valid until rendered: an intended skip, listed, not fatal.
        skipped.push({
          path: fragment.path,
          reason: "templated",
          detail: `template (Helm/Jinja), not valid ${target.format} until rendered: config rules checked only what parses${inCommit}`,
          fatal: false,
        });
      } else if (p) {
        // JSON files (daemon.json) are read by the YAML parser, a superset; name the format the user wrote.
        const format = target.format === "yaml" && /\.json$/i.test(fragment.path) ? "json" : target.format;
        // A parser's own stack overflow on hostile nesting is the file's problem, said in its terms.
        const reason = /Maximum call stack size exceeded/.test(p.message) ? "nested too deeply to parse" : p.message;
        const where = p.line ? `:${p.line}${p.col ? `:${p.col}` : ""}` : "";
        const at = p.line ? ` at line ${p.line}${p.col ? `, column ${p.col}` : ""}` : "";
        warnings.push({
          path: fragment.path,
          message: `${fragment.path}${where}: cannot parse as ${format}: ${reason}`,
        });
        skipped.push({
          path: fragment.path,
          reason: "unparsable",
          detail: `cannot parse as ${format}${at} (${reason}): its config rules did not run; the secret rules did scan it${inCommit}`,
          fatal: true,
        });
      }
    }
    for (const rule of target.rules) {
      const ctx: RuleContext = {
        rule,
        doc,
        fileType: target.id,
        path,
        report: (input) => found.push(makeFinding(rule, doc as ParsedDocument, input)),
      };
      try {
        if (rule.check) {
          const check = CHECKS[rule.check];
          if (!check) {
            warnings.push({ ruleId: rule.id, message: `${rule.id}: unknown check "${rule.check}"` });
            continue;
          }
          check(ctx);
        }
        if (rule.match !== undefined || rule.missing !== undefined) runDeclarative(ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        warnings.push({ path: fragment.path, ruleId: rule.id, message: `${fragment.path}: ${rule.id} failed: ${message}` });
        skipped.push({
          path: fragment.path,
          reason: "other",
          detail: `not checked by config rule ${rule.id}: it failed (${message})${inCommit}`,
          fatal: true,
        });
      }
    }
  }

  const kept = diff ? keepChanged(found, fragment, trace) : found;
  const offset = diff ? 0 : fragment.startLine - 1;
  const lines = splitLines(text);
  const seen = new Set<string>();
  const findings: RawFinding[] = [];
  for (const f of kept) {
    const key = `${f.ruleId}\0${f.line}\0${f.evidence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const raw: RawFinding = {
      ruleId: f.ruleId,
      startLine: f.line + offset,
      startColumn: f.col,
      endLine: f.endLine + offset,
      endColumn: f.endCol,
      secret: f.evidence,
      message: f.message,
      lineText: lines[f.line - 1] ?? "",
    };
    if (f.sensitive) raw.sensitive = true;
    findings.push(raw);
  }
  findings.sort((a, b) => a.startLine - b.startLine || a.startColumn - b.startColumn || a.ruleId.localeCompare(b.ruleId));
  return { findings, warnings, ...(skipped.length > 0 ? { skipped } : {}) };
}

/** Diff sources: keep findings on added lines, and file-level ones the change is responsible for. */
function keepChanged(found: ConfigFinding[], fragment: Fragment, trace?: Tracer): ConfigFinding[] {
  const added = splitLines(fragment.text);
  const numbers = fragment.lineNumbers ?? added.map((_, i) => fragment.startLine + i);
  const changed = new Set(numbers);
  const addedText = added.join("\n").toLowerCase();
  return found.filter((f) => {
    let keep: boolean;
    if (f.fileLevel) keep = fragment.isNewFile === true || f.touch.some((w) => addedText.includes(w.toLowerCase()));
    else keep = changed.has(f.line) || f.related.some((l) => changed.has(l));
    if (!keep)
      trace?.({
        ruleId: f.ruleId,
        path: fragment.path,
        line: f.line,
        stage: "path",
        reason: "config finding not on a changed line",
      });
    return keep;
  });
}
