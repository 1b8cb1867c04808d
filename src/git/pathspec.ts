/**
 * `gitward history --path P` → a git pathspec. Users write globs the way
 * .gitignore and their shell taught them, so:
 *
 * - no glob character (`*?[`): `:(literal)P`, a file or a directory (a name
 *   with glob characters in it can be given as `:(literal)NAME` itself);
 * - a glob without `/` (`*.md`): matches at any depth, `:(glob)**\/P`;
 * - a glob with `/` (`docs/*.md`, `/build/**`): anchored at the repository
 *   root, `:(glob)P` (in git's glob magic `*` stops at `/`, `**` crosses it);
 * - an argument already written with pathspec magic (`:(…)…`) is passed as is.
 */
export function historyPathspec(path: string): string {
  if (path.startsWith(":(")) return path;
  if (!/[*?[]/.test(path)) return `:(literal)${path}`;
  if (!path.replace(/\/+$/, "").includes("/")) return `:(glob)**/${path}`;
  return `:(glob)${path.replace(/^\/+/, "")}`;
}
