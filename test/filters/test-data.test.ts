/**
 * Quiet on real code (issue 19, item 4): context-only findings in test and
 * documentation places are warnings, test vectors are suppressed, provider
 * formats and private keys keep blocking; and the noise shapes seen in real
 * infrastructure repositories are not findings at all. Look-alikes written for
 * these tests, in the shapes the issue lists.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isDocCommentLine, isRealHostName, isTestOrDocPath } from "../../src/filters/test-data.js";
import { scan } from "../../src/index.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import type { Finding } from "../../src/types.js";

const cwd = mkdtempSync(join(tmpdir(), "gitward-test-data-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function scanTexts(files: Record<string, string>): Promise<Finding[]> {
  const texts = Object.entries(files).map(([path, text]) => ({ path, text: expandFakes(text, path) }));
  const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts });
  return result.findings;
}

const show = (fs: Finding[]) =>
  fs.map((f) => `${f.suppressions?.length ? "suppressed" : f.mode} ${f.ruleId} ${f.path}:${f.startLine}`).sort();

describe("test and documentation places", () => {
  it("recognises test, fixture, example and doc paths", () => {
    for (const p of [
      "t/t0300-credentials.sh",
      "test/req.auth.js",
      "src/__tests__/login.ts",
      "pkg/auth/testdata/creds.json",
      "internal/auth_test.go",
      "web/login.test.tsx",
      "spec/models/user_spec.rb",
      "examples/quickstart/.env",
      "docs/setup.md",
      "README.md",
      "tests/test_login.py",
    ])
      expect(isTestOrDocPath(p), p).toBe(true);
    for (const p of ["src/server.ts", "lib/request.js", "deploy/values.yaml", "contest/app.py", "latest/config.yml"])
      expect(isTestOrDocPath(p), p).toBe(false);
  });

  it("recognises doc comments", () => {
    expect(isDocCommentLine(" *    // => { username: 'tobi', password: 'hello' }")).toBe(true);
    expect(isDocCommentLine("  // password: 'hello'")).toBe(true);
    expect(isDocCommentLine("const password = 'hello';")).toBe(false);
    expect(isDocCommentLine("# password: hello")).toBe(false);
  });

  it("tells real host names from test vectors", () => {
    for (const h of ["db.acme.io", "10.0.0.12", "api.github.com", "The.Host"]) expect(isRealHostName(h), h).toBe(true);
    for (const h of ["foo", "example.com", "api.example.org", "db.test", "svc.invalid", "localhost", "box.local"])
      expect(isRealHostName(h), h).toBe(false);
  });

  it("makes generic findings warnings, suppresses word passwords and URL vectors, keeps provider tokens and keys blocking", async () => {
    const findings = await scanTexts({
      // git-style shell test: a word password, a non-word secret, an unreal URL host
      "t/t0300-credentials.sh": [
        "\tcat >expect <<-EOF",
        "\tusername=askpass-username",
        "\tpassword=ferret",
        "\tcredential=Z9kq{{fake:alnum:16}}",
        "\tEOF",
        '\tgit clone "http://alice:s3cr3t-v4lue@remote/repo.git"',
        "",
      ].join("\n"),
      // express-style: Basic header of a word password, and a stronger one
      "test/req.auth.js": [
        "it('should work', function (done) {",
        `  request(app).get('/').set('Authorization', 'Basic {{fake:b64of:tobi:ferret}}').expect(200, done)`,
        `  request(app).get('/').set('Authorization', 'Basic {{fake:b64of:deploy:{{fake:alnum:20}}}}').expect(200, done)`,
        "})",
        "",
      ].join("\n"),
      // a doc comment in library code
      "lib/request.js": [
        "/**",
        " * Parse the Authorization header.",
        " *",
        " *    // => { username: 'tobi', password: 'hello' }",
        " */",
        "",
      ].join("\n"),
      // a provider token in a fixture still blocks
      "test/fixtures/ci.env": "GITHUB_TOKEN={{fake:crc32:ghp_:30}}\n",
      // a private key in a fixture still blocks
      "spec/fixtures/id_rsa": "{{fake:pem:RSA PRIVATE KEY}}\n",
      // the same word password outside tests blocks
      "deploy/app.env": "SMTP_PASSWORD=ferret\n",
    });
    expect(show(findings)).toEqual(
      [
        "suppressed generic-password-unquoted t/t0300-credentials.sh:3",
        "warn service-credential-assignment t/t0300-credentials.sh:4",
        "suppressed http-basic-auth-header test/req.auth.js:2",
        "warn http-basic-auth-header test/req.auth.js:3",
        "suppressed generic-password lib/request.js:4",
        "block github-personal-access-token test/fixtures/ci.env:1",
        "block private-key-pem spec/fixtures/id_rsa:1",
        "block generic-password-unquoted deploy/app.env:1",
      ].sort(),
    );
  });

  it("drops URL credentials of unreal hosts in test vectors but warns on real ones", async () => {
    const findings = await scanTexts({
      "t/unit-tests/u-urlmatch.c": [
        'check("x://al1ce:p4ss-w0rd-x@foo", "x://al1ce@foo/");',
        'check("https://svc:Zq7-{{fake:alnum:12}}@db.test/x", 1);',
        'check("https://svc:Zq7-{{fake:alnum:12}}@git.acme-corp.io/x", 1);',
        "",
      ].join("\n"),
    });
    expect(show(findings)).toEqual([
      "suppressed url-credentials t/unit-tests/u-urlmatch.c:1",
      "suppressed url-credentials t/unit-tests/u-urlmatch.c:2",
      "warn url-credentials t/unit-tests/u-urlmatch.c:3",
    ]);
  });
});

