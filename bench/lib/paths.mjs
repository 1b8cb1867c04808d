// Where things are: the repository root, gitward's bin, and bench/.work (gitignored).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WORK = join(ROOT, "bench", ".work");
/** The copy of gitward the benchmarks run (see snapshotBuild); bin/gitward.cjs of the checkout until then. */
export let GITWARD_ROOT = ROOT;
export let GITWARD_BIN = join(ROOT, "bin", "gitward.cjs");
export const NODE = process.execPath;

export function workDir(...parts) {
  const dir = join(WORK, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Builds dist/ when it is missing (a fresh clone after `npm ci --ignore-scripts`) or when asked. */
export function ensureBuilt({ force = false, log } = {}) {
  if (!force && existsSync(join(ROOT, "dist", "bin", "gitward.cjs")) && existsSync(join(ROOT, "dist", "builtin-packs.json")))
    return;
  log?.("building dist/ (npm run build)…");
  execFileSync(NODE, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

function buildComplete(root) {
  return existsSync(join(root, "dist", "bin", "gitward.cjs")) && existsSync(join(root, "dist", "builtin-packs.json"));
}

/**
 * Copies the built CLI (bin/, dist/, package.json; patterns/ linked) to
 * bench/.work/gitward/ and points GITWARD_BIN there, so a rebuild of dist/ in
 * the shared checkout while the benchmarks run cannot pull files from under
 * them. Waits up to a minute for a build in progress to finish.
 */
export async function snapshotBuild({ log } = {}) {
  for (let i = 0; i < 60 && !buildComplete(ROOT); i++) {
    if (i === 0) log?.("waiting for dist/ (a build is in progress)…");
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!buildComplete(ROOT)) throw new Error("dist/ is incomplete (run npm run build)");
  // dist/ is complete once builtin-packs.json exists (written last); let a second writer settle.
  await new Promise((r) => setTimeout(r, 500));
  const target = join(WORK, "gitward");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // Not the code cache: it is keyed by the bundle's mtime, which the copy changes (the warm-up round writes one).
  const codeCache = join(ROOT, "dist", "bin", "code-cache");
  cpSync(join(ROOT, "dist"), join(target, "dist"), { recursive: true, filter: (src) => src !== codeCache });
  cpSync(join(ROOT, "bin"), join(target, "bin"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(target, "package.json"));
  // The packs are copied too and the pack cache rebuilt against the copies: a pack edited after
  // the last build makes the cache stale, and the CLI then parses and validates every YAML pack
  // on each run (about a second), which would be measured instead of the hook.
  cpSync(join(ROOT, "patterns"), join(target, "patterns"), { recursive: true });
  if (!buildComplete(target)) throw new Error("dist/ changed while it was copied; run again");
  const { buildBuiltinCache, writeBuiltinCache } = await import(
    pathToFileURL(join(target, "dist", "packs", "builtin-packs.js")).href
  );
  writeBuiltinCache(await buildBuiltinCache());
  GITWARD_ROOT = target;
  GITWARD_BIN = join(target, "bin", "gitward.cjs");
  return target;
}

/** Pack files the checkout's dist/builtin-packs.json is stale for (its hook re-parses YAML while any are). */
export function stalePackCache(root = ROOT) {
  try {
    const cache = JSON.parse(readFileSync(join(root, "dist", "builtin-packs.json"), "utf8"));
    return cache.files
      .filter((f) => {
        const st = statSync(join(root, "patterns", f.file), { throwIfNoEntry: false });
        return !st || st.size !== f.size || st.mtimeMs !== f.mtimeMs;
      })
      .map((f) => f.file);
  } catch {
    return [];
  }
}

/** A command on PATH, or undefined. */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Environment for git in the benchmark repositories: no user/system config, fixed identity. */
export function gitEnv(extra = {}) {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "gitward bench",
    GIT_AUTHOR_EMAIL: "bench@example.invalid",
    GIT_COMMITTER_NAME: "gitward bench",
    GIT_COMMITTER_EMAIL: "bench@example.invalid",
    ...extra,
  };
}
