/**
 * History findings, consolidated: one finding per distinct secret per location
 * (rule + path + secret hash, i.e. the fingerprint), tied to the oldest commit
 * that added it, with how many commits added it (`occurrences`) and whether
 * the secret is still in the file at HEAD (`presentAtHead`). A secret removed
 * later is still leaked: it is in every clone and must be rotated.
 */
import type { Detector } from "../detectors/detector.js";
import { BlobReader } from "../git/blob-reader.js";
import { runGit } from "../git/run-git.js";
import type { CommitInfo, Finding } from "../types.js";
import { sha256 } from "../util/hash.js";
import { decodeText } from "./decode-text.js";
import { keyStoreFragment } from "./key-stores.js";

/**
 * Groups by fingerprint and keeps the oldest commit's finding. `time` orders commits (committer time).
 * Of a merge and another commit of the same second, the other commit is kept (`isMerge`): the
 * merges' own lines arrive from a process of their own, so arrival order must not decide.
 */
export function consolidate(
  findings: Finding[],
  time: (c: CommitInfo | undefined) => number,
  isMerge: (c: CommitInfo | undefined) => boolean = () => false,
): Finding[] {
  const groups = new Map<string, { keep: Finding; commits: Set<string> }>();
  for (const f of findings) {
    const g = groups.get(f.fingerprint);
    const sha = f.commit?.sha ?? "";
    if (!g) {
      groups.set(f.fingerprint, { keep: f, commits: new Set([sha]) });
      continue;
    }
    g.commits.add(sha);
    const older = time(f.commit) - time(g.keep.commit);
    const same = sha === g.keep.commit?.sha;
    if (
      older < 0 ||
      (older === 0 && same && f.startLine < g.keep.startLine) ||
      (older === 0 && !same && isMerge(g.keep.commit) && !isMerge(f.commit))
    )
      g.keep = f;
  }
  return [...groups.values()].map(({ keep, commits }) => {
    keep.occurrences = commits.size;
    return keep;
  });
}

/** The HEAD commit, or undefined for an empty repository (no commits yet). */
export async function headCommit(cwd: string): Promise<string | undefined> {
  const r = await runGit(["rev-parse", "--verify", "-q", "HEAD^{commit}"], cwd, { allowFail: true });
  return r.code === 0 ? r.stdout.toString("utf8").trim() : undefined;
}

/**
 * The HEAD version of each path (as text), read with one `git ls-tree` and one
 * `git cat-file --batch` for the few paths that have findings. A binary key
 * store is given as the base64 text the sources scan it as (key-stores.ts).
 */
export async function readAtHead(cwd: string, paths: string[], head: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!head || paths.length === 0) return out;
  const unique = [...new Set(paths)];
  const ls = await runGit(["ls-tree", "-z", "--full-tree", head, "--", ...unique.map((p) => `:(literal)${p}`)], cwd, {
    allowFail: true,
  });
  if (ls.code !== 0) return out;
  const blobs = new BlobReader(cwd);
  try {
    const entries: { path: string; bytes: Promise<Buffer | undefined> }[] = [];
    for (const entry of ls.stdout.toString("utf8").split("\0")) {
      const m = /^(\d+) blob ([0-9a-f]+)\t([\s\S]*)$/.exec(entry);
      // Every request is sent before the first answer is awaited: one round trip, not one per path.
      if (!m) continue;
      const bytes = blobs.read(m[2] as string);
      bytes.catch(() => {}); // a failed reader rejects them all; the first one awaited reports it
      entries.push({ path: m[3] as string, bytes });
    }
    for (const { path, bytes: pending } of entries) {
      const bytes = await pending;
      if (!bytes) continue;
      const d = decodeText(bytes);
      if (d.kind === "text") out.set(path, d.text);
      else {
        const keyStore = keyStoreFragment(path, bytes);
        if (keyStore) out.set(path, keyStore.text);
      }
    }
  } finally {
    blobs.close();
  }
  return out;
}

/**
 * Sets `presentAtHead` on findings that still carry their secret (fresh scans):
 * the secret, or the text it was found in as written (an encoded secret's
 * base64/hex/URL-encoded run), is in the HEAD version of the file.
 */
export async function markPresentAtHead(cwd: string, findings: Finding[], head: string | undefined): Promise<void> {
  const withSecret = findings.filter((f) => f.secret.length > 0);
  const texts = await readAtHead(
    cwd,
    withSecret.map((f) => f.path),
    head,
  );
  for (const f of withSecret) {
    const text = texts.get(f.path);
    const written = f.startLine === f.endLine ? f.lineText.slice(f.startColumn - 1, f.endColumn - 1) : "";
    f.presentAtHead = text !== undefined && (text.includes(f.secret) || (written.length > 0 && text.includes(written)));
  }
}

/** A file version's text as the sources scan it: decoded text, or a key store's base64. */
function scannableText(path: string, bytes: Buffer): string | undefined {
  const d = decodeText(bytes);
  if (d.kind === "text") return d.text;
  return keyStoreFragment(path, bytes)?.text;
}

