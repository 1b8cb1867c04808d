/**
 * What is staged (`gitward staged`, the pre-commit hook): the index compared
 * with HEAD, never the work tree, so a partially staged file (git add -p) is
 * scanned exactly as it will be committed and its unstaged part is ignored.
 *
 * One git process does the work: `git diff --cached -U0 --full-index` gives,
 * per file, the added lines with their new line numbers and the staged blob id
 * (loaded lazily through `git cat-file --batch` only when a config rule needs
 * the whole file). On an unborn branch (first commit) `git diff --cached`
 * compares with the empty tree. Files larger than maxFileSize are reported
 * as binary by git (core.bigFileThreshold) and skipped with a notice. Nothing
 * here writes: GIT_OPTIONAL_LOCKS=0 keeps even the index stat refresh away.
 *
 * With explicit files (the pre-commit framework's `pass_filenames`, or
 * `pre-commit run --all-files`), staged changes to those files are scanned as
 * above, and files with nothing staged are scanned whole from the index (or
 * from the work tree when untracked).
 */
// Synchronous fs: only given files that have nothing staged are read here, and node:fs/promises
// would add its modules to every hook's start-up.
import { lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { BlobReader, type BlobSizer } from "../git/blob-reader.js";
import { type GitResult, plainWorkTreeRoot, runGit, runGitInBackground, runGitSync } from "../git/run-git.js";
import type { Fragment, SourceKind } from "../types.js";
import { blankLockfileHashes, decodeText, isLockfile, looksMinified, minifiedByName } from "./decode-text.js";
import { type DiffFile, parseDiff } from "./diff-parser.js";
import { isKeyStorePath, keyStoreFragment } from "./key-stores.js";
import { countLines, type SourceContext, type TextSource } from "./source.js";

export interface StagedSourceOptions {
  /** Where git runs (anywhere inside the work tree). */
  cwd: string;
  /** The work tree root (paths are reported relative to it). */
  repoRoot: string;
  maxFileSize: number;
  /** Limit to these files (relative to cwd), scanning unstaged-but-tracked ones whole. */
  files?: string[];
  /** Globs (repo-relative) never scanned. */
  excludePaths?: string[];
  scanAll?: boolean;
  /** The diff, started early with startStagedDiff (used when its size limit is maxFileSize). */
  diff?: StagedDiff;
}

/** A `git diff --cached` already running (see startStagedDiff). */
export interface StagedDiff {
  maxFileSize: number;
  output: Promise<GitResult>;
}

/**
 * Starts the staged diff before the packs are loaded, so that git computes it
 * on the other core meanwhile and the hook's wall time is the larger of the
 * two, not their sum. In the plain layout git writes into anonymous files in
 * .git (runGitInBackground): the cheapest way to run git beside the set-up, and
 * where the staged blobs already are. Elsewhere (a linked worktree, GIT_DIR
 * set, Windows), a small index (up to SYNC_INDEX_BYTES) is diffed
 * synchronously, since the pipes and events of an asynchronous run cost the
 * hook more than waiting for git, and a larger one through pipes.
 * The size limit is a guess (the command line's, or the default) that
 * StagedSource checks against the config's before using it. `background`
 * false and `syncIndexBytes` choose the other ways (tests compare them).
 */
export function startStagedDiff(
  cwd: string,
  maxFileSize: number,
  files: string[] = [],
  syncIndexBytes = SYNC_INDEX_BYTES,
  background = true,
): StagedDiff {
  const args = [...bigFileConfig(maxFileSize), "diff", "--cached", ...DIFF_FLAGS, "-C", ...pathspecOf(files)];
  const root = plainWorkTreeRoot(cwd);
  const output =
    (background && root ? runGitInBackground(args, cwd, join(root, ".git")) : undefined) ??
    ((indexBytes(cwd, root) ?? Number.POSITIVE_INFINITY) <= syncIndexBytes ? runGitNow(args, cwd) : runGit(args, cwd));
  // Observed when the source runs; a setup error (bad config) may come first and must not leave
  // an unhandled rejection behind.
  output.catch(() => {});
  return { maxFileSize, output };
}

/** runGitSync as a promise (its failure a rejection, like the other ways'). */
function runGitNow(args: string[], cwd: string): Promise<GitResult> {
  try {
    return Promise.resolve(runGitSync(args, cwd));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The index size up to which the staged diff runs synchronously. Measured
 * here (2 cores): `git diff --cached` of 10 staged files takes 4.5 ms with a
 * 46 kB index (545 files), 5.4 ms with 0.8 MB (10,000 files) and 9.3 ms with
 * 4 MB (50,000 files), against ~7 ms of the hook's own time for an
 * asynchronous run; ~25,000 files is where the two cross.
 */
export const SYNC_INDEX_BYTES = 2 * 1024 * 1024;

/**
 * The size of the index git will diff, when it is known without asking git:
 * GIT_INDEX_FILE (git sets it for the commit hooks; relative to the work tree
 * top, where hooks run), or `.git/index` in the plain layout. 0 when there is
 * no index yet (nothing ever staged); undefined when it cannot be located.
 */
function indexBytes(cwd: string, plainRoot: string | undefined): number | undefined {
  const env = process.env.GIT_INDEX_FILE;
  const root = env ? undefined : plainRoot;
  const file = env ? resolve(cwd, env) : root && join(root, ".git", "index");
  if (!file) return undefined;
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

function pathspecOf(files: string[]): string[] {
  return files.length > 0 ? ["--", ...files.map((f) => `:(literal)${f}`)] : [];
}

/** Flags every diff-producing git call uses, so that user config cannot change the format. */
export const DIFF_FLAGS = [
  "-U0",
  "--full-index",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--src-prefix=a/",
  "--dst-prefix=b/",
  "--no-relative",
  "--submodule=short",
  "-M",
];

/** `-c core.bigFileThreshold=N`: git then reports larger files as binary instead of diffing them. */
export function bigFileConfig(maxFileSize: number): string[] {
  return ["-c", `core.bigFileThreshold=${Math.max(1024, Math.floor(maxFileSize))}`];
}

export interface StagedSummary {
  /** Staged changes (or given files) that had content to scan. */
  candidates: number;
  scanned: number;
  skipped: number;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

export class StagedSource implements TextSource {
  readonly description = "staged files";
  readonly summary: StagedSummary = { candidates: 0, scanned: 0, skipped: 0 };
  private readonly blobs: BlobReader;

  constructor(private readonly options: StagedSourceOptions) {
    this.blobs = new BlobReader(options.cwd);
  }

  async *fragments(ctx: SourceContext): AsyncIterable<Fragment> {
    try {
      yield* this.run(ctx);
    } finally {
      this.blobs.close();
    }
  }

  private async *run(ctx: SourceContext): AsyncIterable<Fragment> {
    const { cwd, maxFileSize } = this.options;
    const given = this.options.files ?? [];
    const early = this.options.diff;
    const diff = early && early.maxFileSize === maxFileSize ? early : startStagedDiff(cwd, maxFileSize, given);
    const r = await diff.output;
    const files = parseDiff(r.stdout.toString("utf8"));
    const exclude = await this.excluder();
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file.path);
      const fragment = await diffFragment(
        file,
        "staged",
        ctx,
        { blobs: this.blobs, maxFileSize, scanAll: this.options.scanAll === true, exclude },
        this.summary,
      );
      if (fragment) yield fragment;
    }
    if (given.length === 0) return;

    // Given files with nothing staged: scan their whole index (or work tree) version.
    const root = realpathOr(this.options.repoRoot);
    const base = realpathOr(cwd);
    const rest = given
      .map((f) => ({ given: f, path: toPosix(relative(root, resolve(base, f))) }))
      .filter((f) => !seen.has(f.path));
    if (rest.length === 0) return;
    const ls = await runGit(["ls-files", "-s", "-z", "--full-name", "--", ...rest.map((f) => `:(literal)${f.given}`)], cwd);
    const inIndex = new Map<string, { mode: string; oid: string }>();
    for (const entry of ls.stdout.toString("utf8").split("\0")) {
      const m = /^(\d+) ([0-9a-f]+) (\d)\t([\s\S]*)$/.exec(entry);
      if (m && (m[3] === "0" || !inIndex.has(m[4] as string)))
        inIndex.set(m[4] as string, { mode: m[1] as string, oid: m[2] as string });
    }
    for (const f of rest) {
      this.summary.candidates++;
      if (exclude?.(f.path)) {
        skipOne(ctx, this.summary, f.path, "ignored", "excluded by the config allowlist paths");
        continue;
      }
      const entry = inIndex.get(f.path);
      let bytes: Buffer | undefined;
      if (entry) {
        if (entry.mode === "160000") {
          skipOne(ctx, this.summary, f.path, "submodule", "submodule pointer");
          continue;
        }
        if (entry.mode === "120000") {
          skipOne(ctx, this.summary, f.path, "symlink", "symbolic link not followed");
          continue;
        }
        bytes = await this.blobs.read(entry.oid);
      } else {
        const abs = resolve(base, f.given);
        const st = lstatSync(abs, { throwIfNoEntry: false });
        if (st?.isFile()) {
          if (st.size > maxFileSize) {
            skipOne(
              ctx,
              this.summary,
              f.path,
              "too-large",
              `${st.size} bytes > limit ${maxFileSize} (raise maxFileSize or --max-file-size)`,
            );
            continue;
          }
          bytes = readOr(abs);
        }
      }
      if (bytes === undefined) {
        ctx.skip({ path: f.path, reason: "unreadable", detail: "not in the index or the work tree", fatal: true });
        this.summary.skipped++;
        continue;
      }
      const fragment = wholeFileFragment(
        f.path,
        bytes,
        "staged",
        ctx,
        { maxFileSize, scanAll: this.options.scanAll === true },
        this.summary,
      );
      if (fragment) yield fragment;
    }
  }

  private async excluder(): Promise<((path: string) => boolean) | undefined> {
    const globs = this.options.excludePaths ?? [];
    if (globs.length === 0) return undefined;
    const { globsMatcher } = await import("../util/glob-regex.js");
    return globsMatcher(globs, { dot: true });
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function readOr(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function skipOne(
  ctx: SourceContext,
  summary: StagedSummary,
  path: string,
  reason: "binary" | "too-large" | "submodule" | "symlink" | "ignored" | "minified",
  detail: string,
): void {
  ctx.skip({ path, reason, detail, fatal: false });
  summary.skipped++;
}

export interface DiffFragmentDeps {
  blobs: BlobReader;
  maxFileSize: number;
  scanAll: boolean;
  exclude?: ((path: string) => boolean) | undefined;
  /**
   * Binary blobs are read to tell "too large" from binary, to scan UTF-16 text
   * and to recognise key stores by their magic bytes. When false (history),
   * blobs named like media, archives or compiled code are not read, and the
   * size of the others is checked first (with `sizes`).
   */
  probeBinary?: boolean;
  sizes?: BlobSizer;
  /** Skip notices for binary files are repeated in every commit of a history: let the caller dedupe. */
  skip?: (ctx: SourceContext, path: string, reason: "binary" | "too-large" | "submodule" | "minified", detail: string) => void;
}

/**
 * One diff entry → the fragment of its added lines (or a skip notice). Shared
 * by the staged, pre-push and history sources.
 */
export async function diffFragment(
  file: DiffFile,
  source: SourceKind,
  ctx: SourceContext,
  deps: DiffFragmentDeps,
  summary?: StagedSummary,
  commit?: Fragment["commit"],
): Promise<Fragment | undefined> {
  if (file.status === "deleted") return undefined;
  const mode = file.newMode ?? "";
  const skip = (reason: "binary" | "too-large" | "submodule" | "minified", detail: string) => {
    if (summary) summary.skipped++;
    if (deps.skip) deps.skip(ctx, file.path, reason, detail);
    else ctx.skip({ path: file.path, reason, detail, fatal: false });
  };
  if (mode === "160000") {
    if (summary) summary.candidates++;
    skip("submodule", "submodule pointer change (the submodule's own repository is scanned separately)");
    return undefined;
  }
  if (mode === "120000") return undefined; // a symlink's "content" is its target path
  if (file.binary) {
    if (summary) summary.candidates++;
    return binaryFragment(file, source, ctx, deps, skip, summary, commit);
  }
  const lines = file.lineNumbers.length;
  if (lines === 0) return undefined; // deletions only, mode change, pure rename
  if (summary) summary.candidates++;
  if (deps.exclude?.(file.path)) {
    if (summary) summary.skipped++;
    ctx.skip({ path: file.path, reason: "ignored", detail: "excluded by the config allowlist paths", fatal: false });
    return undefined;
  }
  const skipMinified = () => {
    if (summary) summary.skipped++;
    ctx.skip({ path: file.path, reason: "minified", detail: "minified bundle (use --scan-all to include)", fatal: false });
    return undefined;
  };
  // By name first: a history rewrites its bundles in many commits, and joining their lines is work.
  if (!deps.scanAll && minifiedByName(file.path)) return skipMinified();
  const joined = file.addedText ?? file.added.join("\n");
  let text = joined;
  if (!deps.scanAll && looksMinified(file.path, text)) return skipMinified();
  if (!deps.scanAll && isLockfile(file.path)) text = blankLockfileHashes(text);
  ctx.countFile(Buffer.byteLength(text), lines);
  if (summary) summary.scanned++;
  // The whole new file (new files): the added lines as they were, before any lockfile blanking.
  const whole = file.wholeFile ? () => `${joined}${file.noNewlineAtEnd ? "" : "\n"}` : undefined;
  const blob = file.newBlob;
  let doc: Promise<string | undefined> | undefined;
  const fragment: Fragment = {
    path: file.path,
    text,
    startLine: file.lineNumbers[0] ?? 1,
    lineNumbers: file.lineNumbers,
    source,
    isNewFile: file.status === "added",
    loadDocument: () => {
      if (whole !== undefined) return Promise.resolve(whole());
      doc ??= blob
        ? deps.blobs.read(blob).then((b) => {
            if (!b) return undefined;
            const d = decodeText(b);
            return d.kind === "text" ? d.text : undefined;
          })
        : Promise.resolve(undefined);
      return doc;
    },
  };
  if (commit) fragment.commit = commit;
  return fragment;
}

/**
 * Binary per git: too large (core.bigFileThreshold), real binary, UTF-16 text
 * that git cannot diff, or a key store (a finding in itself, see key-stores.ts).
 * The blob is read and decoded like a file given to `gitward scan`, so every
 * command reads it alike. History (probeBinary false) leaves blobs named like
 * media, archives or compiled code unread, and checks a blob's size before
 * reading it, so that a history full of images or large artifacts stays cheap.
 */
async function binaryFragment(
  file: DiffFile,
  source: SourceKind,
  ctx: SourceContext,
  deps: DiffFragmentDeps,
  skip: (reason: "binary" | "too-large" | "minified", detail: string) => void,
  summary: StagedSummary | undefined,
  commit: Fragment["commit"] | undefined,
): Promise<Fragment | undefined> {
  const oid = file.newBlob && !/^0+$/.test(file.newBlob) ? file.newBlob : undefined;
  if (deps.probeBinary === false) {
    if (!isKeyStorePath(file.path) && binaryByName(file.path)) {
      skip("binary", "binary content");
      return undefined;
    }
    const size = oid && deps.sizes ? await deps.sizes.size(oid) : undefined;
    if (size !== undefined && size > deps.maxFileSize) {
      skip("too-large", `${size} bytes > limit ${deps.maxFileSize} (raise maxFileSize or --max-file-size)`);
      return undefined;
    }
  }
  const blob = oid ? await deps.blobs.read(oid) : undefined;
  if (!blob) {
    skip("binary", "binary content");
    return undefined;
  }
  const fragment = wholeFileFragment(file.path, blob, source, ctx, deps, summary, skip);
  if (fragment && commit) fragment.commit = commit;
  return fragment;
}

/** Media, archives, fonts and compiled code: never text, never a key store (history does not read them). */
const BINARY_NAME =
  /\.(?:png|jpe?g|gif|bmp|ico|icns|webp|tiff?|psd|avif|heic|zip|gz|tgz|bz2|xz|zst|7z|rar|jar|war|ear|whl|nupkg|pdf|woff2?|ttf|otf|eot|mp[34]|m4a|mov|avi|mkv|wav|flac|ogg|webm|exe|dll|so|dylib|a|o|obj|lib|class|pyc|wasm)$/i;

export function binaryByName(path: string): boolean {
  return BINARY_NAME.test(path);
}

/** A whole file version (given files with nothing staged; UTF-16 text git shows as binary). */
function wholeFileFragment(
  path: string,
  bytes: Buffer,
  source: SourceKind,
  ctx: SourceContext,
  options: { maxFileSize: number; scanAll: boolean },
  summary: StagedSummary | undefined,
  /** How skips are reported when not one by one (a diff entry's skip, deduplicated over a history). */
  report?: (reason: "binary" | "too-large" | "minified", detail: string) => void,
): Fragment | undefined {
  const counts = summary ?? { candidates: 0, scanned: 0, skipped: 0 };
  const skip = (reason: "binary" | "too-large" | "minified", detail: string) => {
    if (report) report(reason, detail);
    else skipOne(ctx, counts, path, reason, detail);
  };
  if (bytes.length > options.maxFileSize) {
    skip("too-large", `${bytes.length} bytes > limit ${options.maxFileSize} (raise maxFileSize or --max-file-size)`);
    return undefined;
  }
  const decoded = decodeText(bytes);
  if (decoded.kind === "binary") {
    // A key store is a leaked private key in itself: scanned (as base64) instead of skipped.
    const keyStore = keyStoreFragment(path, bytes, source);
    if (keyStore) {
      ctx.countFile(bytes.length, 0);
      counts.scanned++;
      return keyStore;
    }
    skip("binary", "binary content");
    return undefined;
  }
  let text = decoded.text;
  if (!options.scanAll && looksMinified(path, text)) {
    skip("minified", "minified bundle (use --scan-all to include)");
    return undefined;
  }
  if (!options.scanAll && isLockfile(path)) text = blankLockfileHashes(text);
  ctx.countFile(bytes.length, countLines(text));
  counts.scanned++;
  return { path, text, startLine: 1, source };
}
