#!/usr/bin/env node
"use strict";
/**
 * gitward's executable: loads the CLI bundle (dist/bin/gitward.cjs, built by
 * scripts/build.mjs) and runs it. The hook commands (`staged`, `pre-push`)
 * load the hook bundle first (dist/bin/gitward-hook.cjs: their fast path
 * without yargs and the other commands, a quarter less code to load on every
 * commit); when it leaves the arguments to the full CLI (help, unusual
 * options), it has run nothing and the CLI bundle runs them.
 *
 * Why not a plain require(): a pre-commit hook runs this on every commit, and
 * compiling the bundle was the largest part of its own start-up time. Node 20
 * has no compile cache for modules (module.enableCompileCache is Node 22), so
 * the bundle is compiled with vm.Script and V8's code cache: the first run
 * writes the compiled code (including the functions that run lazily compiled)
 * to a cache file; later runs deserialize it instead of compiling. It is plain
 * CommonJS, which also keeps the ESM loader out of start-up.
 *
 * The cache is only an optimisation, never a source of behaviour:
 * - its file name carries the Node version, architecture, V8 flags and the
 *   bundle's size and modification time, so a rebuilt bundle or another Node
 *   never meets a stale cache (V8 itself only checks the source length);
 * - the hooks (staged, pre-push) each have their own: a cache holds the code
 *   the run that wrote it compiled, and is written once, so a first
 *   `gitward install` would otherwise leave every later commit with a cache of
 *   install's code (measured: 10 ms more per hook);
 * - V8 rejects a cache it cannot use (version, flags, corruption of its
 *   header); the bundle is then compiled normally and the cache rewritten;
 * - it is written atomically (temporary file + rename) after the command has
 *   run, and any failure to read or write it is ignored;
 * - it lives next to the bundle (the install's own directory) or, when that is
 *   not writable, in the user's cache directory; never in a shared temporary
 *   directory, where another user could plant compiled code.
 * GITWARD_CODE_CACHE=off disables it; GITWARD_CODE_CACHE=debug reports on
 * stderr what happened (hit, miss, rejected, written).
 */
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { createRequire } = require("node:module");
const { isAscii } = require("node:buffer");

const BUNDLE = path.join(__dirname, "..", "dist", "bin", "gitward.cjs");
const HOOK_BUNDLE = path.join(__dirname, "..", "dist", "bin", "gitward-hook.cjs");
const mode = process.env.GITWARD_CODE_CACHE;
const debug = mode === "debug" ? (msg) => process.stderr.write(`gitward code cache: ${msg}\n`) : () => {};

