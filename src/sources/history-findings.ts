/**
 * History findings, consolidated: one finding per distinct secret per location
 * (rule + path + secret hash, i.e. the fingerprint), tied to the oldest commit
 * that added it, with how many commits added it (`occurrences`) and whether
 * the secret is still in the file at HEAD (`presentAtHead`). A secret removed
 * later is still leaked: it is in every clone and must be rotated.
 */
import { BlobReader } from "../git/blob-reader.js";
import { runGit } from "../git/run-git.js";
import type { CommitInfo, Finding } from "../types.js";
import { decodeText } from "./decode-text.js";
import { keyStoreFragment } from "./key-stores.js";

/** Groups by fingerprint and keeps the oldest commit's finding. `time` orders commits (committer time). */
export function consolidate(findings: Finding[], time: (c: CommitInfo | undefined) => number): Finding[] {
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
    if (older < 0 || (older === 0 && f.startLine < g.keep.startLine && sha === g.keep.commit?.sha)) g.keep = f;
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
