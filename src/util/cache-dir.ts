import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * The user's gitward cache directory: GITWARD_CACHE_DIR, else
 * $XDG_CACHE_HOME/gitward, else ~/.cache/gitward. Undefined when
 * GITWARD_CACHE_DIR is set to "" (caching off). Never a shared temporary
 * directory: another user could plant entries there.
 */
export function gitwardCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITWARD_CACHE_DIR === "") return undefined;
  return env.GITWARD_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homeDir(), ".cache"), "gitward");
}

/**
 * The home directory. node:os is loaded only when it is needed (a pre-commit
 * hook that reads no cache never needs it: loading it is a few hundred µs of
 * every commit), and HOME, which is what os.homedir() reads first on POSIX,
 * is used when set.
 */
function homeDir(): string {
  if (process.platform !== "win32" && process.env.HOME) return process.env.HOME;
  return (createRequire(import.meta.url)("node:os") as typeof import("node:os")).homedir();
}
