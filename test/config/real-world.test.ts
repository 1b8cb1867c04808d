/**
 * Issue 14: the config linter on files as they are written in real repositories.
 * File kinds come from content (look-alikes named after a server get no finding),
 * formats are read as written (legacy mongod.conf, tab-indented YAML, templates),
 * and the TLS-verification-off family works where it is written, not in comments or prose.
 */
import { describe, expect, it, vi } from "vitest";
import { isAnsible, isKubeconfig, isRedisServerConfig, shebang } from "../../src/detectors/config/file-kinds.js";
import { createConfigDetector } from "../../src/detectors/config/index.js";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";
import { loadRules, scan, summary } from "./helpers.js";

const repos = reposPerTest();

describe("look-alikes named after a server get no config finding", () => {
  const cases: [string, string][] = [
    [
      "k8s/mongodb.yaml",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mongodb\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: mongodb\n          image: mongo:7.0\n          ports:\n            - containerPort: 27017\n",
    ],
    ["config/redis-client.conf", "# how the app reaches the cache\nhost 10.0.0.12\nport 6379\ndb 0\ntimeout 5\n"],
    [
      "playbooks/elasticsearch.yml",
      "- hosts: search\n  become: true\n  roles:\n    - role: elastic.elasticsearch\n      es_config:\n        network.host: 0.0.0.0\n        xpack.security.enabled: false\n",
    ],
    [
      "charts/db/templates/mongodb.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-mongodb\ndata:\n  mongod.conf: |\n    net:\n      bindIp: 127.0.0.1\n",
    ],
    ["group_vars/redis.conf", "redis_port: 6379\nredis_bind: 0.0.0.0\n"],
  ];
  for (const [path, text] of cases) {
    it(path, async () => {
      const out = await scan(path, text);
      expect(summary(out)).toEqual([]);
      expect(out.warnings).toEqual([]);
      expect((out.skipped ?? []).filter((s) => s.fatal)).toEqual([]);
    });
  }

  it("recognises server configs by their directives", () => {
    expect(isRedisServerConfig("bind 10.0.0.1\nport 6379\n", "redis.conf")).toBe(true);
    expect(isRedisServerConfig("host 10.0.0.1\nport 6379\n", "redis.conf")).toBe(false);
    // Not named for Redis: three server-only directives needed.
    expect(isRedisServerConfig("port 7000\ncluster-enabled yes\nappendonly yes\n", "nodes/a.conf")).toBe(false);
    expect(isRedisServerConfig("cluster-enabled yes\nappendonly yes\ndaemonize no\n", "nodes/a.conf")).toBe(true);
    expect(isAnsible("---\n# play\n- hosts: all\n  tasks: []\n")).toBe(true);
    expect(isKubeconfig("apiVersion: v1\nclusters:\n- cluster:\n    server: https://x\n  name: a\n")).toBe(true);
    expect(shebang("#!/usr/bin/env -S bash -e\n")).toBe("bash");
    expect(shebang("#!/bin/sh\n")).toBe("sh");
  });
});

describe("messages of missing-setting findings name what is missing", () => {
  it("never reads () or ``", async () => {
    const out = await scan("mongod.conf", "storage:\n  dbPath: /data\nnet:\n  bindIp: 127.0.0.1\n");
    expect(summary(out)).toEqual(["mongodb-authorization-disabled:1"]);
    expect(out.findings[0]?.message).toContain("(no security.authorization set)");
    const jenkins = await scan("config.xml", "<hudson>\n  <useSecurity>true</useSecurity>\n</hudson>\n");
    for (const f of [...out.findings, ...jenkins.findings]) expect(f.message).not.toMatch(/\(\)|``/);
  });
});

