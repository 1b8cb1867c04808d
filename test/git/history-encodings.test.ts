/**
 * Issue 17 item 3: text that git shows as binary (UTF-16 with or without a byte-order mark) is
 * decoded by history and pre-push exactly as scan and staged decode it, so a commit made with
 * --no-verify cannot slip a UTF-16 secret past the pre-push hook.
 */
import { describe, expect, it } from "vitest";
import { createRepo, reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { awsRepo, brief, fakeAwsKey, findingsOf } from "./git-helpers.js";

const repos = reposPerTest();
const repo = (): TempRepo => repos.track(awsRepo());
const K = fakeAwsKey("utf16-1");
const TEXT = `# settings\nAWS_ACCESS_KEY_ID=${K}\n`;

function utf16le(text: string, bom: boolean): Buffer {
  const body = Buffer.from(text, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}
function utf16be(text: string, bom: boolean): Buffer {
  const le = Buffer.from(text, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] as number;
    be[i + 1] = le[i] as number;
  }
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be;
}

const CASES: [string, Buffer][] = [
  ["UTF-16LE with BOM", utf16le(TEXT, true)],
  ["UTF-16LE without BOM", utf16le(TEXT, false)],
  ["UTF-16BE with BOM", utf16be(TEXT, true)],
  ["UTF-16BE without BOM", utf16be(TEXT, false)],
];

describe("UTF-16 text is scanned by every command", () => {
  for (const [name, bytes] of CASES) {
    it(`${name}: scan, staged, history and pre-push all report it at line 2`, async () => {
      const remote = repos.track(createRepo({ bare: true }));
      const r = repo();
      r.commit("base", { "a.txt": "a\n" });
      r.git("remote", "add", "origin", remote.dir);
      r.git("push", "-q", "origin", "main");
      const base = r.git("rev-parse", "HEAD").trim();
      r.write("prod.env", bytes);
      r.git("add", "prod.env");

      const scan = await runCli(["scan", "prod.env", "-f", "json"], r.dir);
      expect(scan.code).toBe(1);
      expect(brief(findingsOf(scan.stdout))).toEqual(["aws-access-key-id prod.env:2"]);
      const staged = await runCli(["staged", "-f", "json"], r.dir);
      expect(staged.code).toBe(1);
      expect(brief(findingsOf(staged.stdout))).toEqual(["aws-access-key-id prod.env:2"]);

      const bad = r.commit("utf-16 env (--no-verify)");
      const history = await runCli(["history", "-f", "json"], r.dir);
      expect(history.code).toBe(1);
      expect(brief(findingsOf(history.stdout))).toEqual(["aws-access-key-id prod.env:2"]);
      expect(history.stdout).not.toContain("binary content");
      const push = await runCli(["pre-push", "origin", "url", "-f", "json"], r.dir, {
        stdin: `refs/heads/main ${bad} refs/heads/main ${base}\n`,
      });
      expect(push.code).toBe(1);
      expect(brief(findingsOf(push.stdout))).toEqual(["aws-access-key-id prod.env:2"]);
    });
  }

  it("real binary content stays a binary skip in history (NUL-heavy, not UTF-16 text)", async () => {
    const r = repo();
    const bytes = Buffer.alloc(64);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    r.commit("bin", { "blob.dat": bytes });
    const out = await runCli(["history", "-f", "json"], r.dir);
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout) as { skipped: { path: string; reason: string }[] };
    expect(data.skipped).toEqual([expect.objectContaining({ path: "blob.dat", reason: "binary" })]);
  });
});
