/**
 * What a new user meets on the way (issue 16): pack scaffolding and its lint, errors without
 * stack traces, and the polish items, each checked through the real CLI.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { firstSentence } from "../../src/reporters/text.js";
import { fakeAwsKey } from "../git/git-helpers.js";
import { createRepo, reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const ROOT = join(import.meta.dirname, "../..");
const KEY = fakeAwsKey("first-run");

/** The $schema a YAML file names in its yaml-language-server comment, resolved from the file. */
function schemaOf(file: string): string {
  const ref = /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(file, "utf8"))?.[1] ?? "";
  return resolve(dirname(file), ref);
}

describe("packs new", () => {
  it("creates the folder of -o and points $schema at the schema shipped in the package", async () => {
    const r = repos();
    const res = await runCli(["packs", "new", "acme-api-token", "-o", "newdir/sub/pack.yaml"], r.dir);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const file = join(r.dir, "newdir/sub/pack.yaml");
    expect(schemaOf(file)).toBe(join(ROOT, "patterns/schemas/pack.schema.json"));
  });

  it("prefers the project's installed gitward for $schema (a relative path into node_modules)", async () => {
    const r = repos();
    const installed = join(r.dir, "node_modules/gitward/patterns/schemas/pack.schema.json");
    mkdirSync(dirname(installed), { recursive: true });
    writeFileSync(installed, readFileSync(join(ROOT, "patterns/schemas/pack.schema.json")));
    await runCli(["packs", "new", "acme-api-token", "-o", "packs/acme.yaml"], r.dir);
    const text = readFileSync(join(r.dir, "packs/acme.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../node_modules/gitward/patterns/schemas/pack.schema.json");
  });

  it("an error the user caused (a file where a folder should be) is one line, not a stack trace", async () => {
    const r = repos();
    r.write("file.txt", "x\n");
    const res = await runCli(["packs", "new", "acme-api-token", "-o", "file.txt/pack.yaml"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).not.toContain("internal error");
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stderr).toMatch(/^gitward: cannot mkdir .*file\.txt: .* \((ENOTDIR|EEXIST)\)\n$/);
  });
});

describe("packs lint", () => {
  it("refuses a fresh scaffold, naming each field that still holds a TODO placeholder", async () => {
    const r = repos();
    await runCli(["packs", "new", "acme-api-token", "-o", "pack.yaml"], r.dir);
    const res = await runCli(["packs", "lint", "pack.yaml", "--no-redos"], r.dir);
    expect(res.code).toBe(1);
    const fields = [
      ...res.stdout.matchAll(
        /^error: \S*pack\.yaml:\d+: acme-api-token: ([a-z.]+): still holds the scaffold's TODO placeholder/gm,
      ),
    ].map((m) => m[1]);
    expect(fields).toEqual([
      "description",
      "keywords",
      "regex",
      "docs.why",
      "docs.fix",
      "docs.references",
      "examples.positive",
      "examples.negative",
    ]);
    expect(res.stdout).toMatch(/^1 pack, 1 rule: 8 errors, 0 warnings$/m);
  });
});

describe("polish", () => {
  it("fix: text is cut at a word with an ellipsis, never mid-word", () => {
    const long = `${"Rotate the credential in the CI platform settings and ".repeat(6)}then redeploy.`;
    const out = firstSentence(long);
    expect(out.length).toBeLessThanOrEqual(241);
    expect(out.endsWith("…")).toBe(true);
    expect(long.startsWith(out.slice(0, -1))).toBe(true);
    expect(long[out.length - 1]).toBe(" ");
    expect(firstSentence("Short. Second.")).toBe("Short.");
  });

  it("counts are singular for one: 1 line, 1 commit, 1 file version", async () => {
    const r = createRepo();
    repos.track(r);
    r.commit("one", { "a.txt": "hello\n" });
    expect((await runCli(["scan", "a.txt"], r.dir)).stdout).toMatch(/scanned 1 file \(\d+ B, 1 line\)/);
    expect((await runCli(["history"], r.dir)).stdout).toMatch(/scanned 1 commit, 1 file version \(\d+ B, 1 line\)/);
  });

  it("an unknown flag prints the error once and where the options are, not the whole help", async () => {
    const r = repos();
    const res = await runCli(["scan", "--bogus"], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe("gitward: Unknown argument: bogus\ngitward scan --help lists the commands and options.\n");
  });

  it("explain folds case and suggests the closest rule id", async () => {
    const r = repos();
    const upper = await runCli(["explain", "AWS-Access-Key-ID"], r.dir);
    expect(upper.code).toBe(0);
    expect(upper.stdout.split("\n")[0]).toMatch(/^aws-access-key-id \(secret/);
    const typo = await runCli(["explain", "aws-acess-key-id"], r.dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^gitward: unknown rule "aws-acess-key-id"; did you mean: aws-access-key-id[,?]/);
  });

  it("container-default-credentials masks the value, not the variable's name", async () => {
    const r = repos();
    r.write("docker-compose.yml", "services:\n  db:\n    image: mysql\n    environment:\n      - MYSQL_ROOT_PASSWORD=password\n");
    const res = await runCli(["scan", "--rule", "container-default-credentials"], r.dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("MYSQL_ROOT_PASSWORD=pa");
    expect(res.stdout).not.toContain("MYSQ****");
    expect(res.stdout).not.toContain("=password");
  });

  it("a daemon.json that does not parse is reported as JSON, and -f json on stdout still lists what was not scanned", async () => {
    const r = repos();
    r.write("daemon.json", '{ "hosts": ["tcp://0.0.0.0:2375", }\n');
    const res = await runCli(["scan", "-f", "json"], r.dir);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout).warnings[0].message).toMatch(/^daemon\.json:1:\d+: cannot parse as json: /);
    expect(res.stderr).toMatch(/^not scanned: daemon\.json: cannot parse as json at line 1/m);
    expect(res.stderr).toMatch(/1 file could not be scanned \(listed above\)/);
  });

  it("--max-file-size units are case-insensitive", async () => {
    const r = repos();
    r.write("a.env", `K=${KEY}\n`);
    for (const size of ["20mb", "20MB", "20MiB", "512kb"]) {
      const res = await runCli(["scan", "--max-file-size", size, "--rule", "aws-access-key-id"], r.dir);
      expect(res.code, size).toBe(1);
    }
    expect((await runCli(["scan", "--max-file-size", "20 parsecs"], r.dir)).code).toBe(2);
  });

  it.each(["abc", "0", "-3", "2.5"])("history --jobs %s is a usage error", async (jobs) => {
    const r = createRepo();
    repos.track(r);
    r.commit("one", { "a.txt": "a\n" });
    const res = await runCli(["history", `--jobs=${jobs}`], r.dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^gitward: --jobs: give a whole number of processes, at least 1/);
  });

  it("--help lists -C, and the --jobs default is the one the docs give", async () => {
    const r = repos();
    const top = await runCli(["--help"], r.dir);
    expect(top.stdout).toMatch(/-C, --cwd\s+Run as if gitward was started in DIR/);
    const history = await runCli(["history", "--help"], r.dir);
    expect(history.stdout).toMatch(/--jobs\s+Parallel git log processes \(default 1; cores - 1 on 3\+ cores, max 4\)/);
    expect(readFileSync(join(ROOT, "docs/hooks-and-ci.md"), "utf8")).toMatch(
      /`--jobs N`\s*\| parallel `git log` processes \(default 1; cores - 1 on 3\+ cores, max 4;/,
    );
  });

  it("-C after the command works like before it", async () => {
    const r = repos();
    r.write("sub/a.env", `K=${KEY}\n`);
    const res = await runCli(["scan", "-C", "sub", "--rule", "aws-access-key-id", "-f", "json"], r.dir);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).findings[0].path).toBe("a.env");
  });
});
