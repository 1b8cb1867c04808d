/**
 * `gitward install [--pre-push]` and `gitward uninstall`.
 *
 * - With husky (a `.husky/` directory, or --husky): adds a marked block running
 *   `gitward staged` (and `gitward pre-push "$@"`) to `.husky/pre-commit`
 *   (`.husky/pre-push`); husky 9 runs those files from `core.hooksPath=.husky/_`.
 * - Otherwise: copies hooks/pre-commit (hooks/pre-push) into the hooks
 *   directory git actually uses (`git rev-parse --git-path hooks`, which honours
 *   core.hooksPath and worktrees). A hook already there is kept, renamed to
 *   `<hook>.gitward-chained`, and run after gitward under the hook's own name
 *   (hooks/pre-commit explains how); uninstall puts it back.
 * - The plain hook records the gitward that ran `install` (node + script, as
 *   absolute paths) as the last place to look, after $GITWARD_BIN,
 *   node_modules/.bin and PATH: a clone without node_modules, or a GUI client
 *   whose PATH lacks a global install, still finds it. Install says which one
 *   the hook will use, and warns when it would find none.
 *
 * Idempotent: installing twice changes nothing; only gitward's own hook or
 * block is ever rewritten. Repository inspection here uses simple-git (not a
 * hot path, unlike the staged and history scans, which spawn git directly
 * through src/git/ to stream output and save start-up time).
 */
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve, sep } from "node:path";
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
  return readFileSync(join(packageRoot(name), "hooks", name), "utf8");
}

function packageRoot(name: HookName): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "hooks", name)) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new GitwardError(`install: the packaged hook hooks/${name} was not found above ${start} (broken installation?)`, "io");
}

/** The gitward running now, as the hook can run it again: this Node and the package's executable. */
export interface RunningGitward {
  node: string;
  script: string;
}

export function runningGitward(): RunningGitward | undefined {
  const script = join(packageRoot("pre-commit"), "bin", "gitward.cjs");
  return existsSync(script) ? { node: process.execPath, script } : undefined;
}

/** A value for a single-quoted sh string. */
function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The packaged hook with the running gitward recorded as its last fallback. */
export function hookContent(name: HookName, self: RunningGitward | undefined): string {
  const text = packagedHook(name);
  if (!self) return text;
  return text
    .replace(/^installed_node=$/m, `installed_node=${shQuote(self.node)}`)
    .replace(/^installed_script=$/m, `installed_script=${shQuote(self.script)}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where the hook will find gitward, looking in the hook's order; undefined: nowhere. */
export function hookWouldUse(
  root: string,
  env: Record<string, string | undefined>,
  self: RunningGitward | undefined,
): string | undefined {
  if (env.GITWARD_BIN) return `$GITWARD_BIN (${env.GITWARD_BIN})`;
  const local = join(root, "node_modules", ".bin", "gitward");
  if (isExecutable(local)) return local;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, "gitward"))) return `${join(dir, "gitward")} (on PATH)`;
  }
  if (self && isExecutable(self.node) && existsSync(self.script)) return `${self.node} ${self.script} (recorded now)`;
  return undefined;
}

/** npx runs packages from a cache it may clear: a gitward recorded from there will not last. */
function isTemporary(script: string): boolean {
  return script.includes(`${sep}_npx${sep}`);
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

function installPlain(l: RepoLayout, name: HookName, self: RunningGitward | undefined, say: (s: string) => void): void {
  mkdirSync(l.hooksDir, { recursive: true });
  const file = join(l.hooksDir, name);
  const content = hookContent(name, self);
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
  const self = runningGitward();
  for (const name of hooks) {
    if (husky) installHusky(l, name, say);
    else installPlain(l, name, self, say);
  }
  if (husky && !existsSync(join(l.huskyDir, "_"))) {
    say('husky is not initialised in this clone yet: run "npx husky" (or npm install, if "prepare": "husky" is set)');
  }
  // husky runs `gitward` from node_modules/.bin or PATH only (its hook files are committed, so no
  // machine's own path belongs in them); the plain hook also falls back to the recorded gitward.
  const uses = hookWouldUse(l.root, io.env, husky ? undefined : self);
  if (!uses) {
    io.stderr(
      `gitward: warning: the hook will not find gitward (not in node_modules/.bin, not on PATH${husky ? "" : ", and this gitward cannot be recorded"}): every commit would be blocked. Install it in the project (npm install -D gitward) or set GITWARD_BIN.\n`,
    );
  } else if (!husky && self && uses.endsWith("(recorded now)")) {
    say(`gitward is neither in node_modules/.bin nor on PATH: the hook will run ${self.node} ${self.script}`);
    if (isTemporary(self.script)) {
      io.stderr(
        "gitward: warning: that gitward is in a temporary npx cache and may disappear; install it (npm install -D gitward) or set GITWARD_BIN.\n",
      );
    }
  }
  say("git commit --no-verify (git push --no-verify) skips the hook; gitward uninstall removes it.");
  return 0;
}

export async function uninstallCommand(_args: Record<string, unknown>, io: CliIO): Promise<number> {
  const l = await layout(io.cwd);
  let said = false;
  const say = (s: string) => {
    said = true;
    io.stdout(`${s}\n`);
  };
  for (const name of ["pre-commit", "pre-push"] as const) {
    uninstallHusky(l, name, say);
    uninstallPlain(l, name, say);
  }
  if (!said) io.stdout(`nothing to uninstall: no gitward hook in ${l.hooksDir} or ${l.huskyDir}\n`);
  return 0;
}
