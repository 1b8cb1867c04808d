/** The config detector's contract: cheap for non-config files, diff handling, warnings, evidence. */
import { describe, expect, it } from "vitest";
import { createConfigDetector } from "../../src/detectors/config/index.js";
import { loadRules, scan, summary } from "./helpers.js";

describe("createConfigDetector", () => {
  it("returns synchronously for files that are not config files", () => {
    const detector = createConfigDetector(loadRules());
    const out = detector.detect({ path: "src/app.ts", text: "const x = 1;\n", startLine: 1, source: "file" });
    expect(out).not.toBeInstanceOf(Promise);
    expect(out).toEqual({ findings: [], warnings: [] });
  });

  it("does not lint YAML that is not a manifest (Helm values)", async () => {
    const out = await scan("charts/app/values.yaml", "securityContext:\n  privileged: true\nhostNetwork: true\n");
    expect(out.findings).toEqual([]);
  });

  it("ignores rules in mode off", async () => {
    const rules = loadRules().map((r) => (r.spec.id === "redis-protected-mode-off" ? { ...r, mode: "off" as const } : r));
    const out = await createConfigDetector(rules).detect({
      path: "redis.conf",
      text: "bind 127.0.0.1\nprotected-mode no\n",
      startLine: 1,
      source: "file",
    });
    expect(out.findings).toEqual([]);
  });

  it("reports a malformed file as a warning naming file and position", async () => {
    const out = await scan("k8s/broken.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n    - name: x\n");
    expect(out.findings).toEqual([]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]?.message).toMatch(/^k8s\/broken\.yaml:\d+:\d+: cannot parse as yaml/);
  });

  it("reports malformed Terraform and Jenkins XML without crashing", async () => {
    const tf = await scan("main.tf", 'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n');
    expect(tf.warnings[0]?.message).toMatch(/^main\.tf:\d+:\d+: cannot parse as hcl: .*missing \}/);
    const xml = await scan("config.xml", "<hudson>\n  <useSecurity>false</useSecurity>\n");
    expect(xml.warnings[0]?.message).toMatch(/^config\.xml.*cannot parse as xml/);
  });

  it("skips templated (Helm/Jinja) files quietly", async () => {
    const out = await scan(
      "templates/deploy.yaml",
      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }\n",
    );
    expect(out.warnings).toEqual([]);
  });

  it("gives evidence, the real line text, and masks literal passwords", async () => {
    const out = await scan(
      "docker-compose.yml",
      'services:\n  db:\n    image: postgres\n    environment:\n      - POSTGRES_PASSWORD=postgres\n    ports:\n      - "5432:5432"\n',
    );
    const cred = out.findings.find((f) => f.ruleId === "container-default-credentials");
    expect(cred).toMatchObject({
      startLine: 5,
      secret: "postgres", // the value, not the variable's name
      startColumn: 27,
      endColumn: 35,
      sensitive: true,
      lineText: "      - POSTGRES_PASSWORD=postgres",
    });
    const port = out.findings.find((f) => f.ruleId === "compose-sensitive-port-exposed");
    expect(port?.sensitive).toBeUndefined();
    expect(port?.message).toContain("127.0.0.1:5432:5432");
  });

  it("offsets lines by startLine for whole-file fragments", async () => {
    const detector = createConfigDetector(loadRules());
    const out = await detector.detect({
      path: "redis.conf",
      text: "bind 127.0.0.1\nprotected-mode no\n",
      startLine: 11,
      source: "file",
    });
    expect(summary(out)).toEqual(["redis-protected-mode-off:12"]);
  });
});

describe("diff fragments", () => {
  const file = "port 6379\nbind 0.0.0.0\nprotected-mode yes\nrequirepass x\ndaemonize no\n";
  const detector = createConfigDetector(loadRules());

  it("loads the whole document and reports only changed lines", async () => {
    const out = await detector.detect({
      path: "redis.conf",
      text: "daemonize no",
      startLine: 5,
      lineNumbers: [5],
      source: "staged",
      loadDocument: async () => file,
    });
    expect(out.findings).toEqual([]);
    const out2 = await detector.detect({
      path: "redis.conf",
      text: "bind 0.0.0.0",
      startLine: 2,
      lineNumbers: [2],
      source: "staged",
      loadDocument: async () => file,
    });
    expect(summary(out2)).toEqual(["redis-dangerous-commands:1", "redis-bind-all-interfaces:2"]);
  });

  it("reports missing settings for new files, or when a change touches the setting", async () => {
    const doc = "bind 10.0.0.5\nport 6379\n";
    const edit = await detector.detect({
      path: "redis.conf",
      text: "port 6379",
      startLine: 2,
      lineNumbers: [2],
      source: "staged",
      loadDocument: async () => doc,
    });
    expect(edit.findings).toEqual([]);
    const created = await detector.detect({
      path: "redis.conf",
      text: doc,
      startLine: 1,
      lineNumbers: [1, 2],
      source: "staged",
      isNewFile: true,
      loadDocument: async () => doc,
    });
    expect(summary(created)).toContain("redis-no-password:1");
    const touched = await detector.detect({
      path: "redis.conf",
      text: "bind 10.0.0.5",
      startLine: 1,
      lineNumbers: [1],
      source: "staged",
      loadDocument: async () => doc,
    });
    expect(summary(touched)).toContain("redis-no-password:1");
  });

  it("keeps a combined finding when a related line changed", async () => {
    const doc = "protected-mode no\nport 6379\n";
    const out = await detector.detect({
      path: "redis.conf",
      text: "protected-mode no",
      startLine: 1,
      lineNumbers: [1],
      source: "history",
      loadDocument: async () => doc,
    });
    expect(summary(out)).toContain("redis-unauthenticated-exposure:1");
  });

  it("returns nothing when the document cannot be loaded", async () => {
    const out = await detector.detect({
      path: "redis.conf",
      text: "x",
      startLine: 1,
      lineNumbers: [1],
      source: "staged",
      loadDocument: async () => undefined,
    });
    expect(out.findings).toEqual([]);
  });
});
