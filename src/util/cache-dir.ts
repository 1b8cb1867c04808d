import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The user's gitward cache directory: GITWARD_CACHE_DIR, else
 * $XDG_CACHE_HOME/gitward, else ~/.cache/gitward. Undefined when
 * GITWARD_CACHE_DIR is set to "" (caching off). Never a shared temporary
 * directory: another user could plant entries there.
 */
export function gitwardCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITWARD_CACHE_DIR === "") return undefined;
  return env.GITWARD_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "gitward");
}
