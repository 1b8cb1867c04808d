// The benchmark repositories, created reproducibly and cached in bench/.work/.
//
// 1. Real history: successive published versions of the npm package `moment`
//    (fetched with `npm pack moment@<version>`, the only outside source this
//    machine reaches), each committed in order over the previous one with a
//    fixed author and date. Real code, real diffs between releases.
// 2. A large synthetic history (git fast-import from a seeded generator): tens
//    of thousands of commits editing code-like files, for history throughput.
// 3. A source tree: the unpacked tarballs of the last N versions side by side.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitEnv, WORK, workDir } from "./paths.mjs";

export const REAL_PACKAGE = "moment";
/** 44 consecutive releases, 2.11.0 (Dec 2015) → 2.31.0: real history of a mid-size library. */
export const REAL_VERSIONS = [
  "2.11.0",
  "2.11.1",
  "2.11.2",
  "2.12.0",
  "2.13.0",
  "2.14.0",
  "2.14.1",
  "2.15.0",
  "2.15.1",
  "2.15.2",
  "2.16.0",
  "2.17.0",
  "2.17.1",
  "2.18.0",
  "2.18.1",
  "2.19.0",
  "2.19.1",
  "2.19.2",
  "2.19.3",
  "2.19.4",
  "2.20.0",
  "2.20.1",
  "2.21.0",
  "2.22.0",
  "2.22.1",
  "2.22.2",
  "2.23.0",
  "2.24.0",
  "2.25.0",
  "2.25.1",
  "2.25.2",
  "2.25.3",
  "2.26.0",
  "2.27.0",
  "2.28.0",
  "2.29.0",
  "2.29.1",
  "2.29.2",
  "2.29.3",
  "2.29.4",
  "2.30.0",
  "2.30.1",
  "2.31.0",
];

function git(cwd, args, opts = {}) {
  return execFileSync("git", args, {
    cwd,
    env: gitEnv(opts.env),
    stdio: ["pipe", "pipe", "pipe"],
    input: opts.input,
    maxBuffer: 1 << 30,
  }).toString();
}