describe("formats read as written", () => {
  it("lints a legacy key = value mongod.conf (not a parse failure)", async () => {
    const out = await scan(
      "etc/mongod.conf",
      "# 2.4 format\ndbpath = /var/lib/mongodb\nbind_ip = 0.0.0.0\nport = 27017\nauth = false\n",
    );
    // `auth = false` is the finding; no second "missing" one at line 1.
    expect(summary(out)).toEqual(["mongodb-bind-all-interfaces:3", "mongodb-authorization-disabled:5"]);
    expect(out.warnings).toEqual([]);
    expect(out.skipped).toBeUndefined();
  });

  it("lints a mongod.conf mixing YAML and legacy lines", async () => {
    const out = await scan("mongod.conf", "net:\n  port: 27017\n  bindIp: 0.0.0.0\nauth = true\n");
    expect(summary(out)).toEqual(["mongodb-bind-all-interfaces:3"]);
    expect(out.warnings).toEqual([]);
  });

  it("exits 1 with the line for a legacy mongod.conf (gitward scan)", async () => {
    const r = repos();
    r.write("etc/mongod.conf", "dbpath = /var/lib/mongodb\nbind_ip = 0.0.0.0\nauth = true\n");
    const res = await runCli(["scan", "-f", "json"], r.dir);
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout) as { findings: { ruleId: string; path: string; startLine: number }[] };
    expect(doc.findings.map((f) => `${f.ruleId}:${f.path}:${f.startLine}`)).toEqual([
      "mongodb-bind-all-interfaces:etc/mongod.conf:2",
    ]);
  });

  it("lints tab-indented YAML with a non-fatal note", async () => {
    const out = await scan("docker-compose.yml", 'services:\n\tcache:\n\t\timage: redis:7\n\t\tports:\n\t\t\t- "6379:6379"\n');
    expect(summary(out)).toEqual(["compose-sensitive-port-exposed:5"]);
    expect(out.warnings).toEqual([]);
    expect(out.skipped).toEqual([expect.objectContaining({ fatal: false, detail: expect.stringMatching(/indented with tabs/) })]);
  });

  it("lints a Jinja-templated compose file with its tags removed", async () => {
    const text =
      'services:\n{% if with_cache %}\n  cache:\n    image: "redis:{{ redis_version }}"\n    ports:\n      - "6379:6379"\n{% endif %}\n';
    const out = await scan("templates/docker-compose.yml", text);
    expect(summary(out)).toEqual(["compose-sensitive-port-exposed:6"]);
    expect(out.skipped).toEqual([expect.objectContaining({ reason: "templated", fatal: false })]);
  });

  it("still reports really broken YAML where it breaks, fatal (a GitHub expression is not a template)", async () => {
    const out = await scan(
      ".github/workflows/ci.yml",
      `on: push\njobs:\n  a:\n    steps:\n      - run: echo "x: $\{{ github.sha }}\n    - bad\n`,
    );
    expect(out.warnings[0]?.message).toMatch(/^\.github\/workflows\/ci\.yml:\d+:\d+: cannot parse as yaml/);
    expect(out.skipped).toEqual([expect.objectContaining({ reason: "unparsable", fatal: true })]);
  });

  it("still reports mixed tab/space breakage as unparsable", async () => {
    const out = await scan("docker-compose.yml", "services:\n  a:\n\t  image: x\n   b: [\n");
    expect(out.skipped?.[0]).toEqual(expect.objectContaining({ reason: "unparsable", fatal: true }));
  });
});

