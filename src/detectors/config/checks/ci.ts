/** CI pipeline checks: GitHub Actions workflows and GitLab CI. */
import { flat } from "../declarative.js";
import type { TreeNode } from "../model.js";
import type { RuleContext } from "../report.js";
import { compilePath, get, scalars, select, str } from "../tree.js";
import { entries, listItems, locate } from "./util.js";

function triggers(root: TreeNode): Set<string> {
  const on = get(root, "on") ?? get(root, "true");
  const out = new Set<string>();
  if (on?.type === "scalar") {
    out.add(on.value);
  } else if (on?.type === "list") {
    for (const i of on.items) if (i.type === "scalar") out.add(i.value);
  } else {
    for (const e of entries(on)) out.add(e.key);
  }
  return out;
}

/** Expressions that point at the pull request's own (untrusted) code. */
const PR_HEAD =
  /github\.event\.pull_request\.head\.(sha|ref|repo\.full_name)|github\.head_ref|github\.event\.workflow_run\.(head_sha|head_branch|head_repository\.full_name)|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha|github\.event\.number|github\.event\.pull_request\.number/;

export function githubActionsPrTargetCheckout(ctx: RuleContext): void {
  for (const root of ctx.doc.trees ?? []) {
    const on = triggers(root);
    const event = on.has("pull_request_target") ? "pull_request_target" : on.has("workflow_run") ? "workflow_run" : undefined;
    if (!event) continue;
    for (const job of entries(get(root, "jobs"))) {
      for (const step of listItems(get(job.value, "steps"))) {
        const uses = str(get(step, "uses")) ?? "";
        const candidates: TreeNode[] = [];
        if (/^actions\/checkout@/.test(uses)) {
          for (const k of ["ref", "repository"]) {
            const n = get(step, "with", k);
            if (n) candidates.push(n);
          }
        }
        const run = get(step, "run");
        if (run?.type === "scalar" && /\b(git\s+(fetch|checkout|pull|switch)|gh\s+pr\s+checkout)\b/.test(run.value))
          candidates.push(run);
        for (const n of candidates) {
          if (n.type !== "scalar") continue;
          const m = PR_HEAD.exec(n.value) ?? (/gh\s+pr\s+checkout/.exec(n.value) as RegExpExecArray | null);
          if (!m) continue;
          const at = locate(ctx.doc, n.pos, m[0]);
          ctx.report({
            line: at.line,
            col: at.col,
            evidence: `${job.key} checkout ${m[0]}`,
            message: `Job ${job.key} runs on ${event} (with secrets and a write token) and checks out the pull request's code (${m[0]}): building or running it lets any fork author steal secrets. Use the pull_request trigger for untrusted code, or never execute the checked-out code in this workflow.`,
          });
        }
      }
    }
  }
}

