/**
 * `gitward install [--pre-push]` and `gitward uninstall`.
 *
 * - With husky (a `.husky/` directory, or --husky): adds a marked block running
 *   `gitward staged` (and `gitward pre-push "$@"`) to `.husky/pre-commit`
 *   (`.husky/pre-push`); husky 9 runs those files from `core.hooksPath=.husky/_`.
 * - Otherwise: copies hooks/pre-commit (hooks/pre-push) into the hooks
 *   directory git actually uses (`git rev-parse --git-path hooks`, which honours
 *   core.hooksPath and worktrees). A hook already there is kept, renamed to
 *   `<hook>.gitward-chained`, and run after gitward; uninstall puts it back.
 *
 * Idempotent: installing twice changes nothing; only gitward's own hook or
 * block is ever rewritten. Repository inspection here uses simple-git (not a
 * hot path, unlike the staged and history scans, which spawn git directly
 * through src/git/ to stream output and save start-up time).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GitwardError } from "../../errors.js";
import type { CliIO } from "../io.js";

export interface InstallArgs {
  prePush?: boolean;
  husky?: boolean;
}

const MARK = "gitward-hook:";
const BLOCK_START = "# >>> gitward >>>";
const BLOCK_END = "# <<< gitward <<<";
const CHAINED = ".gitward-chained";

type HookName = "pre-commit" | "pre-push";

const HUSKY_LINES: Record<HookName, string> = {
  "pre-commit": "gitward staged",
  "pre-push": 'gitward pre-push "$@"',
};

/**
 * The hooks shipped in the package: hooks/ at the package root, found by
 * walking up from this module (it may run from src/, dist/ or a bundled chunk).
 */
export function packagedHook(name: HookName): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "hooks", name);
    if (existsSync(file) && existsSync(join(dir, "package.json"))) return readFileSync(file, "utf8");
    if (dirname(dir) === dir) break;
  }
  throw new GitwardError(`install: the packaged hook hooks/${name} was not found above ${start} (broken installation?)`, "io");
}

interface RepoLayout {
  root: string;
  hooksDir: string;
  huskyDir: string;
}

async function layout(cwd: string): Promise<RepoLayout> {
  const { simpleGit } = await import("simple-git");
  // Only read-only rev-parse queries run here. simple-git inherits the environment (an explicit
  // .env() would be refused when the user sets GIT_CONFIG_GLOBAL) and blocks unsafe options itself.
  const git = simpleGit({ baseDir: cwd });
  let root: string;
  try {
    if ((await git.raw(["rev-parse", "--is-bare-repository"])).trim() === "true") {
      throw new GitwardError("install: this is a bare repository: there are no commits made here to guard", "usage");
    }
    root = (await git.revparse(["--show-toplevel"])).trim();
  } catch (e) {
    if (e instanceof GitwardError) throw e;
    throw new GitwardError("install: not inside a git work tree (run it in your repository)", "usage");
  }
  const hooks = (await git.raw(["rev-parse", "--git-path", "hooks"])).trim();
  return { root, hooksDir: isAbsolute(hooks) ? hooks : resolve(cwd, hooks), huskyDir: join(root, ".husky") };
}

function useHusky(args: InstallArgs, l: RepoLayout): boolean {
  if (args.husky === false) return false;
  if (args.husky === true) return true;
  return existsSync(l.huskyDir) && statSync(l.huskyDir).isDirectory();
}

function isOurs(file: string): boolean {
  return existsSync(file) && readFileSync(file, "utf8").includes(MARK);
}

function installPlain(l: RepoLayout, name: HookName, say: (s: string) => void): void {
  mkdirSync(l.hooksDir, { recursive: true });
  const file = join(l.hooksDir, name);
  const content = packagedHook(name);
  if (existsSync(file) && !isOurs(file)) {
    const chained = file + CHAINED;
    if (existsSync(chained)) throw new GitwardError(`install: both ${file} and ${chained} exist; move one away first`, "usage");
    renameSync(file, chained);
    say(`kept the existing ${name} hook: it now runs after gitward (${chained})`);
  } else if (existsSync(file) && readFileSync(file, "utf8") === content) {
    say(`${name} hook already installed (${file})`);
    return;
  }
  writeFileSync(file, content);
  chmodSync(file, 0o755);
  say(`installed the ${name} hook: ${file}`);
}

function uninstallPlain(l: RepoLayout, name: HookName, say: (s: string) => void): void {
  const file = join(l.hooksDir, name);
  const chained = file + CHAINED;
  if (isOurs(file)) {
    rmSync(file);
    say(`removed the ${name} hook: ${file}`);
  }
  if (existsSync(chained) && !existsSync(file)) {
    renameSync(chained, file);
    say(`restored the previous ${name} hook: ${file}`);
  }
}

function installHusky(l: RepoLayout, name: HookName, say: (s: string) => void): void {
  mkdirSync(l.huskyDir, { recursive: true });
  const file = join(l.huskyDir, name);
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (before.includes(BLOCK_START)) {
    say(`${name}: husky hook already runs gitward (${file})`);
    return;
  }
  const block = `${BLOCK_START}\n${HUSKY_LINES[name]}\n${BLOCK_END}\n`;
  const sep = before === "" || before.endsWith("\n") ? "" : "\n";
  writeFileSync(file, `${before}${sep}${block}`);
  chmodSync(file, 0o755);
  say(`added gitward to the husky ${name} hook: ${file}${before ? " (existing commands kept)" : ""}`);
}

function uninstallHusky(l: RepoLayout, name: HookName, say: (s: string) => void): void {
  const file = join(l.huskyDir, name);
  if (!existsSync(file)) return;
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(BLOCK_START);
  if (start === -1) return;
  const endAt = text.indexOf(BLOCK_END, start);
  const end = endAt === -1 ? text.length : endAt + BLOCK_END.length + (text[endAt + BLOCK_END.length] === "\n" ? 1 : 0);
  const rest = text.slice(0, start) + text.slice(end);
  if (rest.trim() === "") rmSync(file);
  else writeFileSync(file, rest);
  say(`removed gitward from the husky ${name} hook: ${file}`);
}

export async function installCommand(args: InstallArgs, io: CliIO): Promise<number> {
  const l = await layout(io.cwd);
  const say = (s: string) => io.stdout(`${s}\n`);
  const hooks: HookName[] = args.prePush ? ["pre-commit", "pre-push"] : ["pre-commit"];
  const husky = useHusky(args, l);
  for (const name of hooks) {
    if (husky) installHusky(l, name, say);
    else installPlain(l, name, say);
  }
  if (husky && !existsSync(join(l.huskyDir, "_"))) {
    say('husky is not initialised in this clone yet: run "npx husky" (or npm install, if "prepare": "husky" is set)');
  }
  say("git commit --no-verify (git push --no-verify) skips the hook; gitward uninstall removes it.");
  return 0;
}

export async function uninstallCommand(_args: Record<string, unknown>, io: CliIO): Promise<number> {
  const l = await layout(io.cwd);
  const say = (s: string) => io.stdout(`${s}\n`);
  for (const name of ["pre-commit", "pre-push"] as const) {
    uninstallHusky(l, name, say);
    uninstallPlain(l, name, say);
  }
  return 0;
}
