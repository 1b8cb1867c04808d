/**
 * Deeply nested and malformed YAML, XML, JSON and HCL configs (with every
 * built-in pack): no crash or hang, a warning naming the file that could not be
 * parsed, and the secrets in the same files still found by the text rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAwsKey } from "../git/git-helpers.js";
import { createRepo, runCli, type TempRepo, tempDir } from "../helpers/temp-repo.js";

process.env.GITWARD_CACHE_DIR ??= tempDir("gitward-cache-");

const KEY = fakeAwsKey("configs");
const DEEP = 20_000;
let repo: TempRepo;
beforeAll(() => {
  repo = createRepo();
  const secret = `AWS_ACCESS_KEY_ID=${KEY}`;
  repo.write("deep/docker-compose.yml", `# ${secret}\nservices:\n  app:\n    x: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`);
  repo.write(
    "deep/k8s.json",
    `{"apiVersion":"v1","kind":"Pod","note":"${secret}","spec":${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}}\n`,
  );
  repo.write("deep/config.xml", `<?xml version="1.0"?>\n<!-- ${secret} -->\n${"<a>".repeat(DEEP)}${"</a>".repeat(DEEP)}\n`);
  repo.write(
    "bomb/config.xml",
    `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>\n<hudson><useSecurity>&lol9;</useSecurity><!-- ${secret} --></hudson>\n`,
  );
  repo.write("bad/docker-compose.yml", `services:\n  app: [unclosed\n  image: "x\n# ${secret}\n`);
  repo.write("bad/main.tf", `resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n  # ${secret}\n  tags = {\n`);
  repo.write(
    "bad/k8s.yaml",
    `apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, securityContext: {privileged: true}}\n# ${secret}\n`,
  );
  repo.write("bad/config.xml", `<hudson><useSecurity>false</useSecurity>\n<!-- ${secret} -->\n<unclosed>\n`);
  repo.write(
    "anchors/values.yml",
    `a: &a [${"x,".repeat(50)}x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
  );
  repo.write(
    "anchors/docker-compose.yml",
    `x: &a [${"y,".repeat(50)}y]\nservices:\n  app:\n    image: nginx\n    environment: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n`,
  );
});
afterAll(() => repo.cleanup());

describe("hostile configs", () => {
  it("no crash or hang; every secret is still found; parse failures are named", async () => {
    const started = performance.now();
    const r = await runCli(["scan", ".", "--no-config", "--format", "json"], repo.dir);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const secretPaths = doc.findings
      .filter((f: { ruleId: string }) => f.ruleId === "aws-access-key-id")
      .map((f: { path: string }) => f.path)
      .sort();
    expect(secretPaths).toEqual(
      [
        "bad/config.xml",
        "bad/docker-compose.yml",
        "bad/k8s.yaml",
        "bad/main.tf",
        "bomb/config.xml",
        "deep/config.xml",
        "deep/docker-compose.yml",
        "deep/k8s.json",
      ].sort(),
    );
    const warned = doc.warnings.map((w: { message: string }) => w.message).join("\n");
    for (const p of ["bad/docker-compose.yml", "bad/k8s.yaml"]) expect(warned).toContain(p);
  }, 60_000);
});