/** `${{ }}` expressions whose value an outside contributor controls. */
const UNTRUSTED =
  /\$\{\{[^}]*?\b(github\.event\.(?!repository\b)[\w.[\]*'"-]*\.(body|title|message|head_ref|label|email|name|page_name|default_branch|display_title)|github\.event\.pull_request\.head\.ref|github\.event\.workflow_run\.head_branch|github\.head_ref)\b[^}]*\}\}/g;
const SCRIPTS = compilePath("**.steps.(run|script)");
const GITHUB_SCRIPT = compilePath("**.steps.with.script");

/** Environment variables (workflow, job, step level) whose value is untrusted event data. */
function untrustedEnv(node: TreeNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries(get(node, "env"))) {
    const v = str(e.value);
    const m = v === undefined ? null : new RegExp(UNTRUSTED.source).exec(v);
    if (m) out.set(e.key, m[0]);
  }
  return out;
}

/**
 * Untrusted data that reaches a script through `env:`: expanded again as `${{ env.NAME }}`
 * (substituted into the script text like the original), evaluated (`eval "$NAME"`, `sh -c "$NAME"`),
 * or appended to $GITHUB_ENV / $GITHUB_OUTPUT (a newline in the value defines more variables).
 */
function envInjection(ctx: RuleContext, root: TreeNode): void {
  const workflow = untrustedEnv(root);
  for (const job of entries(get(root, "jobs"))) {
    const jobEnv = new Map([...workflow, ...untrustedEnv(job.value)]);
    for (const step of listItems(get(job.value, "steps"))) {
      const env = new Map([...jobEnv, ...untrustedEnv(step)]);
      if (env.size === 0) continue;
      const uses = str(get(step, "uses")) ?? "";
      const script = get(step, "run") ?? (/^actions\/github-script@/.test(uses) ? get(step, "with", "script") : undefined);
      if (script?.type !== "scalar") continue;
      for (const [name, source] of env) {
        const expr = new RegExp(`\\$\\{\\{\\s*env\\.${name}\\s*\\}\\}`);
        const shellVar = `\\$\\{?${name}\\b\\}?`;
        const evaluated = new RegExp(`\\b(eval|(ba|z)?sh\\s+-c|python3?\\s+-c|node\\s+-e)\\b[^\\n]*${shellVar}`);
        const toEnvFile = new RegExp(`${shellVar}[^\\n]*>>\\s*"?\\$\\{?GITHUB_(ENV|OUTPUT|PATH)\\b`);
        for (const line of script.value.split("\n")) {
          const how = expr.test(line)
            ? "expanded into the script again with ${{ env." + name + " }}"
            : evaluated.test(line)
              ? "evaluated as code"
              : toEnvFile.test(line)
                ? "written to $GITHUB_ENV/$GITHUB_OUTPUT, where a newline in it defines further variables"
                : undefined;
          if (!how) continue;
          const at = locate(ctx.doc, script.pos, line.trim());
          ctx.report({
            line: at.line,
            col: at.col,
            evidence: `${name}=${source} in ${line.trim()}`,
            message: `${name} holds ${source}, text an outside contributor controls, and is ${how}: a crafted title, body or branch name injects commands (with the job's token and secrets). Use it only as a quoted shell variable ("$${name}") or process.env.${name}.`,
          });
        }
      }
    }
  }
}

export function githubActionsScriptInjection(ctx: RuleContext): void {
  for (const root of ctx.doc.trees ?? []) {
    envInjection(ctx, root);
    const hits = [...select(flat(root), SCRIPTS), ...select(flat(root), GITHUB_SCRIPT)];
    for (const h of hits) {
      for (const s of scalars(h.node)) {
        for (const m of s.value.matchAll(UNTRUSTED)) {
          const at = locate(ctx.doc, s.pos, m[0]);
          ctx.report({
            line: at.line,
            col: at.col,
            endCol: at.endCol,
            evidence: m[0],
            message: `${m[0]} is expanded into a script before it runs: a crafted title, body or branch name injects shell commands (with the job's token and secrets). Pass it through an environment variable (\`env: VALUE: ${m[0]}\`) and use "$VALUE" in the script.`,
          });
        }
      }
    }
  }
}

/** Predefined GitLab variables an outside contributor controls. */
const GITLAB_FREE_TEXT =
  "CI_MERGE_REQUEST_TITLE|CI_MERGE_REQUEST_DESCRIPTION|CI_MERGE_REQUEST_LABELS|CI_COMMIT_MESSAGE|CI_COMMIT_TITLE|CI_COMMIT_DESCRIPTION|CI_COMMIT_TAG_MESSAGE|CI_COMMIT_AUTHOR|CI_EXTERNAL_PULL_REQUEST_TITLE|CI_EXTERNAL_PULL_REQUEST_DESCRIPTION";
const GITLAB_BRANCH =
  "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME|CI_COMMIT_BRANCH|CI_COMMIT_REF_NAME|CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME|CI_MERGE_REQUEST_SOURCE_PROJECT_PATH";
const GITLAB_VAR = new RegExp(`\\$\\{?(${GITLAB_FREE_TEXT}|${GITLAB_BRANCH})\\b\\}?`, "g");
const GITLAB_SCRIPTS = compilePath("**.(script|before_script|after_script)");

/** Is offset `i` of a shell line inside double quotes (and not single quotes)? */
function quoted(line: string, i: number): boolean {
  let dq = false;
  let sq = false;
  for (let j = 0; j < i; j++) {
    const c = line[j];
    if (c === "\\") j++;
    else if (c === '"' && !sq) dq = !dq;
    else if (c === "'" && !dq) sq = !sq;
  }
  return dq || sq;
}

export function gitlabCiScriptInjection(ctx: RuleContext): void {
  for (const root of ctx.doc.trees ?? []) {
    for (const h of select(flat(root), GITLAB_SCRIPTS)) {
      for (const s of scalars(h.node)) {
        for (const line of s.value.split("\n")) {
          // Evaluated again by another interpreter: quoting does not protect there.
          const reEvaluated = /\beval\b|\b(sh|bash|zsh|python3?|node|ruby|perl)\s+-[ce]\b|<<|\$\(\s*echo/.test(line);
          for (const m of line.matchAll(GITLAB_VAR)) {
            const free = new RegExp(`^(${GITLAB_FREE_TEXT})$`).test(m[1] as string);
            const unsafe = reEvaluated || !quoted(line, m.index ?? 0) || (free && /['"][^'"]*\{|\{[^'"]*\$/.test(line));
            if (!unsafe) continue;
            const at = locate(ctx.doc, s.pos, line.trim() ? line.trim() : m[0]);
            ctx.report({
              line: at.line,
              col: at.col,
              evidence: `${m[0]} in ${line.trim()}`,
              message: `${m[0]} is set by whoever opens the merge request or pushes the branch, and is used ${reEvaluated ? "in code that is evaluated again" : "unquoted"} in a CI script: a crafted ${free ? "title or message" : "branch name"} can inject commands. Quote it ("${m[0]}"), never pass it to eval/sh -c, or validate it first.`,
            });
          }
        }
      }
    }
  }
}