describe("noise shapes from infrastructure repositories are not findings", () => {
  it("Tomcat auth attributes, checksum maps, slugs, compose-escaped references, anonymous FTP, commented templates", async () => {
    const findings = await scanTexts({
      "conf/server.xml": [
        '<Context path="/shop">',
        '  <Resource name="jdbc/ShopDB" auth="Container" type="javax.sql.DataSource" maxTotal="20"/>',
        '  <ResourceLink name="users" auth="Application" global="UserDatabase"/>',
        "</Context>",
        "",
      ].join("\n"),
      "roles/base/vars/checksums.yml": [
        "file_checksums:",
        "  /etc/pam.d/common-auth: {{fake:hex:64}}",
        "  /etc/passwd: {{fake:hex:64}}",
        '  templates/auth_keys.conf.j2: "sha256:{{fake:hex:64}}"',
        "  files/htpasswd: {{fake:hex:40}}",
        "",
      ].join("\n"),
      "docker-compose.yml": [
        "services:",
        "  etcd:",
        "    environment:",
        "      - ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1",
        "  redis:",
        "    environment:",
        "      - REDISCLI_AUTH=$$REDIS_PASSWORD",
        "    healthcheck:",
        '      test: ["CMD-SHELL", "REDISCLI_AUTH=$${REDIS_PASSWORD} redis-cli ping"]',
        "",
      ].join("\n"),
      "ftp/.env": "ftpfs_password=anonymous@\nFTP_PASS=guest\n",
      "k8s/secret.template.yaml": [
        "# apiVersion: v1",
        "# kind: Secret",
        "# metadata:",
        "#   name: app-credentials",
        "# data:",
        "#   password: <base64 password>",
        "#   api-key: ${API_KEY_B64}",
        "# stringData:",
        '#   token: "<your token>"',
        "",
      ].join("\n"),
    });
    expect(show(findings)).toEqual([]);
  });

  it("still reports real values in the same places", async () => {
    const findings = await scanTexts({
      "docker-compose.yml": [
        "services:",
        "  etcd:",
        "    environment:",
        "      - ETCD_INITIAL_CLUSTER_TOKEN={{fake:alnum:24}}",
        "      - REDISCLI_AUTH={{fake:alnum:22}}",
        "",
      ].join("\n"),
      "roles/base/vars/main.yml": "service_api_key: {{fake:hex:64}}\n",
      "ftp/.env": "ftpfs_password=W1nter-{{fake:alnum:8}}\n",
    });
    expect(show(findings)).toEqual([
      // (the service-context rule reports a token-shaped value instead of the generic key-name rules)
      "block generic-password-unquoted ftp/.env:1",
      "block service-credential-assignment docker-compose.yml:4",
      "block service-credential-assignment docker-compose.yml:5",
      "block service-credential-assignment roles/base/vars/main.yml:1",
    ]);
  });
});
