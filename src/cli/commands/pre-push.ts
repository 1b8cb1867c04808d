/**
 * `gitward pre-push [remote] [url]`: the pre-push hook. Reads git's stdin
 * (`<local ref> <local sha> <remote ref> <remote sha>` per ref pushed) and
 * scans the commits that are about to reach the remote and are not on it yet,
 * catching what `git commit --no-verify` let through:
 *
 * - deleted ref (local sha all zeros): nothing to scan;
 * - new branch (remote sha all zeros): commits not reachable from any
 *   remote-tracking ref (`<local> --not --remotes`);
 * - fast-forward or force push: `<local> --not <remote sha> --remotes` (the
 *   remote sha only when it exists locally; after a force push it may not).
 *
 * The commit range is scanned by the history machinery.
 */
import { ExitCode, GitwardError } from "../../errors.js";
import { runGit } from "../../git/run-git.js";
import { prepareScan } from "../../setup.js";
import type { CliIO } from "../io.js";
import { emitReport } from "../report-output.js";
import { type ScanArgs, setupOptionsFrom } from "../scan-options.js";
import { repositoryInfo, requireRepository, runHistoryScan } from "./history.js";

export interface PrePushArgs extends ScanArgs {
  remote?: string;
  url?: string;
}

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

const ZERO = /^0+$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function parsePrePushInput(text: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    const [localRef, localSha, remoteRef, remoteSha] = t.split(/\s+/);
    if (!localRef || !localSha || !remoteRef || !remoteSha || !SHA.test(localSha) || !SHA.test(remoteSha)) {
      throw new GitwardError(
        `pre-push: unexpected input line "${t}" (expected "<local ref> <local sha> <remote ref> <remote sha>", as git passes to the pre-push hook)`,
        "usage",
      );
    }
    refs.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return refs;
}

async function refsFromPreCommitEnv(cwd: string, from: string | undefined, to: string): Promise<PushedRef[]> {
  const resolve = async (rev: string) => {
    const r = await runGit(["rev-parse", "--verify", "-q", "--end-of-options", `${rev}^{commit}`], cwd, { allowFail: true });
    return r.code === 0 ? r.stdout.toString("utf8").trim() : undefined;
  };
  const toSha = await resolve(to);
  if (!toSha) throw new GitwardError(`pre-push: PRE_COMMIT_TO_REF "${to}" is not a commit`, "usage");
  const fromSha = from && !ZERO.test(from) ? await resolve(from) : undefined;
  return [{ localRef: to, localSha: toSha, remoteRef: "", remoteSha: fromSha ?? "0".repeat(40) }];
}

export const PRE_PUSH_HINT =
  'gitward: push blocked: a commit being pushed adds a secret. Remove it from those commits (git rebase -i, or git commit --amend for the last one) and rotate it if it was real, or allow it with "gitward:allow <rule-id> -- <reason>". git push --no-verify skips this hook (CI still checks).';

export async function prePushCommand(args: PrePushArgs, io: CliIO): Promise<number> {
  await requireRepository(io.cwd, "pre-push");
  let refs = parsePrePushInput(Buffer.from(await io.readStdin()).toString("utf8"));
  // The pre-commit framework does not pass git's stdin; it sets PRE_COMMIT_FROM_REF/TO_REF instead.
  const from = io.env.PRE_COMMIT_FROM_REF;
  const to = io.env.PRE_COMMIT_TO_REF;
  if (refs.length === 0 && to) refs = await refsFromPreCommitEnv(io.cwd, from, to);
  const include = [...new Set(refs.filter((r) => !ZERO.test(r.localSha)).map((r) => r.localSha))];
  if (include.length === 0) {
    if (!args.quiet) io.stderr("gitward: nothing to scan (no commits pushed, or only deletions)\n");
    return ExitCode.Clean;
  }
  const remoteShas = [...new Set(refs.filter((r) => !ZERO.test(r.remoteSha)).map((r) => r.remoteSha))];
  // git answers these while the packs load (prepareScan's work is synchronous until then).
  const repositoryFor = repositoryInfo(io.cwd, args.format);
  const check =
    remoteShas.length > 0 ? runGit(["cat-file", "--batch-check"], io.cwd, { input: `${remoteShas.join("\n")}\n` }) : undefined;
  check?.catch(() => {}); // awaited below, after the setup (which may fail first)
  const setup = await prepareScan(setupOptionsFrom(args, io.cwd));
  const exclude: string[] = [];
  for (const line of ((await check)?.stdout.toString("utf8") ?? "").split("\n")) {
    const [sha, type] = line.split(" ");
    if (sha && type === "commit") exclude.push(sha);
  }
  for (const w of setup.warnings) io.stderr(`warning: ${w.message}\n`);
  const outcome = await runHistoryScan(setup, args, io, {
    revs: [...include, "--not", ...exclude, "--remotes"],
    kind: "pre-push",
    progress: false,
  });
  if (setup.config.verify)
    await (await import("../verify-run.js")).verifyIfAsked(outcome.result, setup, {}, io, {
      hook: true,
      root: setup.repoRoot ?? io.cwd,
    });
  const repository = await repositoryFor(outcome.head);
  return emitReport(outcome.result, setup.ruleSet, args, io, {
    sourceDescription: "commits",
    ...(setup.repoRoot ? { root: setup.repoRoot } : {}),
    repository,
    hint: PRE_PUSH_HINT,
  });
}