/** The npm tarballs, fetched once into bench/.work/tarballs/ (npm's own cache makes re-fetches offline). */
export function realTarballs(log) {
  const dir = workDir("tarballs", REAL_PACKAGE);
  const file = (v) => join(dir, `${REAL_PACKAGE}-${v}.tgz`);
  const missing = REAL_VERSIONS.filter((v) => !existsSync(file(v)));
  if (missing.length > 0) {
    log?.(`fetching ${missing.length} versions of ${REAL_PACKAGE} with npm pack…`);
    execFileSync("npm", ["pack", "--silent", "--pack-destination", dir, ...missing.map((v) => `${REAL_PACKAGE}@${v}`)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  }
  return REAL_VERSIONS.map((v) => ({ version: v, file: file(v) }));
}

/** Unpacks an npm tarball (its files under package/) into dir; old tarballs carry headers GNU tar does not know. */
function untar(file, dir) {
  execFileSync("tar", ["xzf", file, "--warning=no-unknown-keyword", "--strip-components=1", "-C", dir], {
    stdio: ["ignore", "ignore", "ignore"],
  });
}

function clearWorkTree(dir) {
  for (const name of readdirSync(dir)) if (name !== ".git") rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * The real-history repository: one commit per release, dated one week apart
 * from 2016-01-01 so the commit ids are the same on every machine with the same git.
 * Returns `{dir, commits}`.
 */
export function realRepo(log) {
  const dir = join(WORK, "repos", `${REAL_PACKAGE}-history`);
  const marker = join(dir, ".git", "gitward-bench-complete");
  const want = REAL_VERSIONS.join(",");
  if (existsSync(marker) && readFileSync(marker, "utf8") === want) return { dir, commits: REAL_VERSIONS.length };
  const tarballs = realTarballs(log);
  log?.(`creating ${dir} (${tarballs.length} commits)…`);
  rmSync(dir, { recursive: true, force: true });
  workDir("repos", `${REAL_PACKAGE}-history`);
  git(dir, ["init", "-q", "-b", "main"]);
  const base = Date.UTC(2016, 0, 1) / 1000;
  tarballs.forEach(({ version, file }, i) => {
    clearWorkTree(dir);
    untar(file, dir);
    git(dir, ["add", "-A"]);
    const date = `${base + i * 7 * 86400} +0000`;
    git(dir, ["commit", "-q", "--no-verify", "-m", `${REAL_PACKAGE} ${version}`], {
      env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  });
  git(dir, ["gc", "-q"]);
  writeFileSync(marker, want);
  return { dir, commits: tarballs.length };
}

/** The last `count` releases unpacked side by side: a real source tree for the directory scan. */
export function sourceTree(count, log) {
  const versions = REAL_VERSIONS.slice(-count);
  const dir = join(WORK, "trees", `${REAL_PACKAGE}-${count}`);
  const marker = join(dir, ".gitward-bench-complete");
  if (existsSync(marker)) return dir;
  const tarballs = realTarballs(log).filter((t) => versions.includes(t.version));
  log?.(`unpacking ${tarballs.length} releases into ${dir}…`);
  rmSync(dir, { recursive: true, force: true });
  for (const { version, file } of tarballs) {
    const target = workDir("trees", `${REAL_PACKAGE}-${count}`, `${REAL_PACKAGE}-${version}`);
    untar(file, target);
  }
  // Its own (empty) repository: the checkout's .gitignore ignores bench/.work/, which would hide the tree.
  git(dir, ["init", "-q"]);
  writeFileSync(marker, "");
  return dir;
}

// ---------------------------------------------------------------------------
// Synthetic large history

/** mulberry32: a small seeded PRNG, so the synthetic history is identical on every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "const let return function async await import export default from new this null undefined true false if else " +
  "for while switch case break continue try catch finally throw class extends super static get set yield typeof " +
  "value result options config request response handler buffer stream error message index count length items " +
  "user token session cache client server router query params body headers status data record entry key name " +
  "path file dir parse format render update create delete fetch load save read write open close start stop"
).split(" ");
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** One code-like line; now and then a base64 blob, a URL, or (rarely) a key-shaped token. */
function codeLine(rnd) {
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const ident = () => pick(WORDS) + (rnd() < 0.5 ? pick(WORDS).replace(/^./, (c) => c.toUpperCase()) : "");
  const r = rnd();
  const indent = "  ".repeat(Math.floor(rnd() * 4));
  if (r < 0.03) {
    let s = "";
    for (let i = 0; i < 40 + Math.floor(rnd() * 40); i++) s += B64[Math.floor(rnd() * 64)];
    return `${indent}const ${ident()} = "${s}";`;
  }
  if (r < 0.05) return `${indent}// see https://example.com/${ident()}/${ident()}?id=${Math.floor(rnd() * 1e6)}`;
  if (r < 0.0505) {
    // key-shaped (assembled here so this file itself holds no such literal)
    let s = "";
    for (let i = 0; i < 16; i++) s += UPPER_DIGITS[Math.floor(rnd() * 32)];
    return `${indent}aws_access_key_id = "${"AK"}${"IA"}${s}"`;
  }
  const n = 3 + Math.floor(rnd() * 8);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(rnd() < 0.2 ? JSON.stringify(ident()) : ident());
  return `${indent}${parts.join(rnd() < 0.5 ? " " : ".")}${rnd() < 0.3 ? "(" + ident() + ");" : ";"}`;
}

/**
 * A synthetic history of `commits` commits over `files` code-like files: each
 * commit rewrites a few runs of lines in 1–3 files (so git really diffs), and
 * about one commit in 40 adds a new file. Merges, as in real histories: about
 * one commit in 12 starts a topic branch of 1–4 commits on files of its own
 * while main goes on elsewhere, merged back with `--no-ff`; one merge in 8
 * also rewrites a line of a topic file (a conflict resolution: lines neither
 * parent has). Written with git fast-import from a seeded generator. Returns
 * `{dir, commits, merges}` (merges are counted in commits).
 */
export async function syntheticRepo(commits, log) {
  const dir = join(WORK, "repos", `synthetic-merges-${commits}`);
  const marker = join(dir, ".git", "gitward-bench-complete");
  if (existsSync(marker)) return { dir, commits, merges: Number(readFileSync(marker, "utf8").split(" ")[1] ?? 0) };
  log?.(`synthesising ${dir} (${commits} commits with git fast-import)…`);
  rmSync(dir, { recursive: true, force: true });
  workDir("repos", `synthetic-merges-${commits}`);
  git(dir, ["init", "-q", "-b", "main"]);
  const rnd = prng(8);
  const files = [];
  const newFile = () => {
    const lines = [];
    const n = 60 + Math.floor(rnd() * 200);
    for (let i = 0; i < n; i++) lines.push(codeLine(rnd));
    const name = `src/${WORDS[Math.floor(rnd() * WORDS.length)]}/${files.length}-${WORDS[Math.floor(rnd() * WORDS.length)]}.js`;
    files.push({ name, lines });
    return files.at(-1);
  };
  const child = spawn("git", ["fast-import", "--quiet", "--done"], {
    cwd: dir,
    env: gitEnv(),
    stdio: ["pipe", "ignore", "inherit"],
  });
  const exited = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))));
  });
  let chunk = [];
  let size = 0;
  const write = async (s) => {
    chunk.push(s);
    size += s.length;
    if (size > 1 << 20) {
      const data = chunk.join("");
      chunk = [];
      size = 0;
      if (!child.stdin.write(data)) await new Promise((r) => child.stdin.once("drain", r));
    }
  };
  const blob = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const base = Date.UTC(2015, 0, 1) / 1000;
  /** Rewrites a few runs of lines of f (as many removed as added on average: files stay ~100–300 lines). */
  const edit = (f) => {
    const runs = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < runs; k++) {
      const at = Math.floor(rnd() * f.lines.length);
      const del = Math.min(f.lines.length - at, Math.floor(rnd() * (f.lines.length > 300 ? 16 : 8)));
      const add = [];
      for (let i = 0, n = 1 + Math.floor(rnd() * 12); i < n; i++) add.push(codeLine(rnd));
      f.lines.splice(at, del, ...add);
    }
  };
  let mark = 0;
  let mainMark = 0;
  let merges = 0;
  /** The topic in progress: its files (main leaves them alone meanwhile), commits left, its last mark. */
  let topic;
  for (let c = 0; c < commits; c++) {
    const ts = base + c * 1800;
    const header = (ref, msg) =>
      `commit ${ref}\nmark :${++mark}\ncommitter gitward bench <bench@example.invalid> ${ts} +0000\n${blob(msg)}`;
    if (topic && topic.left === 0) {
      // The merge: main's tree plus the topic's files as the topic left them (some with a line of its own).
      if (rnd() < 0.125) {
        const f = [...topic.files][0];
        f.lines.splice(Math.floor(rnd() * f.lines.length), 1, codeLine(rnd));
      }
      let out = `${header("refs/heads/main", `merge topic ${topic.mark}`)}merge :${topic.mark}\n`;
      for (const f of topic.files) out += `M 100644 inline ${f.name}\n${blob(`${f.lines.join("\n")}\n`)}`;
      await write(`${out}\n`);
      mainMark = mark;
      merges++;
      topic = undefined;
      continue;
    }
    const onTopic = topic !== undefined && rnd() < 0.6;
    if (!topic && c > 0 && rnd() < 1 / 12) {
      const chosen = new Set();
      for (let i = 0, n = 1 + Math.floor(rnd() * 2); i < n; i++) chosen.add(files[Math.floor(rnd() * files.length)]);
      topic = { files: chosen, left: 1 + Math.floor(rnd() * 4), mark: 0, first: true };
    }
    const touched = new Set();
    if (onTopic || topic?.first) {
      for (const f of topic.files) {
        edit(f);
        touched.add(f);
      }
      let out = header("refs/heads/topic", `topic change ${c}`);
      if (topic.first) out += `from :${mainMark}\n`;
      for (const f of touched) out += `M 100644 inline ${f.name}\n${blob(`${f.lines.join("\n")}\n`)}`;
      await write(`${out}\n`);
      topic.first = false;
      topic.mark = mark;
      topic.left--;
      continue;
    }
    if (c === 0) for (let i = 0; i < 200; i++) touched.add(newFile());
    else if (rnd() < 0.025) touched.add(newFile());
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const f = files[Math.floor(rnd() * files.length)];
      if (topic?.files.has(f)) continue;
      edit(f);
      touched.add(f);
    }
    let out = header("refs/heads/main", `change ${c}`);
    for (const f of touched) out += `M 100644 inline ${f.name}\n${blob(`${f.lines.join("\n")}\n`)}`;
    await write(`${out}\n`);
    mainMark = mark;
    if (log && c > 0 && c % 10000 === 0) log(`  ${c} commits…`);
  }
  await write("done\n");
  child.stdin.end(chunk.join(""));
  await exited;
  git(dir, ["gc", "-q"]);
  writeFileSync(marker, `${commits} ${merges}`);
  return { dir, commits, merges };
}