/**
 * Findings carried over from the history cache hold no secret and no line (the
 * cache never stores them). Reads each one's file as of its commit (one `git
 * cat-file --batch` for all), rescans it with the same detectors and takes the
 * secret and line back from the finding with the same rule and secret hash, so
 * that a carried finding is reported (masked, or in full with --no-redact)
 * exactly like a fresh one. Findings whose file cannot be read keep an empty
 * secret and are marked as such.
 */
export async function rehydrate(cwd: string, findings: Finding[], detectors: Detector[]): Promise<void> {
  const byVersion = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.commit?.sha || /[\n\r]/.test(f.path)) continue;
    const spec = `${f.commit.sha}:${f.path}`;
    byVersion.set(spec, [...(byVersion.get(spec) ?? []), f]);
  }
  if (byVersion.size === 0) return;
  const versions = await readVersions(cwd, [...byVersion.keys()]);
  for (const [spec, list] of byVersion) {
    const bytes = versions.get(spec);
    const path = list[0]?.path ?? "";
    const text = bytes ? scannableText(path, bytes) : undefined;
    if (text === undefined) continue;
    const raws = [];
    for (const detector of detectors) {
      raws.push(...(await detector.detect({ path, text, startLine: 1, source: "history" })).findings);
    }
    for (const f of list) {
      const same = raws.filter((raw) => raw.ruleId === f.ruleId && sha256(raw.secret) === f.secretHash);
      const best = same.find((raw) => raw.startLine === f.startLine) ?? same[0];
      if (!best) continue;
      f.secret = best.secret;
      f.lineText = best.lineText;
    }
  }
}

/** Blobs named `<commit>:<path>`, read with one `git cat-file --batch` (missing ones are left out). */
async function readVersions(cwd: string, specs: string[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const asked = specs.filter((s) => !/[\n\r]/.test(s));
  if (asked.length === 0) return found;
  const r = await runGit(["cat-file", "--batch"], cwd, { input: `${asked.join("\n")}\n`, allowFail: true });
  if (r.code !== 0) return found;
  const out = r.stdout;
  let at = 0;
  for (const spec of asked) {
    const nl = out.indexOf(10, at);
    if (nl === -1) break;
    const header = out.toString("utf8", at, nl);
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<spec> missing"
    const size = Number(m[2]);
    if (m[1] === "blob") found.set(spec, Buffer.from(out.subarray(at, at + size)));
    at += size + 1;
  }
  return found;
}

/** At most this many branch tips are looked at (beyond it, presentIn is left unset: "not at HEAD"). */
const MAX_TIPS = 200;

/**
 * For findings whose secret is not at HEAD: which branch tips (local, then
 * remote-tracking) still hold it, in `presentIn`. A secret only on another
 * branch was never removed, and reporting it as "removed since" would send the
 * reader looking in the wrong place. Read with one `git for-each-ref` and one
 * `git cat-file --batch` for the few files concerned.
 */
export async function markPresentOnBranches(cwd: string, findings: Finding[], head: string | undefined): Promise<void> {
  const absent = findings.filter((f) => f.presentAtHead === false && f.secret.length > 0);
  if (absent.length === 0) return;
  const refs = await runGit(
    ["for-each-ref", "--format=%(objectname) %(objecttype) %(refname:short)", "refs/heads", "refs/remotes"],
    cwd,
    { allowFail: true },
  );
  if (refs.code !== 0) return;
  const tips: { sha: string; name: string }[] = [];
  for (const line of refs.stdout.toString("utf8").split("\n")) {
    const m = /^([0-9a-f]+) commit (.+)$/.exec(line);
    if (!m || (m[2] as string).endsWith("/HEAD")) continue;
    tips.push({ sha: m[1] as string, name: m[2] as string });
  }
  if (tips.length > MAX_TIPS) return;
  const others = tips.filter((t) => t.sha !== head);
  const paths = [...new Set(absent.map((f) => f.path))];
  const specs = others.flatMap((t) => paths.map((p) => `${t.sha}:${p}`));
  const versions = await readVersions(cwd, [...new Set(specs)]);
  const texts = new Map<string, string | undefined>();
  const textOf = (spec: string, path: string) => {
    if (!texts.has(spec)) {
      const bytes = versions.get(spec);
      texts.set(spec, bytes ? scannableText(path, bytes) : undefined);
    }
    return texts.get(spec);
  };
  for (const f of absent) {
    const written = f.startLine === f.endLine ? f.lineText.slice(f.startColumn - 1, f.endColumn - 1) : "";
    f.presentIn = others
      .filter((t) => {
        const text = textOf(`${t.sha}:${f.path}`, f.path);
        return text !== undefined && (text.includes(f.secret) || (written.length > 0 && text.includes(written)));
      })
      .map((t) => t.name);
  }
}
