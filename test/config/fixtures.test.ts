/**
 * Realistic (upstream-style) configuration files: the secure version of each
 * has no finding at all, the insecure version has exactly the expected ones.
 */
import { describe, expect, it } from "vitest";
import { scanFixture, summary } from "./helpers.js";

/** fixture file → path it is scanned under (file types depend on the path). */
const FILES: Record<string, string> = {
  "redis.conf": "etc/redis/redis.conf",
  sshd_config: "etc/ssh/sshd_config",
  "mongod.conf": "etc/mongod.conf",
  "elasticsearch.yml": "config/elasticsearch.yml",
  "pg_hba.conf": "etc/postgresql/16/main/pg_hba.conf",
  "puppet.conf": "etc/puppetlabs/puppet/puppet.conf",
  "config.xml": "jenkins_home/config.xml",
  "jenkins.yaml": "casc/jenkins.yaml",
  "docker-compose.yml": "docker-compose.yml",
  "deployment.yaml": "k8s/base/deployment.yaml",
  "main.tf": "infra/main.tf",
  Dockerfile: "Dockerfile",
  ".github/workflows/ci.yml": ".github/workflows/ci.yml",
  "nginx.conf": "etc/nginx/nginx.conf",
};

const EXPECTED: Record<string, string[]> = {
  "redis.conf": [
    "redis-dangerous-commands:1",
    "redis-no-password:1",
    "redis-bind-all-interfaces:31",
    "redis-unauthenticated-exposure:31",
    "redis-protected-mode-off:36",
  ],
  sshd_config: ["sshd-weak-ciphers:26", "sshd-permit-root-login:36", "sshd-password-authentication:54"],
  "mongod.conf": ["mongodb-authorization-disabled:1", "mongodb-bind-all-interfaces:21"],
  "elasticsearch.yml": ["elasticsearch-network-host-all-interfaces:26", "elasticsearch-security-disabled:41"],
  "pg_hba.conf": ["postgres-hba-trust:34", "postgres-hba-open-address:43"],
  "puppet.conf": ["puppet-autosign-enabled:13"],
  "config.xml": ["jenkins-security-disabled:7", "jenkins-authorization-unsecured:8", "jenkins-signup-enabled:10"],
  "jenkins.yaml": [
    "jenkins-signup-enabled:6",
    "jenkins-casc-literal-password:10",
    "jenkins-anonymous-read:13",
    "jenkins-script-security-disabled:21",
  ],
  "docker-compose.yml": [
    "compose-docker-socket-mount:12",
    "container-default-credentials:18",
    "compose-sensitive-port-exposed:20",
    "redis-server-insecure-flags:24",
    "compose-sensitive-port-exposed:26",
    "container-env-auth-disabled:32",
    "compose-sensitive-port-exposed:34",
    "container-default-credentials:40",
    "compose-sensitive-port-exposed:42",
    "compose-privileged:46",
    "compose-host-namespaces:47",
    "compose-host-namespaces:48",
    "compose-sensitive-host-path:50",
  ],
  "deployment.yaml": [
    "kubernetes-host-namespaces:15",
    "kubernetes-host-namespaces:16",
    "kubernetes-privileged-container:21",
    "kubernetes-allow-privilege-escalation:22",
    "kubernetes-run-as-root:23",
    "container-env-tls-verification-disabled:26",
    "kubernetes-docker-socket-mount:33",
    "kubernetes-secret-literal-data:43",
  ],
  "main.tf": [
    "terraform-open-ingress:56",
    "terraform-s3-public-acl:84",
    "terraform-s3-public-access-block-disabled:90",
    "terraform-rds-publicly-accessible:104",
  ],
  Dockerfile: [
    "dockerfile-runs-as-root:1",
    "dockerfile-secret-in-env:3",
    "dockerfile-secret-in-env:4",
    "dockerfile-signature-check-disabled:5",
    "dockerfile-tls-verification-disabled:7",
    "dockerfile-curl-pipe-shell:8",
    "dockerfile-chpasswd-literal:9",
    "dockerfile-expose-ssh:10",
  ],
  ".github/workflows/ci.yml": [
    "github-actions-write-all-permissions:7",
    "github-actions-unsecure-commands:13",
    "github-actions-pr-target-checkout:17",
    "github-actions-pr-target-checkout:18",
    "github-actions-script-injection:23",
  ],
  "nginx.conf": ["nginx-weak-tls-protocols:26"],
};

describe("secure upstream-style files have no findings", () => {
  for (const [file, path] of Object.entries(FILES)) {
    it(file, async () => {
      const out = await scanFixture(`secure/${file}`, path);
      expect(out.warnings).toEqual([]);
      expect(summary(out)).toEqual([]);
    });
  }
});

describe("insecure variants report the expected findings", () => {
  for (const [file, path] of Object.entries(FILES)) {
    it(file, async () => {
      const out = await scanFixture(`insecure/${file}`, path);
      expect(out.warnings).toEqual([]);
      expect(summary(out).sort()).toEqual([...(EXPECTED[file] ?? [])].sort());
    });
  }
});
