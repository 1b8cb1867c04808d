/** Parsers: positions and real-world syntax variants. */
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/detectors/config/parse.js";
import { get, str } from "../../src/detectors/config/tree.js";
import { scan, summary } from "./helpers.js";

/** HCL interpolation, written without a literal "${" that linters take for a misplaced template. */
const I = (expr: string) => `$\{${expr}}`;

describe("hcl", () => {
  it("parses blocks, attributes, heredocs, comments and expressions with positions", async () => {
    const doc = await parseDocument(
      "hcl",
      [
        "# comment",
        'resource "aws_instance" "web" { // trailing',
        '  ami   = "ami-123"',
        "  count = var.enabled ? 1 : 0",
        "  user_data = <<-EOT",
        "    #!/bin/bash",
        `    echo "${I("var.x")}" }`,
        "  EOT",
        "  tags = {",
        `    Name = "web-${I("var.env")}"`,
        '    "k.v" = 1',
        "  }",
        "  list = [",
        '    "a", # c',
        "    [1, 2],",
        "  ]",
        "  /* block",
        "     comment */",
        "  nested { x = true }",
        "  dyn = [for s in var.list : upper(s)]",
        "}",
      ].join("\n"),
    );
    expect(doc.problems).toEqual([]);
    const body = get(doc.trees?.[0], "resource", "aws_instance", "web");
    expect(body?.type).toBe("map");
    expect(str(get(body, "ami"))).toBe("ami-123");
    const count = get(body, "count");
    expect(count).toMatchObject({ type: "scalar", value: "var.enabled ? 1 : 0", expression: true });
    expect(count?.pos.line).toBe(4);
    expect(str(get(body, "user_data"))).toContain(`echo "${I("var.x")}" }`);
    expect(str(get(body, "tags", "Name"))).toBe(`web-${I("var.env")}`);
    expect(get(body, "list")?.type).toBe("list");
    expect(str(get(body, "nested", "x"))).toBe("true");
    expect(get(body, "nested")?.pos.line).toBe(19);
    expect(str(get(body, "dyn"))).toBe("[for s in var.list : upper(s)]");
  });

  it("flags an ingress rule written as an attribute list of objects", async () => {
    const tf =
      'resource "aws_security_group" "db" {\n  ingress = [\n    {\n      from_port   = 3300\n      to_port     = 3310\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    },\n  ]\n}\n';
    expect(summary(await scan("db.tf", tf))).toEqual(["terraform-open-ingress:7"]);
  });

  it("flags all-port rules, Azure rules and the security-group module", async () => {
    const tf = [
      'resource "aws_vpc_security_group_ingress_rule" "all" {',
      '  cidr_ipv4   = "0.0.0.0/0"',
      '  ip_protocol = "-1"',
      "}",
      'resource "azurerm_network_security_rule" "rdp" {',
      '  direction = "Inbound"',
      '  access = "Allow"',
      '  protocol = "Tcp"',
      '  source_address_prefix = "*"',
      '  destination_port_range = "3389"',
      "}",
      'module "sg" {',
      '  source = "terraform-aws-modules/security-group/aws"',
      '  ingress_cidr_blocks = ["0.0.0.0/0"]',
      '  ingress_rules = ["https-443-tcp", "ssh-tcp"]',
      "}",
    ].join("\n");
    expect(summary(await scan("net.tf", tf))).toEqual([
      "terraform-open-ingress:2",
      "terraform-open-ingress:9",
      "terraform-open-ingress:14",
    ]);
  });
});

describe("dockerfile", () => {
  it("joins continuations, skips comment lines in them, and reads heredocs", async () => {
    const doc = await parseDocument(
      "dockerfile",
      "FROM alpine\nRUN apk add curl \\\n# comment\n    && curl -k https://x \\\n    && true\nRUN <<EOF\nset -e\nwget --no-check-certificate https://y\nEOF\nUSER 1000\n",
    );
    expect(doc.instructions?.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ["FROM", 1, 1],
      ["RUN", 2, 5],
      ["RUN", 6, 9],
      ["USER", 10, 10],
    ]);
    expect(summary(await scan("Dockerfile", doc.lines.join("\n")))).toEqual([
      "dockerfile-tls-verification-disabled:4",
      "dockerfile-tls-verification-disabled:8",
    ]);
  });

  it("treats a final stage based on a non-root earlier stage as non-root", async () => {
    const out = await scan("Dockerfile", 'FROM node:20 AS base\nUSER node\nFROM base\nCMD ["node"]\n');
    expect(summary(out)).toEqual([]);
  });
});

describe("sshd", () => {
  it("is case-insensitive, first-wins, and ignores Match-scoped settings", async () => {
    const out = await scan(
      "sshd_config",
      "PERMITROOTLOGIN Yes\nPermitRootLogin no\nMatch User git\n  PasswordAuthentication yes\nMatch all\nPasswordAuthentication yes\n",
    );
    expect(summary(out)).toEqual(["sshd-permit-root-login:1", "sshd-password-authentication:6"]);
  });
});

describe("compose ports", () => {
  it("handles short, ranged, IPv6 and long syntax", async () => {
    const yml = [
      "services:",
      "  db:",
      "    image: mysql:8",
      "    ports:",
      "      - 3306:3306",
      '      - "[::1]:33060:33060"',
      '      - "127.0.0.1:3307:3306"',
      '      - "3306"',
      "      - target: 3306",
      "        host_ip: 0.0.0.0",
      '        published: "3308"',
      '      - "8000-8001:8000-8001"',
    ].join("\n");
    expect(summary(await scan("compose.yaml", yml))).toEqual([
      "compose-sensitive-port-exposed:5",
      "compose-sensitive-port-exposed:8",
      "compose-sensitive-port-exposed:9",
      "compose-sensitive-port-exposed:12",
    ]);
  });

  it("resolves YAML anchors and merge keys", async () => {
    const yml = "x-base: &base\n  privileged: true\nservices:\n  a:\n    <<: *base\n    image: x\n";
    expect(summary(await scan("docker-compose.yml", yml))).toEqual(["compose-privileged:2"]);
  });
});

describe("kubernetes", () => {
  it("finds pod specs in multi-document files and JSON manifests", async () => {
    const json =
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {\n    "hostNetwork": true,\n    "containers": [{"name": "a", "image": "b"}]\n  }\n}\n';
    expect(summary(await scan("pod.json", json))).toEqual(["kubernetes-host-namespaces:5"]);
  });
});

describe("gitlab-ci", () => {
  it("flags unquoted or re-evaluated untrusted variables only", async () => {
    const yml = [
      "test:",
      "  script:",
      '    - echo "$CI_COMMIT_BRANCH"',
      "    - git checkout $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
      "    - |",
      '      sh -c "echo $CI_MERGE_REQUEST_TITLE"',
    ].join("\n");
    expect(summary(await scan(".gitlab-ci.yml", yml))).toEqual(["gitlab-ci-script-injection:4", "gitlab-ci-script-injection:6"]);
  });
});