/**
 * Real histories to measure, outside the repository (bench/README says how to
 * get them): GITWARD_BENCH_REPOS="label=path[@revs],...", e.g.
 * "express=/tmp/express.git,git 2.44-2.46=/tmp/git.git@v2.44.0..v2.46.0".
 * `revs` is what both git log and gitward history get (default: --all).
 */
export function benchRepos(spec = process.env.GITWARD_BENCH_REPOS ?? "") {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf("=");
      if (eq <= 0) throw new Error(`GITWARD_BENCH_REPOS: "${entry}": expected label=path[@revs]`);
      const label = entry.slice(0, eq);
      const rest = entry.slice(eq + 1);
      const at = rest.lastIndexOf("@");
      const [path, revs] = at > 0 ? [rest.slice(0, at), rest.slice(at + 1)] : [rest, "--all"];
      return { label, dir: path, revs };
    });
}

/** Bytes of `git log -p -U0 <revs>` (measured once per repository and selection, and cached). */
export function patchBytes(dir, revs = "--all") {
  // Kept in bench/.work (a real repository given from outside is not written to).
  const key = `${dir}@${revs}`.replace(/[^A-Za-z0-9.-]+/g, "_");
  const cacheFile = join(workDir("patch-bytes"), key);
  if (existsSync(cacheFile)) return Number(readFileSync(cacheFile, "utf8"));
  const out = execFileSync("sh", ["-c", 'git log -p -U0 "$0" | wc -c', revs], { cwd: dir, env: gitEnv() }).toString();
  const bytes = Number(out.trim());
  writeFileSync(cacheFile, String(bytes));
  return bytes;
}
