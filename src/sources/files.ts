/**
 * Files and directories on disk (`gitward scan [paths..]`).
 *
 * Inside a git work tree the file list comes from `git ls-files` (tracked plus
 * untracked-but-not-ignored), which honours every .gitignore exactly as git
 * does; outside one, a directory walk with the `ignore` package reads the
 * .gitignore files it meets. Symlinks are not followed (a link can point
 * outside the tree, or loop).
 */

import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { GitwardError } from "../errors.js";
import { findRepoRoot, runGit } from "../git/run-git.js";
import type { Fragment } from "../types.js";
import { globsMatcher } from "../util/glob-regex.js";
import { blankLockfileHashes, decodeText, isLockfile, looksMinified } from "./decode-text.js";
import { keyStoreFragment } from "./key-stores.js";
import { countLines, type SourceContext, type TextSource } from "./source.js";

export interface FilesSourceOptions {
  cwd: string;
  paths: string[];
  maxFileSize: number;
  /** Globs (relative to cwd) never scanned. */
  excludePaths?: string[];
  /** Also scan files that .gitignore excludes. */
  noIgnore?: boolean;
  /** Scan minified bundles and lockfile hashes too. */
  scanAll?: boolean;
}

/** Files read concurrently: enough to hide I/O latency, few enough to bound memory. */
const CONCURRENCY = 16;

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

export class FilesSource implements TextSource {
  readonly description = "files";
  /** The repository root (paths in the config allowlist are relative to it), if cwd is in one. */
  private root: string | undefined;

  constructor(private readonly options: FilesSourceOptions) {}

  async *fragments(ctx: SourceContext): AsyncIterable<Fragment> {
    const files = await this.listFiles(ctx);
    this.root = await findRepoRoot(this.options.cwd);
    const exclude = this.options.excludePaths?.length ? globsMatcher(this.options.excludePaths, { dot: true }) : undefined;
    const fromRoot = (abs: string) => (this.root ? toPosix(relative(this.root, abs)) : undefined);
    const selected = exclude ? files.filter((f) => !exclude(f.display) && !exclude(fromRoot(f.abs) ?? f.display)) : files;
    // A sliding window of reads keeps the disk busy while fragments are scanned in order.
    const pending: Promise<Fragment | undefined>[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length < CONCURRENCY && next < selected.length) {
        const file = selected[next++] as { abs: string; display: string };
        pending.push(this.readOne(file.abs, file.display, ctx));
      }
    };
    fill();
    while (pending.length > 0) {
      const fragment = await (pending.shift() as Promise<Fragment | undefined>);
      fill();
      if (fragment) yield fragment;
    }
  }

  private async readOne(abs: string, display: string, ctx: SourceContext): Promise<Fragment | undefined> {
    const { maxFileSize, scanAll } = this.options;
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(abs);
    } catch (e) {
      ctx.skip({ path: display, reason: "unreadable", detail: (e as NodeJS.ErrnoException).code ?? String(e), fatal: true });
      return undefined;
    }
    if (st.isSymbolicLink()) {
      ctx.skip({ path: display, reason: "symlink", detail: "symbolic link not followed", fatal: false });
      return undefined;
    }
    if (!st.isFile()) return undefined;
    if (st.size > maxFileSize) {
      ctx.skip({
        path: display,
        reason: "too-large",
        detail: `${st.size} bytes > limit ${maxFileSize} (raise maxFileSize or --max-file-size)`,
        fatal: false,
      });
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(abs);
    } catch (e) {
      ctx.skip({ path: display, reason: "unreadable", detail: (e as NodeJS.ErrnoException).code ?? String(e), fatal: true });
      return undefined;
    }
    const decoded = decodeText(bytes);
    if (decoded.kind === "binary") {
      // A key store is a leaked private key in itself: scanned (as base64) instead of skipped.
      const keyStore = keyStoreFragment(display, bytes, "file");
      if (keyStore) {
        ctx.countFile(bytes.length, 0);
        return this.withRootPath(keyStore, abs);
      }
      ctx.skip({ path: display, reason: "binary", detail: "binary content", fatal: false });
      return undefined;
    }
    let text = decoded.text;
    if (!scanAll && looksMinified(display, text)) {
      ctx.skip({ path: display, reason: "minified", detail: "minified bundle (use --scan-all to include)", fatal: false });
      return undefined;
    }
    if (!scanAll && isLockfile(display)) text = blankLockfileHashes(text);
    ctx.countFile(bytes.length, countLines(text));
    return this.withRootPath({ path: display, text, startLine: 1, source: "file" }, abs);
  }

  /** Adds the repository-relative path when it differs from the displayed one (see Fragment.rootPath). */
  private withRootPath(fragment: Fragment, abs: string): Fragment {
    const rootPath = this.root ? toPosix(relative(this.root, abs)) : fragment.path;
    return rootPath === fragment.path ? fragment : { ...fragment, rootPath };
  }

  /** Every file to scan, with its absolute path and the path shown to users (relative to cwd, POSIX). */
  private async listFiles(ctx: SourceContext): Promise<{ abs: string; display: string }[]> {
    const { cwd, paths } = this.options;
    const out: { abs: string; display: string }[] = [];
    const seen = new Set<string>();
    const add = (abs: string) => {
      if (seen.has(abs)) return;
      seen.add(abs);
      out.push({ abs, display: toPosix(relative(cwd, abs)) || "." });
    };
    for (const p of paths.length > 0 ? paths : ["."]) {
      const abs = isAbsolute(p) ? p : resolve(cwd, p);
      let st: Awaited<ReturnType<typeof lstat>>;
      try {
        st = await lstat(abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A named path that is not there was asked for and cannot be scanned: a usage error, not a pass.
        if (code === "ENOENT" || code === "ENOTDIR") throw new GitwardError(`scan: ${p}: no such file or directory`, "usage");
        ctx.skip({ path: p, reason: "unreadable", detail: `${code ?? e}`, fatal: true });
        continue;
      }
      if (st.isSymbolicLink()) {
        // Links are never followed (a link may point outside the repository); one named outright is
        // a request gitward cannot honour, not a file to skip quietly.
        const target = await readlink(abs).catch(() => "?");
        throw new GitwardError(
          `scan: ${p} is a symbolic link (to ${target}); gitward does not follow links: name its target`,
          "usage",
        );
      }
      if (!st.isDirectory()) {
        add(abs);
        continue;
      }
      const listed = this.options.noIgnore ? undefined : await listWithGit(abs);
      if (listed) for (const f of listed) add(f);
      else for (const f of await walk(abs, abs, this.options.noIgnore === true)) add(f);
    }
    return out;
  }
}

