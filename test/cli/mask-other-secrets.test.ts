/**
 * Issue 17 item 2: masking does not depend on which rules ran. A line holding an AWS key id and
 * its secret key, scanned with --rule aws-access-key-id (or with the secret's rule off in the
 * config), never prints the secret key: every secret a built-in rule would find on a printed line
 * is masked, in scan, staged and history.
 */
import { describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const ID = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "mask-1");
const SECRET = expandFakes("{{fake:b64:40}}", "mask-2").replace(/[+/]/g, "x");
const LINE = `aws_access_key_id=${ID} aws_secret_access_key=${SECRET}`;

describe("a printed line is masked whatever rules ran", () => {
  it("scan, staged and history with --rule aws-access-key-id do not print the secret key", async () => {
    const r = repos();
    r.write("creds.ini", `[default]\n${LINE}\n`);
    r.git("add", "creds.ini");
    const runs = [
      await runCli(["scan", "creds.ini", "--rule", "aws-access-key-id"], r.dir),
      await runCli(["staged", "--rule", "aws-access-key-id"], r.dir),
    ];
    r.commit("creds (--no-verify)");
    runs.push(await runCli(["history", "--rule", "aws-access-key-id"], r.dir));
    for (const out of runs) {
      expect(out.code).toBe(1);
      expect(out.stdout).toContain(`creds.ini:2:19`);
      expect(out.stdout).toContain(`2 | aws_access_key_id=AKIA**** aws_secret_access_key=${SECRET.slice(0, 4)}****`);
      expect(out.stdout).not.toContain(SECRET);
      expect(out.stdout).not.toContain(SECRET.slice(4, 20));
    }
  });

  it("a rule switched off in the config does not unmask its secret on another finding's line", async () => {
    const r = repos();
    r.write(".gitward.yaml", "rules:\n  aws-secret-access-key: off\n  aws-secret-access-key-near-id: off\n");
    r.write("creds.ini", `${LINE}\n`);
    const out = await runCli(["scan", "creds.ini"], r.dir);
    expect(out.code).toBe(1);
    expect(out.stdout).not.toContain(SECRET);
    // --no-redact still shows everything (the user asked for it).
    const plain = await runCli(["scan", "creds.ini", "--no-redact"], r.dir);
    expect(plain.stdout).toContain(SECRET);
  });
});