describe("TLS verification off where it is written", () => {
  const positives: [string, string, string][] = [
    ["scripts/el9.sh", "#!/bin/sh\ndnf --setopt=sslverify=0 install -y corp-agent\n", "shell-tls-verification-disabled:2"],
    ["lib/wrap.py", "import ssl\nsock = ssl.wrap_socket(raw, cert_reqs=ssl.CERT_NONE)\n", "python-tls-verification-disabled:2"],
    ["install.sh", "#!/bin/sh\ncurl -k https://get.example.com/install | sh\n", "shell-tls-verification-disabled:2"],
    [
      "tools/fetch.py",
      'import requests\nr = requests.get("https://api.example.com", verify=False)\n',
      "python-tls-verification-disabled:2",
    ],
    [
      "bin/deploy",
      "#!/bin/bash\nset -e\nwget --no-check-certificate -q https://example.com/a\n",
      "shell-tls-verification-disabled:3",
    ],
    [
      "bin/sync",
      "#!/usr/bin/env python3\nimport ssl\nctx = ssl._create_unverified_context()\n",
      "python-tls-verification-disabled:3",
    ],
    ["Makefile", "deps:\n\tnpm config set strict-ssl false\n", "shell-tls-verification-disabled:2"],
    [
      "Jenkinsfile",
      "pipeline {\n  stages {\n    stage('x') { steps { sh 'GIT_SSL_NO_VERIFY=true git clone https://g.example.com/r.git' } }\n  }\n}\n",
      "shell-tls-verification-disabled:3",
    ],
    [
      "Dockerfile",
      'FROM node:20\nRUN git config --global http.sslVerify "false"\nUSER node\n',
      "dockerfile-tls-verification-disabled:2",
    ],
    [
      "Dockerfile",
      'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED "0"\nUSER node\n',
      "container-env-tls-verification-disabled:2",
    ],
    ["cmd/main.go", "package main\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n", "go-tls-insecure-skip-verify:3"],
    ["lib/x.rb", "http.verify_mode = OpenSSL::SSL::VERIFY_NONE\n", "ruby-tls-verification-disabled:1"],
    ["src/db.mjs", "const pool = new Pool({ ssl: { rejectUnauthorized: false } });\n", "javascript-tls-verification-disabled:1"],
    [
      "clusters/dev/admin.conf",
      "apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n    insecure-skip-tls-verify: true\n  name: dev\n",
      "kubeconfig-insecure-skip-tls-verify:5",
    ],
    [
      "ops/dev-cluster.yml",
      "apiVersion: v1\nkind: Config\nclusters:\n  - name: dev\n    cluster:\n      server: https://10.0.0.1:6443\n      insecure-skip-tls-verify: true\n",
      "kubeconfig-insecure-skip-tls-verify:7",
    ],
    [
      "roles/app/tasks/main.yml",
      "- name: fetch\n  ansible.builtin.shell: curl -sk https://dl.example.com/app.tgz -o /tmp/app.tgz\n",
      "shell-tls-verification-disabled:2",
    ],
  ];
  for (const [path, text, expected] of positives) {
    it(`${path} → ${expected}`, async () => {
      const out = await scan(path, text);
      expect(summary(out)).toEqual([expected]);
    });
  }

  const negatives: [string, string][] = [
    ["docs/proxy.md", "Behind the proxy, `curl -k` works but do not use it.\n"],
    ["README", "Run: curl -k https://example.com\n"],
    [
      "install.sh",
      "#!/bin/sh\n# curl -k https://get.example.com/install | sh\ncurl -fsSL https://get.example.com/install | sh\n",
    ],
    [
      "src/tls.ts",
      "/* rejectUnauthorized: false is never acceptable */\nconst agent = new Agent({ rejectUnauthorized: true });\n",
    ],
    ["app/fetch.py", '"""Never pass verify=False."""\nr = requests.get(url, verify=ca_path)\n'],
    [
      "cmd/main.go",
      "package main\n\n// InsecureSkipVerify: true is forbidden\nvar c = &tls.Config{InsecureSkipVerify: insecure}\n",
    ],
    // A git test writing a config file with sslVerify = false (seen in git.git's t/ scripts).
    [
      "t/t1300-config.sh",
      "test_expect_success 'urlmatch' '\n\tcat >.git/config <<-EOF &&\n\t[http]\n\t\tsslVerify = false\n\tEOF\n'\n",
    ],
    // A comparison is not a setting.
    ["app/tls_check.py", "if ctx.verify_mode == ssl.CERT_NONE:\n    raise RuntimeError('verification is off')\n"],
  ];
  for (const [path, text] of negatives) {
    it(`${path}: none`, async () => {
      expect(summary(await scan(path, text))).toEqual([]);
    });
  }
});

describe("hook budget: new file types cost one regex test on fragments that cannot match", () => {
  it("does not load the staged file when the added lines have none of the words", () => {
    const detector = createConfigDetector(loadRules());
    const loadDocument = vi.fn(async () => "whatever");
    for (const path of [
      "src/app.ts",
      "tools/x.py",
      "install.sh",
      "bin/run",
      "main.go",
      "Main.java",
      "lib/a.rb",
      "x.pp",
      "k/a.conf",
    ]) {
      const out = detector.detect({ path, text: "const a = 1;\nprint(a)\n", startLine: 10, source: "staged", loadDocument });
      expect(out).toEqual({ findings: [], warnings: [] });
    }
    expect(loadDocument).not.toHaveBeenCalled();
  });

  it("loads and lints the staged file when the added lines can hold a finding", async () => {
    const detector = createConfigDetector(loadRules());
    const full = "#!/bin/sh\nset -e\ncurl -k https://x.example.com\n";
    const out = await detector.detect({
      path: "install.sh",
      text: "curl -k https://x.example.com\n",
      startLine: 3,
      lineNumbers: [3],
      source: "staged",
      loadDocument: async () => full,
    });
    expect(out.findings.map((f) => `${f.ruleId}:${f.startLine}`)).toEqual(["shell-tls-verification-disabled:3"]);
  });
});
