/**
 * Deeply nested and malformed YAML, XML, JSON and HCL configs (with every
 * built-in pack): no crash or hang, a warning naming the file and position that
 * could not be parsed, a fail-closed exit 2 unless --allow-skip, and the
 * secrets in the same files still found by the text rules.
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
  repo.write("bad/daemon.json", `{"hosts": ["tcp://0.0.0.0:2375"],\n "note": "${secret}",\n "tls": \n`);
  repo.write(
    "deep/main.tf",
    `# ${secret}\nresource "aws_s3_bucket" "b" {\n  acl = "private"\n  x = ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n}\n`,
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
  // The billion-laughs file does not parse either: xmldom refuses internal entities (it never expands them).
  const MALFORMED = [
    "bad/config.xml",
    "bad/daemon.json",
    "bad/docker-compose.yml",
    "bad/k8s.yaml",
    "bad/main.tf",
    "bomb/config.xml",
    "deep/docker-compose.yml",
    "deep/main.tf",
  ];
  const SECRET_PATHS = [
    "bad/config.xml",
    "bad/daemon.json",
    "bad/docker-compose.yml",
    "bad/k8s.yaml",
    "bad/main.tf",
    "bomb/config.xml",
    "deep/config.xml",
    "deep/docker-compose.yml",
    "deep/k8s.json",
    "deep/main.tf",
  ];
  const secretPaths = (doc: { findings: { ruleId: string; path: string }[] }) =>
    doc.findings
      .filter((f) => f.ruleId === "aws-access-key-id")
      .map((f) => f.path)
      .sort();

  it("no crash or hang; every secret is still found; parse failures are named with their position and fail closed (exit 2)", async () => {
    const started = performance.now();
    const r = await runCli(["scan", ".", "--no-config", "--format", "json"], repo.dir);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${MALFORMED.length} files could not be scanned .*failing closed.*--allow-skip`));
    const doc = JSON.parse(r.stdout);
    expect(secretPaths(doc)).toEqual(SECRET_PATHS);
    // One fatal notice per malformed file, with the line (a parser's stack overflow on the deep YAML and
    // HCL included); nothing for the deep JSON and XML, which parse.
    const notices = doc.skipped.map((s: { path: string; reason: string; fatal: boolean }) => [s.path, s.reason, s.fatal]);
    expect(notices.sort()).toEqual(MALFORMED.map((p) => [p, "unparsable", true]));
    for (const s of doc.skipped)
      expect(s.detail).toMatch(
        /^cannot parse as (yaml|xml|hcl|json) at line \d+, column \d+ \(.+\): its config rules did not run/,
      );
    expect(doc.summary.notScanned).toBe(MALFORMED.length);
    // The issue-5 warning: file:line:col for every malformed file.
    const warned = doc.warnings.map((w: { message: string }) => w.message);
    for (const p of MALFORMED)
      expect(warned).toContainEqual(expect.stringMatching(new RegExp(`^${p}:\\d+:\\d+: cannot parse as `)));
  }, 60_000);

  it("--allow-skip: the same findings, exit 1 for them, the notices still listed", async () => {
    const r = await runCli(["scan", ".", "--no-config", "--format", "json", "--allow-skip"], repo.dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(secretPaths(doc)).toEqual(SECRET_PATHS);
    expect(doc.summary.notScanned).toBe(MALFORMED.length);
    const text = await runCli(["scan", ".", "--no-config", "--allow-skip"], repo.dir);
    expect(text.code).toBe(1);
    for (const p of MALFORMED) expect(text.stdout + text.stderr).toContain(`not scanned: ${p}: cannot parse as `);
  }, 60_000);
});

describe("a malformed config file fails closed in scan, staged and pre-push (and history is unaffected)", () => {
  const KEY2 = fakeAwsKey("malformed-compose");
  const BROKEN = "broken/docker-compose.yml";
  /** The parse error yaml reports for BROKEN: the line after the unclosed flow sequence. */
  const AT = { line: 5, col: 5 };
  let r2: TempRepo;
  let remote: TempRepo;
  let remoteSha: string;
  beforeAll(() => {
    r2 = createRepo();
    remote = createRepo({ bare: true });
    remoteSha = r2.commit("base", { "README.md": "x\n" });
    r2.git("remote", "add", "origin", remote.dir);
    r2.git("push", "-q", "origin", "main");
    r2.write("ok/docker-compose.yml", "services:\n  app:\n    image: nginx\n    privileged: true\n");
    r2.write(
      BROKEN,
      `services:\n  app:\n    image: nginx\n    ports: ["6379:6379"\n    environment:\n      - AWS_ACCESS_KEY_ID=${KEY2}\n`,
    );
    r2.write("app.env", `AWS_ACCESS_KEY_ID=${KEY}\n`);
    // A template is not valid YAML until rendered: an intended skip, never fatal.
    r2.write("tpl/docker-compose.yml", "services:\n  app:\n    image: {{ .Values.image }\n");
    r2.git("add", ".");
  });
  afterAll(() => {
    r2.cleanup();
    remote.cleanup();
  });

  const interesting = (doc: { findings: { ruleId: string; path: string; startLine: number }[] }) =>
    doc.findings
      .filter((f) => ["aws-access-key-id", "compose-privileged"].includes(f.ruleId))
      .map((f) => `${f.ruleId} ${f.path}:${f.startLine}`)
      .sort();
  const EXPECTED = ["aws-access-key-id app.env:1", `aws-access-key-id ${BROKEN}:6`, "compose-privileged ok/docker-compose.yml:4"];

  async function check(argv: string[], options: { stdin?: string; commit?: string } = {}) {
    const stdin = options.stdin !== undefined ? { stdin: options.stdin } : {};
    // Text: exit 2, the file and its line named, the reason given, the findings still reported.
    const text = await runCli([...argv, "--no-config"], r2.dir, stdin);
    expect(text.stderr).not.toMatch(/internal error/);
    expect(text.code, `${argv.join(" ")}: ${text.stderr}`).toBe(2);
    const out = text.stdout + text.stderr;
    expect(out).toContain(`not scanned: ${BROKEN}: cannot parse as yaml at line ${AT.line}, column ${AT.col} (`);
    expect(out).toContain(`warning: ${BROKEN}:${AT.line}:${AT.col}: cannot parse as yaml`);
    expect(text.stderr).toMatch(/1 file could not be scanned \(listed above\); failing closed\. Use --allow-skip to accept\./);
    expect(out).toContain("app.env:1");
    expect(out).not.toContain("not scanned: tpl/");
    // JSON: every finding, one fatal notice, the template listed as an intended skip.
    const json = await runCli([...argv, "--no-config", "--format", "json"], r2.dir, stdin);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(interesting(doc)).toEqual(EXPECTED);
    const notices = doc.skipped.map((s: { path: string; reason: string; fatal: boolean }) => [s.path, s.reason, s.fatal]);
    expect(notices).toContainEqual([BROKEN, "unparsable", true]);
    expect(notices).toContainEqual(["tpl/docker-compose.yml", "templated", false]);
    expect(doc.summary.notScanned).toBe(1);
    if (options.commit)
      expect(doc.skipped.find((s: { path: string }) => s.path === BROKEN).detail).toContain(options.commit.slice(0, 12));
    // --allow-skip: the user accepts it: exit 1 for the findings, the notice still shown.
    const allowed = await runCli([...argv, "--no-config", "--format", "json", "--allow-skip"], r2.dir, stdin);
    expect(allowed.code).toBe(1);
    expect(interesting(JSON.parse(allowed.stdout))).toEqual(EXPECTED);
    expect(JSON.parse(allowed.stdout).summary.notScanned).toBe(1);
  }

  it("scan", async () => {
    await check(["scan", "."]);
  }, 60_000);

  it("staged (and scan --staged)", async () => {
    await check(["staged"]);
    await check(["scan", "--staged"]);
  }, 60_000);

  it("pre-push (the commit is named); history runs no config rules, so nothing is left unparsed there", async () => {
    const sha = r2.commit("configs");
    try {
      await check(["pre-push", "origin", "url"], { stdin: `refs/heads/main ${sha} refs/heads/main ${remoteSha}\n`, commit: sha });
      const h = await runCli(["history", "--no-config", "--format", "json"], r2.dir);
      expect(h.code).toBe(1);
      const doc = JSON.parse(h.stdout);
      expect(doc.summary.notScanned).toBe(0);
      expect(interesting(doc)).toEqual(EXPECTED.filter((e) => e.startsWith("aws-")));
    } finally {
      r2.git("reset", "-q", "--soft", "HEAD~1");
    }
  }, 60_000);
});