/** A short, stable hash (FNV-1a) of the V8 flags that would make a cache unusable. */
function flagsHash() {
  const text = `${process.execArgv.join(" ")}|${process.env.NODE_OPTIONS ?? ""}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * The command a cache is for: each hook has its own, `history` has its own (it runs under V8 flags
 * of its own, see V8_FLAGS), every other command shares one.
 */
function cacheKind(argv) {
  let i = 0;
  // `-C DIR` / `--cwd DIR` / `--cwd=DIR` may come first (see src/cli/run.ts).
  while (argv[i] === "-C" || argv[i]?.startsWith("--cwd")) i += argv[i].startsWith("--cwd=") ? 1 : 2;
  return argv[i] === "staged" || argv[i] === "pre-push" || argv[i] === "history" ? argv[i] : "cli";
}

/**
 * V8 flags per command, set before the bundle is compiled: V8 checks a code cache against the flags
 * it was made under, so a command with flags of its own has a cache of its own (cacheKind).
 *
 * history: V8 optimises a function (TurboFan, on a background thread) once it has run about 66 kB
 * of bytecode, and again after each deoptimisation, which early type feedback makes frequent. A
 * history scan runs a few hundred functions over megabytes of patch: on express (all refs) that
 * compile work was 0.5 s of CPU, as much as the scanner's own thread, and on two cores it runs
 * beside git. Optimising later, with more feedback, cut the process's CPU by about a quarter there
 * and on git/git's v2.44.0..v2.46.0 (1.3 -> 1.05 s, 1.05 -> 0.85 s), with the same CPU on the
 * full history (bench/README.md, "Real histories, third round").
 */
const V8_FLAGS = { history: "--interrupt-budget=300000" };

/** Where the cache of this bundle, for this kind of command, may live, most preferred first. */
function cacheFiles(stat, kind) {
  const name = `${process.version}-${process.arch}-${flagsHash()}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${kind}.bin`;
  const dirs = [path.join(__dirname, "..", "dist", "bin", "code-cache")];
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, ".cache"));
  if (home) dirs.push(path.join(home, "gitward", "code-cache"));
  return dirs.map((dir) => path.join(dir, name));
}

function readCache(files) {
  for (const file of files) {
    try {
      return { file, data: fs.readFileSync(file) };
    } catch {
      // not there: try the next location
    }
  }
  return undefined;
}

function writeCache(files, data) {
  for (const file of files) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
      return file;
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {}
    }
  }
  return undefined;
}

/** Compiles a bundle (through its code cache for `kind`) and returns its exports and how to save its cache. */
function load(bundle, kind) {
  const flags = V8_FLAGS[kind];
  if (flags) require("node:v8").setFlagsFromString(flags);
  const bytes = fs.readFileSync(bundle);
  // The build keeps the bundle ASCII (esbuild escapes the rest), and Latin-1 decoding of ASCII is a
  // plain copy, several times faster than UTF-8 decoding of the same 0.8 MB.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const useCache = mode !== "off";
  const files = useCache ? cacheFiles(fs.statSync(bundle), kind) : [];
  const cached = useCache ? readCache(files) : undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cached ? { cachedData: cached.data } : {}),
  });
  const status = !useCache ? "off" : !cached ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  debug(cached ? `${status} ${cached.file}` : status);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  const save =
    status === "miss" || status === "rejected"
      ? (coldReason) => {
          // A run that filled gitward's other caches compiled code that later runs skip: the next run
          // writes the code cache instead (see src/util/code-cache-hint.ts).
          if (coldReason) return debug(`not written: this run was not typical (${coldReason})`);
          // After the run, so the functions the command compiled lazily are in the cache too.
          const written = writeCache(files, script.createCachedData());
          debug(written ? `written ${written}` : "not written (no writable cache directory)");
        }
      : () => {};
  return { main: module.exports.main, coldRunReason: module.exports.coldRunReason, save };
}

/**
 * Runs the command: a hook command through the hook bundle when the build made
 * one, anything else (and hook arguments the hook bundle leaves to the full
 * CLI, a rare run that shares the CLI's cache) through the CLI bundle.
 * Resolves to the bundle that ran it, whose code cache is then saved.
 */
/** src/git/git-relay.ts's RELAY_BOOT, the same text (test/cli/bin.test.ts checks). */
const RELAY_BOOT =
  'const { parentPort } = require("node:worker_threads"); const vm = require("node:vm"); require("node:child_process"); parentPort.once("message", (m) => vm.runInThisContext("(function (require, parentPort, workerData) {" + m.source + "\\n})")(require, parentPort, m.data));';

/**
 * `history` waits for its `git log` walk, which a relay thread starts (src/git/git-relay.ts). The
 * thread boots here, on the other core while this one compiles the bundle and sets up the scan,
 * instead of once the walk is asked for: on express the walk then started 60-100 ms sooner. Not
 * referenced until it has work, so a run that needs no walk is not held up by it. (`pre-push` reads
 * its walk without a thread: see spawnGitInline.)
 */
function prestartRelay() {
  const { Worker } = require("node:worker_threads");
  let worker;
  try {
    worker = new Worker(RELAY_BOOT, { eval: true });
  } catch {
    return; // (threads not allowed, say): the scan's own relay then says why it cannot run
  }
  worker.unref();
  const ended = () => {
    worker.gitwardEnded = true;
  };
  worker.on("error", ended); // (a relay that fails to boot is booted again when needed)
  worker.on("exit", ended);
  globalThis[Symbol.for("gitward.relay")] = worker;
}

async function run() {
  let kind = cacheKind(process.argv.slice(2));
  if (kind === "history") prestartRelay();
  if ((kind === "staged" || kind === "pre-push") && fs.existsSync(HOOK_BUNDLE)) {
    const hook = load(HOOK_BUNDLE, `hook-${kind}`);
    if (await hook.main()) return hook;
    kind = "cli";
  }
  const cli = load(BUNDLE, kind);
  await cli.main();
  return cli;
}

run().then(
  ({ coldRunReason, save }) => {
    save(coldRunReason?.());
    // The command has finished and its output is out (main waits for it). Exiting now skips tearing
    // down the heap piece by piece, a few milliseconds of every hook (more after a history scan).
    process.exit();
  },
  (e) => {
    // main() reports its own errors; reaching here is a bug, and must not look like a clean scan.
    process.stderr.write(`gitward: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 2;
    // Something it started (a git process, a thread) may keep the process alive: do not hang a hook or CI.
    setTimeout(() => process.exit(2), 1000).unref();
  },
);