/** Files under `dir` according to git (tracked + untracked not ignored), or undefined outside a repo. */
async function listWithGit(dir: string): Promise<string[] | undefined> {
  const root = await findRepoRoot(dir);
  if (!root) return undefined;
  const r = await runGit(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--", "."], dir, {
    allowFail: true,
  });
  if (r.code !== 0) return undefined;
  const files = r.stdout.toString("utf8").split("\0").filter(Boolean);
  // ls-files lists deleted-but-tracked files too; readOne reports them if they vanish, so drop them here.
  const unique = [...new Set(files)].map((f) => join(root, f));
  const existing: string[] = [];
  await Promise.all(
    unique.map(async (f) => {
      const st = await lstat(f).catch(() => undefined);
      if (st && !st.isDirectory()) existing.push(f);
    }),
  );
  return existing.sort();
}

/** Directory walk outside git, honouring .gitignore files unless `noIgnore`. */
async function walk(root: string, dir: string, noIgnore: boolean, inherited: IgnoreLayer[] = []): Promise<string[]> {
  const layers = [...inherited];
  if (!noIgnore) {
    const text = await readFile(join(dir, ".gitignore"), "utf8").catch(() => undefined);
    if (text !== undefined) {
      const { default: ignore } = await import("ignore");
      layers.push({ base: dir, matcher: ignore().add(text) });
    }
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === ".git") continue;
    const full = join(dir, entry.name);
    if (layers.some((l) => l.matcher.ignores(toPosix(relative(l.base, full)) + (entry.isDirectory() ? "/" : "")))) continue;
    if (entry.isDirectory()) files.push(...(await walk(root, full, noIgnore, layers)));
    else files.push(full);
  }
  return files;
}

interface IgnoreLayer {
  base: string;
  matcher: { ignores(path: string): boolean };
}
