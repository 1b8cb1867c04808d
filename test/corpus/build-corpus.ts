// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the corpus is full of literal ${VAR} placeholders.
/**
 * A realistic, labeled accuracy corpus, synthesised at test time.
 *
 * Real-looking tokens would trip push protection (and gitward itself), so the
 * corpus is generated in memory from `{{fake:...}}` recipes: .env files,
 * Kubernetes manifests, docker-compose, Terraform, Python/TypeScript/Go/Java/
 * Ruby source, JSON configs, CI workflows, README docs and lockfiles, with
 *
 * - provider tokens planted in realistic positions: hand-written recipes from
 *   the providers' documented formats, plus every single-line positive example
 *   of every provider rule in the built-in packs (so new packs are measured as
 *   soon as they land; a family with no rules yet does not appear);
 * - private keys, connection strings, JWTs, auth headers and generic
 *   password/secret assignments (the non-provider families);
 * - look-alike negatives: placeholders, documentation example keys, UUIDs, git
 *   SHAs, digests, lockfile integrity hashes, base64 images, test fixtures with
 *   obvious dummy values, truncated keys, public keys and certificates,
 *   template references, wrong-length and wrong-checksum tokens.
 *
 * Every planted line carries a label {file, line (range), families, kind}.
 * Unlabeled lines are filler: a finding there is a false positive too.
 * Generation is deterministic (seeded), so a failure reproduces.
 */
import { expandFakes, seededRandom } from "../../src/packs/fake-secrets.js";
import type { LoadedPack, RuleExample, SecretRuleSpec } from "../../src/packs/pack-types.js";

export type LabelKind =
  /** A provider-format token (the recall bar: ≥ 0.9). */
  | "provider"
  /** Private keys, connection strings, JWTs, auth headers, generic assignments. */
  | "credential"
  /** Only findable by decoding (base64/hex/URL) — measured when the encoded-secrets detector is wired in. */
  | "encoded"
  /** A look-alike that must not be flagged (the bar: ≤ 5% flagged). */
  | "negative";

export interface CorpusLabel {
  file: string;
  line: number;
  /** Last line of a multi-line plant (a PEM block); equals `line` otherwise. */
  endLine: number;
  kind: LabelKind;
  /** Rule families that count as finding it (positives); empty for negatives. */
  families: string[];
  /** Where the plant came from (recipe name or rule id), for reports. */
  origin: string;
}

export interface CorpusFile {
  path: string;
  text: string;
}

export interface Corpus {
  files: CorpusFile[];
  labels: CorpusLabel[];
}

/** The family a rule reports under: its provider (first id segment), or the non-provider pack's grouping. */
export function ruleFamily(ruleId: string, pack: string): string {
  if (pack === "gitward-secrets-private-keys") return "private-key";
  if (pack === "gitward-secrets-databases") return "database";
  // Key-named detection that names the likely service: the generic family, like the key-name rules it supersedes.
  if (pack === "gitward-secrets-service-context") return "generic";
  if (pack === "gitward-secrets-generic") {
    if (ruleId === "jwt-token") return "jwt";
    if (ruleId.startsWith("http-") || ruleId.startsWith("curl-")) return "http-auth";
    // Key-named assignments (password, secret, token, api key; quoted, unquoted, env entries).
    return "generic";
  }
  return ruleId.split("-")[0] ?? ruleId;
}

const NON_PROVIDER_PACKS = new Set(["gitward-secrets-private-keys", "gitward-secrets-databases", "gitward-secrets-generic"]);

// ---------------------------------------------------------------------------------------------
// File building

interface Plant {
  /** The line(s) to insert; `{{fake:...}}` already expanded. */
  text: string;
  kind: LabelKind;
  families: string[];
  origin: string;
  /** Offset of the labeled line inside `text` when it is multi-line and only one line is the secret. */
  lineOffset?: number;
  /** Label the whole block (multi-line secrets). */
  block?: boolean;
}

class FileBuilder {
  private readonly lines: string[] = [];
  readonly labels: CorpusLabel[] = [];
  constructor(readonly path: string) {}

  add(...lines: string[]): this {
    for (const l of lines) this.lines.push(...l.split("\n"));
    return this;
  }

  plant(p: Plant): this {
    const first = this.lines.length + 1;
    const count = p.text.split("\n").length;
    const line = first + (p.lineOffset ?? 0);
    this.labels.push({
      file: this.path,
      line: p.block ? first : line,
      endLine: p.block ? first + count - 1 : line,
      kind: p.kind,
      families: p.families,
      origin: p.origin,
    });
    return this.add(p.text);
  }

  build(): CorpusFile {
    return { path: this.path, text: `${this.lines.join("\n")}\n` };
  }
}

/** A key/value plant rendered in a file syntax. */
interface KV {
  key: string;
  value: string;
  kind: LabelKind;
  families: string[];
  origin: string;
}

type Syntax = { name: string; path: (n: number) => string; render: (kvs: KV[], b: FileBuilder) => void };

const upper = (k: string) => k.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
const camel = (k: string) => k.toLowerCase().replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snake = (k: string) => k.toLowerCase().replace(/[^a-z0-9]+/g, "_");
const kvPlant = (kv: KV, text: string, lineOffset = 0): Plant => ({
  text,
  kind: kv.kind,
  families: kv.families,
  origin: kv.origin,
  lineOffset,
});

const SYNTAXES: Syntax[] = [
  {
    name: "dotenv",
    path: (n) => (n === 0 ? ".env" : `services/svc-${n}/.env.production`),
    render: (kvs, b) => {
      b.add("# Production settings — loaded by the deploy job", "APP_ENV=production", "PORT=8080", "LOG_LEVEL=info");
      for (const kv of kvs) b.add("").plant(kvPlant(kv, `${upper(kv.key)}=${kv.value}`));
      b.add("FEATURE_FLAGS=search,checkout-v2", "REQUEST_TIMEOUT_MS=15000");
    },
  },
  {
    name: "yaml",
    path: (n) => `config/app-${n}.yaml`,
    render: (kvs, b) => {
      b.add("server:", "  port: 8080", "  host: 0.0.0.0", "integrations:");
      for (const kv of kvs)
        b.add(`  ${snake(kv.key).replace(/_[a-z]+$/, "")}:`, "    enabled: true").plant(
          kvPlant(kv, `    ${snake(kv.key)}: ${kv.value}`),
        );
      b.add("logging:", "  level: info", "  format: json");
    },
  },
  {
    name: "json",
    path: (n) => `config/settings.${n}.json`,
    render: (kvs, b) => {
      b.add("{", '  "name": "orders-service",', '  "version": "3.14.2",', '  "credentials": {');
      kvs.forEach((kv, i) => {
        b.plant(kvPlant(kv, `    "${camel(kv.key)}": "${kv.value}"${i < kvs.length - 1 ? "," : ""}`));
      });
      b.add("  },", '  "retries": 3', "}");
    },
  },
  {
    name: "python",
    path: (n) => `app/settings_${n}.py`,
    render: (kvs, b) => {
      b.add('"""Service settings."""', "import os", "", "DEBUG = False", 'ALLOWED_HOSTS = ["api.acme.io"]', "");
      for (const kv of kvs) b.plant(kvPlant(kv, `${upper(kv.key)} = "${kv.value}"`));
      b.add("", 'TIME_ZONE = "UTC"', 'DATABASE_POOL_SIZE = int(os.getenv("DB_POOL", "10"))');
    },
  },
  {
    name: "typescript",
    path: (n) => `src/config/clients-${n}.ts`,
    render: (kvs, b) => {
      b.add('import { createClient } from "./client.js";', "", "export const clients = createClient({", '  region: "eu-west-1",');
      for (const kv of kvs) b.plant(kvPlant(kv, `  ${camel(kv.key)}: "${kv.value}",`));
      b.add("  timeoutMs: 10_000,", "});");
    },
  },
  {
    name: "go",
    path: (n) => `internal/config/keys_${n}.go`,
    render: (kvs, b) => {
      b.add("package config", "", "// Credentials used by the integration tests against staging.", "const (");
      for (const kv of kvs) b.plant(kvPlant(kv, `\t${camel(kv.key).replace(/^./, (c) => c.toUpperCase())} = "${kv.value}"`));
      b.add(")", "", "func Timeout() int { return 30 }");
    },
  },
  {
    name: "properties",
    path: (n) => `src/main/resources/application-${n}.properties`,
    render: (kvs, b) => {
      b.add("server.port=8080", "spring.application.name=billing", "management.endpoints.web.exposure.include=health");
      for (const kv of kvs) b.plant(kvPlant(kv, `app.${snake(kv.key).replace(/_/g, ".")}=${kv.value}`));
      b.add("logging.level.root=INFO");
    },
  },
  {
    name: "terraform",
    path: (n) => `infra/envs/prod/main-${n}.tf`,
    render: (kvs, b) => {
      b.add(
        "terraform {",
        '  required_version = ">= 1.5"',
        "}",
        "",
        'module "integrations" {',
        '  source = "../../modules/integrations"',
      );
      for (const kv of kvs) b.plant(kvPlant(kv, `  ${snake(kv.key)} = "${kv.value}"`));
      b.add('  environment = "prod"', "}");
    },
  },
  {
    name: "shell",
    path: (n) => `scripts/deploy-${n}.sh`,
    render: (kvs, b) => {
      b.add("#!/usr/bin/env bash", "set -euo pipefail", 'cd "$(dirname "$0")/.."');
      for (const kv of kvs) b.plant(kvPlant(kv, `export ${upper(kv.key)}="${kv.value}"`));
      b.add("./gradlew publish --no-daemon", 'echo "deployed $(git rev-parse --short HEAD)"');
    },
  },
  {
    name: "compose",
    path: (n) => `deploy/docker-compose.${n}.yml`,
    render: (kvs, b) => {
      b.add("services:", "  api:", "    image: ghcr.io/acme/api:1.42.0", "    ports:", '      - "8080:8080"', "    environment:");
      for (const kv of kvs) b.plant(kvPlant(kv, `      ${upper(kv.key)}: ${kv.value}`));
      b.add("    depends_on:", "      - db", "  db:", "    image: postgres:16");
    },
  },
  {
    name: "github-actions",
    path: (n) => `.github/workflows/release-${n}.yml`,
    render: (kvs, b) => {
      b.add(
        "name: release",
        "on:",
        "  push:",
        "    tags: ['v*']",
        "jobs:",
        "  publish:",
        "    runs-on: ubuntu-latest",
        "    env:",
      );
      for (const kv of kvs) b.plant(kvPlant(kv, `      ${upper(kv.key)}: ${kv.value}`));
      b.add("    steps:", "      - uses: actions/checkout@v4", "      - run: make release");
    },
  },
  {
    name: "k8s-env",
    path: (n) => `k8s/deployment-${n}.yaml`,
    render: (kvs, b) => {
      b.add(
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: worker",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
      );
      b.add("        - name: worker", "          image: registry.acme.io/worker:2.3.1", "          env:");
      for (const kv of kvs) b.plant(kvPlant(kv, `            - name: ${upper(kv.key)}\n              value: "${kv.value}"`, 1));
      b.add("          resources:", "            limits:", "              memory: 512Mi");
    },
  },
  {
    name: "ruby",
    path: (n) => `config/initializers/integrations_${n}.rb`,
    render: (kvs, b) => {
      b.add("# frozen_string_literal: true", "", "Rails.application.configure do");
      for (const kv of kvs) b.plant(kvPlant(kv, `  config.x.${snake(kv.key)} = '${kv.value}'`));
      b.add("  config.x.retries = 3", "end");
    },
  },
  {
    name: "toml",
    path: (n) => `config/deploy-${n}.toml`,
    render: (kvs, b) => {
      b.add("[service]", 'name = "ledger"', "replicas = 3", "", "[secrets]");
      for (const kv of kvs) b.plant(kvPlant(kv, `${snake(kv.key)} = "${kv.value}"`));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Recipes: provider tokens from documented formats (rule ids name the rules expected to find them)

interface Recipe {
  rules: string[];
  key: string;
  value: string;
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const PROVIDER_RECIPES: Recipe[] = [
  { rules: ["aws-access-key-id"], key: "aws_access_key_id", value: `AKIA{{fake:chars:${B32}:16}}` },
  { rules: ["aws-access-key-id"], key: "aws_session_key_id", value: `ASIA{{fake:chars:${B32}:16}}` },
  { rules: ["aws-secret-access-key"], key: "aws_secret_access_key", value: "{{fake:alnum:40}}" },
  { rules: ["github-personal-access-token"], key: "github_token", value: "{{fake:crc32:ghp_:30}}" },
  { rules: ["github-oauth-access-token"], key: "gh_oauth_token", value: "{{fake:crc32:gho_:30}}" },
  { rules: ["github-installation-access-token"], key: "gh_app_token", value: "{{fake:crc32:ghs_:30}}" },
  { rules: ["github-fine-grained-pat"], key: "gh_pat", value: "github_pat_{{fake:alnum:22}}_{{fake:alnum:59}}" },
  { rules: ["gitlab-personal-access-token"], key: "gitlab_token", value: "glpat-{{fake:b64url:20}}" },
  { rules: ["slack-bot-token"], key: "slack_bot_token", value: "xoxb-{{fake:digits:11}}-{{fake:digits:13}}-{{fake:alnum:24}}" },
  {
    rules: ["slack-user-token"],
    key: "slack_user_token",
    value: "xoxp-{{fake:digits:11}}-{{fake:digits:12}}-{{fake:digits:13}}-{{fake:hex:32}}",
  },
  {
    rules: ["slack-incoming-webhook"],
    key: "slack_webhook_url",
    value: "https://hooks.slack.com/services/T{{fake:upperalnum:10}}/B{{fake:upperalnum:10}}/{{fake:alnum:24}}",
  },
  { rules: ["stripe-secret-key"], key: "stripe_secret_key", value: "sk_live_{{fake:alnum:99}}" },
  { rules: ["stripe-secret-key"], key: "stripe_api_key", value: "sk_live_{{fake:alnum:24}}" },
  { rules: ["stripe-restricted-key"], key: "stripe_restricted_key", value: "rk_live_{{fake:alnum:99}}" },
  { rules: ["stripe-webhook-secret"], key: "stripe_webhook_secret", value: "whsec_{{fake:alnum:32}}" },
  { rules: ["sendgrid-api-key"], key: "sendgrid_api_key", value: "SG.{{fake:b64url:22}}.{{fake:b64url:43}}" },
  { rules: ["npm-access-token"], key: "npm_token", value: "{{fake:crc32:npm_:30}}" },
  { rules: ["pypi-upload-token"], key: "pypi_token", value: "pypi-AgEIcHlwaS5vcmc{{fake:b64url:120}}" },
  { rules: ["gcp-api-key"], key: "google_maps_api_key", value: "AIza{{fake:b64url:35}}" },
  { rules: ["anthropic-api-key"], key: "anthropic_api_key", value: "sk-ant-api03-{{fake:b64url:93}}AA" },
  { rules: ["openai-project-key"], key: "openai_api_key", value: "sk-proj-{{fake:b64url:74}}T3BlbkFJ{{fake:b64url:74}}" },
  {
    rules: ["huggingface-access-token"],
    key: "hf_token",
    value: "hf_{{fake:chars:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:34}}",
  },
  {
    rules: ["discord-webhook-url"],
    key: "discord_webhook",
    value: "https://discord.com/api/webhooks/{{fake:digits:18}}/{{fake:b64url:68}}",
  },
  { rules: ["telegram-bot-token"], key: "telegram_bot_token", value: "{{fake:digits:10}}:AA{{fake:b64url:33}}" },
  { rules: ["mailgun-api-key"], key: "mailgun_api_key", value: "key-{{fake:hex:32}}" },
  { rules: ["digitalocean-personal-access-token"], key: "do_token", value: "dop_v1_{{fake:hex:64}}" },
  { rules: ["shopify-access-token"], key: "shopify_token", value: "shpat_{{fake:hex:32}}" },
  { rules: ["databricks-api-token"], key: "databricks_token", value: "dapi{{fake:hex:32}}" },
  { rules: ["pulumi-access-token"], key: "pulumi_access_token", value: "pul-{{fake:hex:40}}" },
  { rules: ["vault-service-token"], key: "vault_token", value: "hvs.{{fake:b64url:95}}" },
  { rules: ["linear-api-key"], key: "linear_api_key", value: "lin_api_{{fake:alnum:40}}" },
  { rules: ["postman-api-key"], key: "postman_api_key", value: "PMAK-{{fake:hex:24}}-{{fake:hex:34}}" },
  { rules: ["doppler-service-token"], key: "doppler_token", value: "dp.st.prd.{{fake:alnum:43}}" },
  { rules: ["age-secret-key"], key: "sops_age_key", value: "AGE-SECRET-KEY-1{{fake:chars:QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L:58}}" },
  { rules: ["newrelic-user-api-key"], key: "newrelic_api_key", value: "NRAK-{{fake:upperalnum:27}}" },
  { rules: ["grafana-service-account-token"], key: "grafana_token", value: "glsa_{{fake:alnum:32}}_{{fake:hex:8}}" },
  { rules: ["dockerhub-personal-access-token"], key: "dockerhub_token", value: "dckr_pat_{{fake:b64url:27}}" },
  { rules: ["rubygems-api-key"], key: "gem_host_api_key", value: "rubygems_{{fake:hex:48}}" },
  { rules: ["tailscale-auth-key"], key: "ts_authkey", value: "tskey-auth-{{fake:alnum:12}}-{{fake:alnum:32}}" },
  { rules: ["square-access-token"], key: "square_access_token", value: "EAAA{{fake:b64url:60}}" },
  { rules: ["atlassian-api-token"], key: "jira_api_token", value: "ATATT3xFfGF0{{fake:b64url:180}}={{fake:HEX:8}}" },
  { rules: ["heroku-api-key", "heroku-api-key-v2"], key: "heroku_api_key", value: "{{fake:uuid}}" },
  { rules: ["datadog-api-key"], key: "datadog_api_key", value: "{{fake:hex:32}}" },
  {
    rules: ["hashicorp-tf-api-token", "terraform-cloud-api-token"],
    key: "tfe_token",
    value: "{{fake:alnum:14}}.atlasv1.{{fake:alnum:67}}",
  },
  // Written from the providers' documented formats (not from the packs' examples): prefixes,
  // lengths, alphabets and checksums as each provider publishes them.
  { rules: ["github-user-to-server-token"], key: "gh_app_user_token", value: "{{fake:crc32:ghu_:30}}" },
  { rules: ["gitlab-pipeline-trigger-token"], key: "gitlab_trigger_token", value: "glptt-{{fake:hex:40}}" },
  { rules: ["gitlab-runner-authentication-token"], key: "ci_runner_token", value: "glrt-{{fake:b64url:20}}" },
  { rules: ["gitlab-deploy-token"], key: "gitlab_deploy_token", value: "gldt-{{fake:b64url:20}}" },
  { rules: ["gitlab-feed-token"], key: "gitlab_feed_token", value: "glft-{{fake:b64url:20}}" },
  { rules: ["gitlab-oauth-application-secret"], key: "gitlab_oauth_secret", value: "gloas-{{fake:hex:64}}" },
  {
    rules: ["slack-app-token"],
    key: "slack_app_token",
    value: "xapp-1-A{{fake:upperalnum:10}}-{{fake:digits:13}}-{{fake:hex:64}}",
  },
  { rules: ["stripe-test-secret-key"], key: "stripe_test_key", value: "sk_test_51{{fake:alnum:97}}" },
  { rules: ["paystack-secret-key"], key: "paystack_secret_key", value: "sk_live_{{fake:hex:40}}" },
  {
    rules: ["openai-service-account-key"],
    key: "openai_service_key",
    value: "sk-svcacct-{{fake:b64url:74}}T3BlbkFJ{{fake:b64url:74}}",
  },
  { rules: ["openai-api-key"], key: "openai_key", value: "sk-{{fake:alnum:20}}T3BlbkFJ{{fake:alnum:20}}" },
  { rules: ["anthropic-admin-key"], key: "anthropic_admin_key", value: "sk-ant-admin01-{{fake:b64url:93}}AA" },
  { rules: ["groq-api-key"], key: "groq_api_key", value: "gsk_{{fake:alnum:52}}" },
  { rules: ["replicate-api-token"], key: "replicate_api_token", value: "r8_{{fake:alnum:37}}" },
  { rules: ["xai-api-key"], key: "xai_api_key", value: "xai-{{fake:alnum:80}}" },
  {
    rules: ["huggingface-org-token"],
    key: "hf_org_token",
    value: "api_org_{{fake:chars:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:34}}",
  },
  { rules: ["google-oauth-client-secret"], key: "google_client_secret", value: "GOCSPX-{{fake:b64url:28}}" },
  {
    rules: ["azure-ad-client-secret"],
    key: "azure_client_secret",
    value:
      "{{fake:alnum:3}}{{fake:digits:1}}Q~{{fake:chars:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~.-:31}}",
  },
  {
    rules: ["azure-devops-pat", "azure-devops-pat-legacy"],
    key: "azure_devops_pat",
    value: "{{fake:chars:abcdefghijklmnopqrstuvwxyz234567:52}}",
  },
  { rules: ["digitalocean-oauth-token"], key: "do_oauth_token", value: "doo_v1_{{fake:hex:64}}" },
  { rules: ["digitalocean-refresh-token"], key: "do_refresh_token", value: "dor_v1_{{fake:hex:64}}" },
  { rules: ["alibaba-access-key-id"], key: "alicloud_access_key", value: "LTAI{{fake:alnum:20}}" },
  { rules: ["tencent-cloud-secret-id"], key: "tencentcloud_secret_id", value: "AKID{{fake:alnum:32}}" },
  { rules: ["scaleway-access-key"], key: "scw_access_key", value: "SCW{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:17}}" },
  { rules: ["yandex-cloud-api-key"], key: "yc_api_key", value: "AQVN{{fake:b64url:36}}" },
  {
    rules: ["cloudflare-origin-ca-key"],
    key: "cf_origin_ca_key",
    value: "v1.0-{{fake:hex:24}}-{{fake:hex:146}}",
  },
  { rules: ["aws-session-token"], key: "aws_session_token", value: "IQoJb3JpZ2luX2VjE{{fake:b64:300}}" },
  { rules: ["nuget-api-key"], key: "nuget_api_key", value: "oy2{{fake:loweralnum:43}}" },
  { rules: ["crates-io-api-token"], key: "cargo_registry_token", value: "cio{{fake:alnum:32}}" },
  { rules: ["dockerhub-organization-access-token"], key: "docker_org_token", value: "dckr_oat_{{fake:b64url:32}}" },
  { rules: ["jfrog-api-key"], key: "artifactory_api_key", value: "AKCp{{fake:alnum:69}}" },
  { rules: ["jfrog-reference-token"], key: "artifactory_token", value: "cmVmdGtuOjAxOjE3{{fake:alnum:48}}" },
  { rules: ["mailchimp-api-key"], key: "mailchimp_api_key", value: "{{fake:hex:32}}-us{{fake:digits:2}}" },
  { rules: ["brevo-api-key"], key: "brevo_api_key", value: "xkeysib-{{fake:hex:64}}-{{fake:alnum:16}}" },
  { rules: ["newrelic-license-key"], key: "new_relic_license_key", value: "{{fake:hex:36}}NRAL" },
  { rules: ["newrelic-browser-key"], key: "nr_browser_key", value: "NRJS-{{fake:hex:19}}" },
  { rules: ["sentry-user-auth-token"], key: "sentry_auth_token", value: "sntryu_{{fake:hex:64}}" },
  { rules: ["airtable-personal-access-token"], key: "airtable_token", value: "pat{{fake:alnum:14}}.{{fake:hex:64}}" },
  { rules: ["doppler-personal-token"], key: "doppler_personal_token", value: "dp.pt.{{fake:alnum:43}}" },
  { rules: ["doppler-service-account-token"], key: "doppler_sa_token", value: "dp.sa.{{fake:alnum:43}}" },
  { rules: ["shopify-shared-secret"], key: "shopify_api_secret", value: "shpss_{{fake:hex:32}}" },
  { rules: ["shopify-custom-app-token"], key: "shopify_custom_token", value: "shpca_{{fake:hex:32}}" },
  { rules: ["shopify-private-app-token"], key: "shopify_private_token", value: "shppa_{{fake:hex:32}}" },
  { rules: ["square-application-secret"], key: "square_app_secret", value: "sq0csp-{{fake:b64url:43}}" },
  {
    rules: ["braintree-access-token"],
    key: "braintree_access_token",
    value: "access_token$production${{fake:loweralnum:16}}${{fake:hex:32}}",
  },
  { rules: ["flutterwave-secret-key"], key: "flw_secret_key", value: "FLWSECK-{{fake:hex:32}}-X" },
  { rules: ["mollie-api-key"], key: "mollie_api_key", value: "live_{{fake:alnum:30}}" },
  { rules: ["sonarqube-token"], key: "sonar_token", value: "squ_{{fake:hex:40}}" },
  { rules: ["sourcegraph-access-token"], key: "src_access_token", value: "sgp_{{fake:hex:40}}" },
  { rules: ["buildkite-api-access-token"], key: "buildkite_api_token", value: "bkua_{{fake:hex:40}}" },
  { rules: ["contentful-personal-access-token"], key: "contentful_management_token", value: "CFPAT-{{fake:b64url:43}}" },
  { rules: ["hubspot-private-app-token"], key: "hubspot_access_token", value: "pat-na1-{{fake:uuid}}" },
  { rules: ["posthog-personal-api-key"], key: "posthog_personal_api_key", value: "phx_{{fake:alnum:43}}" },
  { rules: ["figma-personal-access-token"], key: "figma_token", value: "figd_{{fake:b64url:40}}" },
  { rules: ["duffel-live-token"], key: "duffel_token", value: "duffel_live_{{fake:b64url:43}}" },
  { rules: ["easypost-api-key"], key: "easypost_api_key", value: "EZAK{{fake:alnum:54}}" },
  { rules: ["shippo-live-token"], key: "shippo_token", value: "shippo_live_{{fake:hex:40}}" },
  { rules: ["prefect-api-key"], key: "prefect_api_key", value: "pnu_{{fake:alnum:36}}" },
  { rules: ["supabase-personal-access-token"], key: "supabase_access_token", value: "sbp_{{fake:hex:40}}" },
  { rules: ["netlify-personal-access-token"], key: "netlify_auth_token", value: "nfp_{{fake:alnum:36}}" },
  { rules: ["planetscale-service-token"], key: "planetscale_service_token", value: "pscale_tkn_{{fake:b64url:43}}" },
  { rules: ["planetscale-password"], key: "planetscale_db_password", value: "pscale_pw_{{fake:b64url:43}}" },
  { rules: ["linear-oauth-token"], key: "linear_oauth_token", value: "lin_oauth_{{fake:hex:64}}" },
  { rules: ["launchdarkly-sdk-key"], key: "launchdarkly_sdk_key", value: "sdk-{{fake:uuid}}" },
  { rules: ["tailscale-api-key"], key: "tailscale_api_key", value: "tskey-api-{{fake:alnum:12}}-{{fake:alnum:32}}" },
  {
    rules: ["discord-bot-token"],
    key: "discord_bot_token",
    value: "{{fake:b64of:1{{fake:digits:17}}}}.{{fake:b64url:6}}.{{fake:b64url:38}}",
  },
];

/** Contextual provider plants: whole lines or files where the context is part of the format. */
interface BlockRecipe {
  rules: string[];
  path: string;
  /** Lines; the labeled line is marked by a leading "»". */
  lines: string[];
}

const PROVIDER_BLOCKS: BlockRecipe[] = [
  {
    rules: ["aws-access-key-id", "aws-secret-access-key"],
    path: "ops/aws/credentials",
    lines: [
      "[default]",
      `»aws_access_key_id = AKIA{{fake:chars:${B32}:16}}`,
      "»aws_secret_access_key = {{fake:b64:40}}",
      "region = eu-west-1",
    ],
  },
  {
    rules: ["azure-storage-account-key", "azure-storage-account-key-assignment", "azure-storage-identifiable-key"],
    path: "src/Orders.Api/appsettings.Production.json",
    lines: [
      "{",
      '  "Logging": { "LogLevel": { "Default": "Information" } },',
      '  "ConnectionStrings": {',
      '»    "Blob": "DefaultEndpointsProtocol=https;AccountName=acmeorders;AccountKey={{fake:b64:86}}==;EndpointSuffix=core.windows.net"',
      "  }",
      "}",
    ],
  },
  {
    rules: ["twilio-api-key"],
    path: "services/notify/.env",
    lines: [
      "TWILIO_ACCOUNT_SID=AC{{fake:hex:32}}",
      "TWILIO_API_KEY_SID=SK{{fake:hex:32}}",
      "»TWILIO_API_SECRET={{fake:alnum:32}}",
    ],
  },
  {
    rules: ["sentry-dsn-secret"],
    path: "web/src/sentry.client.js",
    lines: [
      "import * as Sentry from '@sentry/browser';",
      "Sentry.init({",
      "»  dsn: 'https://{{fake:hex:32}}:{{fake:hex:32}}@o{{fake:digits:6}}.ingest.sentry.io/{{fake:digits:7}}',",
      "});",
    ],
  },
  {
    rules: ["gcp-service-account-key", "private-key-pem"],
    path: "deploy/gcp/terraform-sa.json",
    lines: [
      "{",
      '  "type": "service_account",',
      '  "project_id": "acme-prod-4821",',
      '»  "private_key_id": "{{fake:hex:40}}",',
      '»  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC{{fake:b64:32}}\\n{{fake:b64:64}}\\n{{fake:b64:64}}\\n-----END PRIVATE KEY-----\\n",',
      '  "client_email": "terraform@acme-prod-4821.iam.gserviceaccount.com",',
      '  "client_id": "{{fake:digits:21}}"',
      "}",
    ],
  },
  {
    rules: ["npmrc-auth-token", "npm-access-token"],
    path: ".npmrc",
    lines: [
      "registry=https://registry.npmjs.org/",
      "»//registry.npmjs.org/:_authToken={{fake:crc32:npm_:30}}",
      "save-exact=true",
    ],
  },
  // Contextual formats written from the providers' documentation.
  {
    rules: ["aws-access-key-id", "aws-secret-access-key"],
    path: "k8s/jobs/backup-cronjob.yaml",
    lines: [
      "            env:",
      "              - name: AWS_ACCESS_KEY_ID",
      `»                value: AKIA{{fake:chars:${B32}:16}}`,
      "              - name: AWS_SECRET_ACCESS_KEY",
      '»                value: "{{fake:b64:40}}"',
    ],
  },
  {
    rules: ["gcp-api-key"],
    path: "web/public/store-locator.html",
    lines: [
      "<!doctype html>",
      '<div id="map" style="height: 480px"></div>',
      '»<script async src="https://maps.googleapis.com/maps/api/js?key=AIza{{fake:b64url:35}}&callback=initMap"></script>',
    ],
  },
  {
    rules: ["okta-api-token"],
    path: "scripts/okta/deactivate-user.sh",
    lines: [
      "#!/bin/sh",
      '»curl -s -X POST -H "Authorization: SSWS 00{{fake:b64url:40}}" "https://acme.okta.com/api/v1/users/$1/lifecycle/deactivate"',
    ],
  },
  {
    rules: ["postmark-server-token"],
    path: "tests/http/postmark.http",
    lines: ["POST https://api.postmarkapp.com/email", "Accept: application/json", "»X-Postmark-Server-Token: {{fake:uuid}}"],
  },
  {
    rules: ["twilio-auth-token"],
    path: "services/sms/.env.production",
    lines: ["TWILIO_ACCOUNT_SID=AC{{fake:hex:32}}", "»TWILIO_AUTH_TOKEN={{fake:hex:32}}", "TWILIO_FROM=+15005550006"],
  },
  {
    rules: ["docker-config-auth"],
    path: "ci/docker/config.json",
    lines: ["{", '  "auths": {', '»    "registry.acme.io": { "auth": "{{fake:b64of:ci-bot:{{fake:alnum:24}}}}" }', "  }", "}"],
  },
  {
    rules: ["npmrc-basic-auth", "npmrc-auth-token"],
    path: "packages/ui/.npmrc",
    lines: [
      "@acme:registry=https://npm.acme.io/",
      "»//npm.acme.io/:_auth={{fake:b64of:deploy:{{fake:alnum:20}}}}",
      "always-auth=true",
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Non-provider credentials (private keys, connection strings, JWTs, headers, generic assignments)

const CREDENTIAL_KVS: { families: string[]; key: string; value: string; syntaxes?: string[] }[] = [
  {
    families: ["database"],
    key: "database_url",
    value: "postgres://orders:{{fake:alnum:20}}@orders-db.prod.acme.io:5432/orders",
  },
  {
    families: ["database"],
    key: "mongo_uri",
    value: "mongodb+srv://api:{{fake:alnum:24}}@cluster0.{{fake:loweralnum:5}}.mongodb.net/prod",
  },
  { families: ["database"], key: "redis_url", value: "rediss://default:{{fake:alnum:32}}@cache.prod.acme.io:6380/0" },
  { families: ["database"], key: "amqp_url", value: "amqps://billing:{{fake:alnum:18}}@mq.prod.acme.io:5671/billing" },
  { families: ["database"], key: "mysql_dsn", value: "mysql://shop:{{fake:alnum:16}}@mysql-primary.acme.internal:3306/shop" },
  {
    families: ["database"],
    key: "artifact_url",
    value: "https://deploy:{{fake:alnum:20}}@artifacts.acme.io/repository/releases",
  },
  { families: ["jwt"], key: "service_jwt", value: "{{fake:jwt}}" },
  { families: ["generic"], key: "db_password", value: "hunter2" },
  { families: ["generic"], key: "smtp_password", value: "Wint3r-is-c0ming!" },
  { families: ["generic"], key: "admin_password", value: "Qm7#pL2x!v" },
  { families: ["generic"], key: "keystore_password", value: "k3yst0re.Pr0d" },
  { families: ["generic"], key: "client_secret", value: "{{fake:alnum:40}}" },
  { families: ["generic"], key: "jwt_secret", value: "{{fake:b64:48}}" },
  { families: ["generic"], key: "partner_api_key", value: "{{fake:hex:32}}" },
  { families: ["generic"], key: "webhook_signing_key", value: "{{fake:b64url:43}}" },
  { families: ["generic"], key: "internal_access_token", value: "{{fake:alnum:48}}" },
];

const CREDENTIAL_BLOCKS: { families: string[]; path: string; lines: string[]; kind?: LabelKind }[] = [
  { families: ["private-key"], path: "deploy/ssh/id_rsa", lines: ["»{{fake:pem:RSA PRIVATE KEY}}"] },
  { families: ["private-key"], path: "certs/server.key", lines: ["»{{fake:pem:PRIVATE KEY}}"] },
  { families: ["private-key"], path: "ansible/files/deploy_ed25519", lines: ["»{{fake:pem:OPENSSH PRIVATE KEY}}"] },
  { families: ["private-key"], path: "certs/legacy.key", lines: ["»{{fake:pem:ENCRYPTED PRIVATE KEY}}"] },
  { families: ["private-key"], path: "release/signing.asc", lines: ["»{{fake:pem:PGP PRIVATE KEY BLOCK}}"] },
  {
    families: ["private-key"],
    path: "k8s/ingress-tls.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: ingress-tls",
      "type: kubernetes.io/tls",
      "stringData:",
      "  tls.crt: |",
      "    -----BEGIN CERTIFICATE-----",
      "    MIIDdzCCAl+gAwIBAgIE{{fake:b64:44}}",
      "    -----END CERTIFICATE-----",
      "  tls.key: |",
      "»    -----BEGIN EC PRIVATE KEY-----",
      "»    MHcCAQEEI{{fake:b64:55}}",
      "»    {{fake:b64:64}}",
      "»    {{fake:b64:44}}",
      "»    -----END EC PRIVATE KEY-----",
    ],
  },
  {
    families: ["private-key"],
    path: "tools/putty/deploy.ppk",
    lines: [
      "»PuTTY-User-Key-File-2: ssh-rsa",
      "»Encryption: none",
      "»Comment: rsa-key-20240101",
      "»Public-Lines: 2",
      "»AAAAB3NzaC1yc2E{{fake:b64:49}}",
      "»{{fake:b64:40}}",
      "»Private-Lines: 3",
      "»{{fake:b64:64}}",
      "»{{fake:b64:64}}",
      "»{{fake:b64:20}}==",
      "»Private-MAC: {{fake:hex:40}}",
    ],
  },
  {
    families: ["private-key"],
    path: "config/signing.env",
    lines: ["# base64 DER, no header", "»SIGNING_KEY_DER=MIIEowIBAAKCAQEA{{fake:b64:1572}}"],
  },
  {
    families: ["database"],
    path: "src/Billing.Api/appsettings.json",
    lines: [
      "{",
      '  "ConnectionStrings": {',
      '»    "Default": "Server=tcp:sql01.corp.acme.io,1433;Initial Catalog=billing;User ID=billing_app;Password={{fake:alnum:18}};Encrypt=True;"',
      "  }",
      "}",
    ],
  },
  {
    families: ["database"],
    path: "legacy/src/main/resources/datasource.properties",
    lines: [
      "»erp.datasource.url=jdbc:oracle:thin:erp/{{fake:alnum:14}}@oradb01.corp.acme.io:1521:ERP",
      "»reports.datasource.url=jdbc:mysql://mysql.prod.acme.io:3306/reports?user=reports&password={{fake:alnum:16}}&useSSL=true",
      "erp.datasource.pool=20",
    ],
  },
  {
    families: ["http-auth"],
    path: "docs/runbooks/replay-webhook.md",
    lines: [
      "# Replaying a failed webhook",
      "",
      "Use the ops account (rotated quarterly):",
      "",
      "```sh",
      "»curl -X POST https://hooks.acme.io/replay -H 'Authorization: Basic {{fake:b64of:ops:{{fake:alnum:18}}}}' -d @event.json",
      "»curl -u deploy:{{fake:alnum:16}} https://nexus.acme.io/service/rest/v1/components",
      "```",
    ],
  },
  {
    families: ["http-auth", "generic"],
    path: "tests/http/orders.http",
    lines: [
      "### list orders",
      "GET https://api.acme.io/v2/orders",
      "»Authorization: Bearer {{fake:alnum:40}}",
      "Accept: application/json",
    ],
  },
  {
    families: ["generic"],
    path: "config/mail.ini",
    lines: ["[smtp]", "host = smtp.acme.io", "user = alerts", "»password = Sm7p!relay2024", "port = 587"],
  },
  {
    families: ["generic"],
    path: "src/main/java/com/acme/LegacyClient.java",
    lines: [
      "package com.acme;",
      "",
      "public class LegacyClient {",
      '  private static final String USER = "integration";',
      '»  private static final String PASSWORD = "L3gacy#Integr8";', // gitward:allow generic-password -- planted corpus value
      "}",
    ],
  },
];

/** Encoded secrets: findable only by decoding (encoded-secrets detector). */
const ENCODED_BLOCKS: { families: string[]; path: string; lines: string[] }[] = [
  {
    families: ["generic"],
    path: "k8s/secrets/db-credentials.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: db-credentials",
      "type: Opaque",
      "data:",
      "  username: {{fake:b64of:orders}}",
      "»  password: {{fake:b64of:Zx{{fake:alnum:12}}!}}",
    ],
  },
  {
    families: ["private-key"],
    path: "k8s/secrets/webhook-tls.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "type: kubernetes.io/tls",
      "data:",
      "»  tls.key: {{fake:b64of:{{fake:pem:RSA PRIVATE KEY}}}}",
    ],
  },
  {
    families: ["docker", "generic"],
    path: "k8s/secrets/registry-pull.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "type: kubernetes.io/dockerconfigjson",
      "data:",
      '»  .dockerconfigjson: {{fake:b64of:{"auths":{"registry.acme.io":{"auth":"{{fake:b64of:ci-bot:{{fake:alnum:24}}}}"}}}}}',
    ],
  },
  {
    families: ["database"],
    path: "services/setup/.env",
    lines: [
      "SETUP_MODE=auto",
      "»SETUP_CALLBACK=https://setup.acme.io/init?dsn=postgres%3A%2F%2Fsetup%3A{{fake:alnum:18}}%40pg.prod.acme.io%2Fsetup",
    ],
  },
  {
    families: ["database"],
    path: "helm/values-prod.yaml",
    lines: [
      "api:",
      "  replicas: 3",
      "  env:",
      "»    DATABASE_URL_B64: {{fake:b64of:postgres://api:{{fake:alnum:20}}@pg.prod.acme.io:5432/api}}",
    ],
  },
  {
    families: ["private-key"],
    path: "ops/kube/admin.kubeconfig",
    lines: [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: prod",
      "    cluster:",
      "      server: https://k8s.prod.acme.io:6443",
      "      certificate-authority-data: {{fake:b64of:{{fake:pem:CERTIFICATE}}}}",
      "users:",
      "  - name: admin",
      "    user:",
      "      client-certificate-data: {{fake:b64of:{{fake:pem:CERTIFICATE}}}}",
      "»      client-key-data: {{fake:b64of:{{fake:pem:RSA PRIVATE KEY}}}}",
    ],
  },
  {
    families: ["stripe", "generic"],
    path: ".github/workflows/deploy-env.yml",
    lines: [
      "jobs:",
      "  deploy:",
      "    runs-on: ubuntu-latest",
      "    env:",
      "»      DOTENV_B64: {{fake:b64of:APP_ENV=production\nSTRIPE_SECRET_KEY=sk_live_{{fake:alnum:24}}\n}}",
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Look-alike negatives

const NEGATIVE_KVS: { key: string; value: string }[] = [
  { key: "db_password", value: "changeme" },
  { key: "db_password", value: "${DB_PASSWORD}" },
  { key: "admin_password", value: "<admin-password>" },
  { key: "smtp_password", value: "xxxxxxxx" },
  { key: "redis_password", value: "********" },
  { key: "api_key", value: "your-api-key-here" },
  { key: "api_key", value: "YOUR_API_KEY" },
  { key: "client_secret", value: "{{ .Values.oauth.clientSecret }}" },
  { key: "secret_key", value: "example-secret-key" },
  { key: "auth_token", value: "dummy-token" },
  { key: "access_token", value: "TODO" },
  { key: "password", value: "password" },
  { key: "password", value: "test1234" },
  { key: "github_token", value: "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
  { key: "aws_access_key_id", value: "AKIAIOSFODNN7EXAMPLE" },
  { key: "aws_secret_access_key", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { key: "request_id", value: "{{fake:uuid}}" },
  { key: "tenant_id", value: "{{fake:uuid}}" },
  { key: "api_key", value: "{{fake:uuid}}" },
  { key: "commit_sha", value: "{{fake:hex:40}}" },
  { key: "image_digest", value: "sha256:{{fake:hex:64}}" },
  { key: "checksum", value: "{{fake:hex:64}}" },
  { key: "etag", value: "{{fake:b64:27}}=" },
  { key: "nonce", value: "{{fake:b64url:32}}" },
  { key: "cache_key", value: "{{fake:hex:32}}" },
  { key: "public_key", value: "{{fake:b64:44}}" },
  { key: "next_page_token", value: "{{fake:b64url:48}}" },
  { key: "csrf_token", value: "{{fake:alnum:40}}" },
  { key: "token_type", value: "Bearer" },
  { key: "max_tokens", value: "4096" },
  { key: "password_min_length", value: "12" },
  { key: "secret_name", value: "prod/orders/postgres" },
  { key: "password_file", value: "/run/secrets/db_password" },
  { key: "database_url", value: "postgres://user:password@localhost:5432/app" },
  { key: "database_url", value: "postgres://${PGUSER}:${PGPASSWORD}@${PGHOST}/app" },
  { key: "stripe_key", value: "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx" },
  { key: "slack_token", value: "xoxb-your-bot-token" },
  { key: "github_token", value: "ghp_{{fake:alnum:36}}" },
  { key: "stripe_publishable_key", value: "pk_live_{{fake:alnum:99}}" },
  { key: "stripe_publishable_key", value: "pk_test_{{fake:alnum:24}}" },
  { key: "correlation_id", value: "{{fake:uuid}}" },
  { key: "client_id", value: "{{fake:uuid}}" },
  { key: "subscription_id", value: "{{fake:uuid}}" },
  { key: "git_commit", value: "{{fake:hex:40}}" },
  { key: "build_revision", value: "{{fake:hex:12}}" },
  { key: "sha512", value: "{{fake:hex:128}}" },
  { key: "integrity", value: "sha384-{{fake:b64:64}}" },
  { key: "aws_access_key_id", value: "AKIAI44QH8DHBEXAMPLE" },
  { key: "aws_secret_access_key", value: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY" },
  { key: "password_field", value: "passwordField" },
  { key: "token_endpoint", value: "https://login.acme.io/oauth2/token" },
  { key: "api_key_header", value: "X-Api-Key" },
  { key: "secret_ref", value: "projects/acme-prod/secrets/db-password/versions/latest" },
];

const NEGATIVE_BLOCKS: { path: string; lines: string[] }[] = [
  {
    path: "README.md",
    lines: [
      "# orders-service",
      "",
      "## Configuration",
      "",
      "Copy `.env.example` to `.env` and fill in:",
      "",
      "```sh",
      "»export STRIPE_SECRET_KEY=sk_live_...",
      "»export OPENAI_API_KEY=<your-openai-key>",
      "»export DATABASE_URL=postgres://user:pass@localhost:5432/orders",
      '»curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.io/v2/me',
      "»curl -u admin:admin http://localhost:8080/health",
      "```",
      "",
      "A private key looks like this (never commit one):",
      "",
      "```",
      "»-----BEGIN RSA PRIVATE KEY-----",
      "»MIIEpAIBAAKCAQEA...",
      "»-----END RSA PRIVATE KEY-----",
      "```",
      "",
      "»Example JWT: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>`",
    ],
  },
  {
    path: ".env.example",
    lines: [
      "# Copy to .env",
      "»DB_PASSWORD=changeme",
      "»API_KEY=",
      "»SECRET_KEY=replace-me",
      "»SMTP_PASS=<smtp password>",
      "»JWT_SECRET=${JWT_SECRET}",
      "»AWS_SECRET_ACCESS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
  },
  {
    path: "src/auth/login.ts",
    lines: [
      'import { hash } from "./hash.js";',
      "",
      "export async function login(req: Request) {",
      "»  const password = req.body.password;",
      "»  const token = process.env.SESSION_TOKEN;",
      '»  const apiKey = req.headers.get("x-api-key");',
      '»  if (password === "") throw new Error("missing password");',
      "»  const passwordHash = await hash(password, { cost: 12 });",
      '»  headers["Authorization"] = `Bearer ${token}`;',
      "  return passwordHash;",
      "}",
    ],
  },
  {
    path: "app/config.py",
    lines: [
      "import os",
      "",
      '»DB_PASSWORD = os.environ["DB_PASSWORD"]',
      '»API_KEY = os.getenv("API_KEY", "")',
      '»SECRET_KEY = os.environ.get("SECRET_KEY")',
      "»TOKEN = settings.SLACK_TOKEN",
      '»PASSWORD_RESET_URL = "https://acme.io/reset-password"',
    ],
  },
  {
    path: "k8s/api-deployment.yaml",
    lines: [
      "env:",
      "  - name: DB_PASSWORD",
      "    valueFrom:",
      "      secretKeyRef:",
      "        name: db-credentials",
      "»        key: password",
      "  - name: API_TOKEN",
      '»    value: "{{ .Values.api.token }}"',
    ],
  },
  {
    path: ".github/workflows/ci.yml",
    lines: [
      "name: ci",
      "on: [push]",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-latest",
      "    env:",
      "»      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
      "»      GITHUB_TOKEN: ${{ github.token }}",
      "»      DB_PASSWORD: postgres",
      "    steps:",
      "»      - uses: actions/checkout@{{fake:hex:40}}",
    ],
  },
  {
    path: "infra/rds.tf",
    lines: [
      'resource "aws_db_instance" "main" {',
      '  engine   = "postgres"',
      "»  password = var.db_password",
      "»  username = random_password.admin.result",
      "}",
      'resource "random_password" "admin" {',
      "  length = 32",
      "}",
    ],
  },
  {
    path: "package-lock.json",
    lines: [
      "{",
      '  "name": "web",',
      '  "lockfileVersion": 3,',
      '  "packages": {',
      '    "node_modules/react": {',
      '      "version": "18.3.1",',
      '      "resolved": "https://registry.npmjs.org/react/-/react-18.3.1.tgz",',
      '»      "integrity": "sha512-{{fake:b64:86}}=="',
      "    }",
      "  }",
      "}",
    ],
  },
  {
    path: "go.sum",
    lines: ["»github.com/google/uuid v1.6.0 h1:{{fake:b64:43}}=", "»github.com/google/uuid v1.6.0/go.mod h1:{{fake:b64:43}}="],
  },
  {
    path: "web/src/assets/icons.ts",
    lines: [
      '»export const spinner = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ{{fake:b64:120}}";',
      '»export const brandBlue = "#1f6feb";',
    ],
  },
  {
    path: "tests/fixtures/users.json",
    lines: [
      "[",
      '»  { "email": "alice@example.com", "password": "password123" },',
      '»  { "email": "bob@example.com", "password": "test-password" },',
      '»  { "email": "carol@example.com", "password": "dummy" }',
      "]",
    ],
  },
  {
    path: "locales/en.json",
    lines: [
      "{",
      '»  "password": "Password",',
      '»  "password_hint": "At least 12 characters",',
      '»  "api_key": "API key",',
      '»  "secret": "Secret"',
      "}",
    ],
  },
  {
    path: "certs/ca.pem",
    lines: ["»{{fake:pem:CERTIFICATE}}"],
  },
  {
    path: "deploy/ssh/id_rsa.pub",
    lines: ["»ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{{fake:b64:300}} deploy@ci"],
  },
  {
    path: "k8s/secrets/placeholder-secret.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "data:",
      "»  password: {{fake:b64of:changeme}}",
      "»  token: {{fake:b64of:your-token-here}}",
    ],
  },
  {
    path: "config/references.yaml",
    lines: [
      "»db_password: ${{ secrets.DB_PASSWORD }}",
      '»admin_password: "{{password}}"',
      "»smtp_password: !secret smtp_password",
      "»api_token: !Ref ApiToken",
      "»client_secret: ENC[AES256_GCM,data:{{fake:b64:24}},iv:{{fake:b64:16}},tag:{{fake:b64:22}},type:str]",
      '»oauth_secret: "<REDACTED>"',
      "»vault_secret: vault:secret/data/orders#password",
      "»api_key: null",
      "»auth: true",
      "»password_hash: $argon2id$v=19$m=65536,t=3,p=4${{fake:b64:22}}${{fake:b64:43}}",
      "»password: ''",
      "»secret_key_base: <%= ENV['SECRET_KEY_BASE'] %>",
    ],
  },
  {
    path: "web/src/components/LoginForm.tsx",
    lines: [
      "export function LoginForm() {",
      "  return (",
      "    <form>",
      '»      <input type="password" name="password" placeholder="Enter password" />',
      '»      <input name="api_key" value={apiKey} />',
      "    </form>",
      "  );",
      "}",
      '»const PASSWORD_PATTERN = "^(?=.*[A-Z])(?=.*\\d).{12,}$";',
      '»const session = { secret: "keyboard-cat", resave: false };',
      '»const sample = { api_key: "sk-1234567890abcdef1234567890abcdef" };',
      '»if (token === "undefined") return;',
      '»const labels = { password: "Contraseña", token: "Jeton" };',
    ],
  },
  {
    path: "app/services/auth.py",
    lines: [
      "import os, secrets",
      "»token = secrets.token_urlsafe(32)",
      "»password = None",
      "»pwd = os.getcwd()",
      "»api_key = settings.PARTNER_API_KEY",
      '»password = request.form["password"]',
      '»secret = get_secret("orders/db")',
      '»auth_header = f"Bearer {token}"',
    ],
  },
  {
    path: "scripts/bootstrap.sh",
    lines: [
      "#!/bin/sh",
      "»export DB_PASSWORD=$(cat /run/secrets/db_password)",
      '»export API_TOKEN="$1"',
      '»PGPASSWORD="${PGPASSWORD:?set it}" psql -h db -U app',
      '»echo "commit: {{fake:hex:40}} digest sha256:{{fake:hex:64}}"',
    ],
  },
  {
    path: "src/payments/__tests__/client.test.ts",
    lines: [
      'import { Client } from "../client.js";',
      "",
      '»const client = new Client({ apiKey: "test-api-key", secret: "fake-secret" });',
      '»const stripeKey = "sk_test_placeholder";',
    ],
  },
  {
    path: "web/checkout/index.html",
    lines: [
      '<script src="https://js.stripe.com/v3/"></script>',
      "»<script>const stripe = Stripe('pk_live_{{fake:alnum:99}}');</script>",
      '»<script src="https://cdn.acme.io/vendor.js" integrity="sha384-{{fake:b64:64}}" crossorigin="anonymous"></script>',
      '»<link rel="stylesheet" href="/app.css" integrity="sha256-{{fake:b64:43}}=">',
    ],
  },
  {
    path: "docs/aws/getting-started.md",
    lines: [
      "Configure the CLI with the example values from the AWS documentation:",
      "",
      "```ini",
      "[default]",
      "»aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      "»aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "```",
    ],
  },
  {
    path: "ansible/group_vars/prod/vault.yml",
    lines: [
      "db_user: orders",
      "»db_password: !vault |",
      "»  $ANSIBLE_VAULT;1.1;AES256",
      "»  {{fake:hex:80}}",
      "»  {{fake:hex:80}}",
      "»  {{fake:hex:80}}",
      "»  {{fake:hex:40}}",
      '»api_token: "{{ vault_api_token }}"',
    ],
  },
  {
    path: "helm/orders/templates/secret.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      '  name: {{ include "orders.fullname" . }}',
      "data:",
      "»  password: {{ .Values.postgresql.auth.password | b64enc | quote }}",
      '»  api-token: {{ required "apiToken is required" .Values.apiToken | b64enc }}',
      "»  session-secret: {{ randAlphaNum 32 | b64enc | quote }}",
    ],
  },
  {
    path: "k8s/worker-deployment.yaml",
    lines: [
      "          env:",
      "            - name: DB_PASSWORD",
      "              valueFrom:",
      "                secretKeyRef:",
      "                  name: orders-db",
      "»                  key: password",
      "          envFrom:",
      "            - secretRef:",
      "»                name: orders-api-token",
    ],
  },
  {
    path: "infra/modules/db/main.tf",
    lines: [
      'resource "aws_db_instance" "orders" {',
      "»  password = random_password.db.result",
      "»  master_password = data.aws_secretsmanager_secret_version.db.secret_string",
      "}",
      'provider "github" {',
      "»  token = var.github_token",
      "}",
      'module "monitoring" {',
      "»  api_key = local.datadog_api_key",
      "}",
    ],
  },
  {
    path: "src/main/java/com/acme/auth/LoginService.java",
    lines: [
      "package com.acme.auth;",
      "",
      "public class LoginService {",
      "»  private JPasswordField passwordField;",
      "»  String password = config.getPassword();",
      '»  char[] secret = console.readPassword("Password: ");',
      '»  conn.setPassword(props.getProperty("db.password"));',
      '»  String token = request.getHeader("X-Auth-Token");',
      "}",
    ],
  },
  {
    path: "db/migrations/0001_users.sql",
    lines: [
      "CREATE TABLE users (",
      "  id BIGSERIAL PRIMARY KEY,",
      "»  password VARCHAR(255) NOT NULL,",
      "»  password_hash VARCHAR(255) NOT NULL,",
      "»  api_token TEXT,",
      "»  reset_token_expires_at TIMESTAMPTZ",
      ");",
    ],
  },
  {
    path: "web/src/forms/login.ts",
    lines: [
      '»const passwordField = document.getElementById("password") as HTMLInputElement;',
      '»const tokenInput = form.elements.namedItem("token");',
      "»export const PASSWORD_MIN_LENGTH = 12;",
      '»if (!passwordField.value) showError(t("errors.password_required"));',
    ],
  },
  {
    path: "config/locales/en.yml",
    lines: [
      "en:",
      "  auth:",
      '»    password: "Password"',
      '»    forgot_password: "Forgot your password?"',
      '»    password_too_short: "Password must be at least %{count} characters"',
      '»    api_token: "API token"',
      '»    secret_question: "Secret question"',
    ],
  },
  {
    path: ".github/workflows/release.yml",
    lines: [
      "      - uses: actions/create-release@v1",
      "        with:",
      "»          token: ${{ secrets.GITHUB_TOKEN }}",
      "      - uses: docker/login-action@v3",
      "        with:",
      "          username: acmebot",
      "»          password: ${{ secrets.DOCKERHUB_TOKEN }}",
      "»      - uses: actions/setup-node@{{fake:hex:40}}",
    ],
  },
  {
    path: "deploy/ssh/authorized_keys",
    lines: [
      "»ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{{fake:b64:43}} ops@bastion",
      "»ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{{fake:b64:500}} deploy@ci",
      "»ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB{{fake:b64:87}}= monitor",
    ],
  },
  {
    path: "config/jwt.yaml",
    lines: [
      "issuer: https://auth.acme.io",
      "»public_key: |",
      "»  -----BEGIN PUBLIC KEY-----",
      "»  MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{{fake:b64:20}}",
      "»  {{fake:b64:64}}",
      "»  -----END PUBLIC KEY-----",
    ],
  },
  {
    path: "terraform/.terraform.lock.hcl",
    lines: [
      'provider "registry.terraform.io/hashicorp/aws" {',
      '  version = "5.31.0"',
      "  hashes = [",
      '»    "h1:{{fake:b64:43}}=",',
      '»    "zh:{{fake:hex:64}}",',
      "  ]",
      "}",
    ],
  },
  {
    path: "requirements.txt",
    lines: ["»requests==2.32.3 --hash=sha256:{{fake:hex:64}}", "»urllib3==2.2.2 --hash=sha256:{{fake:hex:64}}"],
  },
  {
    path: "docker/Dockerfile",
    lines: [
      "FROM debian:bookworm-slim@sha256:{{fake:hex:64}}",
      "»ARG NODE_SHA256={{fake:hex:64}}",
      "»ENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password",
      '»ENV MYSQL_RANDOM_ROOT_PASSWORD="yes"',
    ],
  },
  {
    path: "src/main/resources/application.yml",
    lines: [
      "spring:",
      "  datasource:",
      "»    password: ${DB_PASSWORD}",
      "»    hikari.data-source-properties.password: ENC({{fake:b64:44}})",
      "jwt:",
      "»  secret: ${JWT_SECRET:}",
    ],
  },
  {
    path: "go.mod",
    lines: ["module github.com/acme/orders", "", "»require github.com/acme/internal v0.0.0-20240611093012-{{fake:hex:12}}"],
  },
  {
    path: "config/azure.json",
    lines: [
      "{",
      '»  "tenantId": "{{fake:uuid}}",',
      '»  "clientId": "{{fake:uuid}}",',
      '»  "subscriptionId": "{{fake:uuid}}",',
      '»  "clientSecret": "${AZURE_CLIENT_SECRET}"',
      "}",
    ],
  },
  {
    path: "docs/api/authentication.md",
    lines: [
      "HTTP Basic authentication sends `user:password` in base64 (RFC 7617):",
      "",
      "```http",
      "»Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
      "»Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
      "»Authorization: Basic dXNlcjpwYXNzd29yZA==",
      "»Authorization: Bearer <access-token>",
      "```",
      "",
      "»Pass the token as `?access_token=${TOKEN}` or `?token={{token}}` when headers are not available.",
    ],
  },
  {
    path: "argocd/argocd-secret.yaml",
    lines: [
      "apiVersion: v1",
      "kind: Secret",
      "stringData:",
      "»  admin.password: $2a$10${{fake:chars:./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:53}}",
      "»  admin.passwordMtime: '2024-06-01T10:00:00Z'",
    ],
  },
  {
    path: "src/main/resources/ssl.properties",
    lines: [
      "server.ssl.key-store=classpath:keystore.p12",
      "»server.ssl.trust-store-password=changeit",
      "»javax.net.ssl.trustStorePassword=changeit",
      "server.ssl.key-store-type=PKCS12",
    ],
  },
  {
    path: "notebooks/exploration.ipynb",
    lines: [
      "{",
      ' "cells": [{ "cell_type": "code", "outputs": [{ "data": {',
      '»   "image/png": "iVBORw0KGgoAAAANSUhEUgAAAoAAAAHgCAYAAAA10dzk{{fake:b64:400}}",',
      '   "text/plain": ["<Figure size 640x480 with 1 Axes>"]',
      " } }] }]",
      "}",
    ],
  },
];

// ---------------------------------------------------------------------------------------------

function expandBlock(lines: string[], seed: string): { text: string; labeled: number[] } {
  const labeled: number[] = [];
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const marked = raw.startsWith("»");
    const expanded = expandFakes(marked ? raw.slice(1) : raw, `${seed}#${i}`);
    const start = out.length;
    out.push(...expanded.split("\n"));
    if (marked) for (let l = start; l < out.length; l++) labeled.push(l + 1);
  });
  return { text: `${out.join("\n")}\n`, labeled };
}

/** Contiguous runs of labeled lines become one label each (a PEM block is one secret). */
function labelRuns(path: string, labeled: number[], kind: LabelKind, families: string[], origin: string): CorpusLabel[] {
  const labels: CorpusLabel[] = [];
  const block =
    kind !== "negative" && labeled.length > 1 && labeled.every((l, i) => i === 0 || l === (labeled[i - 1] as number) + 1);
  if (block) {
    return [{ file: path, line: labeled[0] as number, endLine: labeled[labeled.length - 1] as number, kind, families, origin }];
  }
  for (const l of labeled) labels.push({ file: path, line: l, endLine: l, kind, families, origin });
  return labels;
}

function isBareToken(text: string): boolean {
  return !/[\s"'`=,;<>{}]/.test(text) && !text.includes(": ") && text.length >= 8 && text.length <= 400;
}

function examplePositives(rule: SecretRuleSpec): string[] {
  return rule.examples.positive.filter((e: RuleExample): e is string => typeof e === "string");
}

export interface BuildOptions {
  seed?: string;
  /** Plant every single-line positive example of provider rules (default true). */
  packExamples?: boolean;
}

export function buildCorpus(packs: LoadedPack[], options: BuildOptions = {}): Corpus {
  const seed = options.seed ?? "gitward-accuracy-corpus";
  const rnd = seededRandom(seed);
  const ruleIndex = new Map<string, { pack: string; spec: SecretRuleSpec }>();
  for (const pack of packs)
    for (const r of pack.rules) if (r.kind !== "config") ruleIndex.set(r.id, { pack: pack.name, spec: r as SecretRuleSpec });
  const familiesOf = (ids: string[]) => {
    const fams = ids.filter((id) => ruleIndex.has(id)).map((id) => ruleFamily(id, (ruleIndex.get(id) as { pack: string }).pack));
    return [...new Set(fams)];
  };

  const files: CorpusFile[] = [];
  const labels: CorpusLabel[] = [];
  const usedPaths = new Set<string>();
  const uniquePath = (path: string) => {
    let p = path;
    for (let n = 2; usedPaths.has(p); n++) p = path.replace(/(\.[^./]+)?$/, (ext) => `-${n}${ext}`);
    usedPaths.add(p);
    return p;
  };
  const addBlockFile = (path: string, lines: string[], kind: LabelKind, families: string[], origin: string) => {
    const p = uniquePath(path);
    const { text, labeled } = expandBlock(lines, `${seed}:${p}`);
    files.push({ path: p, text });
    labels.push(...labelRuns(p, labeled, kind, families, origin));
  };

  // 1. Key/value plants, spread over the syntaxes.
  const kvs: KV[] = [];
  for (const r of PROVIDER_RECIPES) {
    const families = familiesOf(r.rules);
    if (families.length === 0) continue; // that provider's rules are not written yet
    kvs.push({
      key: r.key,
      value: expandFakes(r.value, `${seed}:${r.key}:${kvs.length}`),
      kind: "provider",
      families,
      origin: r.rules[0] as string,
    });
  }
  for (const c of CREDENTIAL_KVS) {
    kvs.push({
      key: c.key,
      value: expandFakes(c.value, `${seed}:${c.key}:${kvs.length}`),
      kind: "credential",
      families: c.families,
      origin: c.key,
    });
  }
  if (options.packExamples !== false) {
    for (const [id, { pack, spec }] of ruleIndex) {
      if (NON_PROVIDER_PACKS.has(pack)) continue;
      examplePositives(spec)
        .slice(0, 2)
        .forEach((ex, i) => {
          const value = expandFakes(ex, `${seed}:example:${id}:${i}`);
          const families = [ruleFamily(id, pack)];
          if (value.includes("\n")) {
            const p = uniquePath(`examples/${id}-${i}.txt`);
            const text = `# sample ${id}\n${value}\n`;
            files.push({ path: p, text });
            labels.push({ file: p, line: 2, endLine: text.split("\n").length - 1, kind: "provider", families, origin: id });
          } else if (isBareToken(value)) {
            kvs.push({
              key: `${id.split("-")[0]}_${i === 0 ? "credential" : "key_material"}`,
              value,
              kind: "provider",
              families,
              origin: id,
            });
          } else {
            // Contextual example (the format includes its key or surrounding text): plant the line as written.
            const p = uniquePath(`examples/${ruleFamily(id, pack)}/${id}-${i}.conf`);
            files.push({ path: p, text: `# managed by the platform team\n${value}\n# end\n` });
            labels.push({ file: p, line: 2, endLine: 2, kind: "provider", families, origin: id });
          }
        });
    }
  }
  // Shuffle deterministically, then deal into files of each syntax (6 plants per file).
  for (let i = kvs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kvs[i], kvs[j]] = [kvs[j] as KV, kvs[i] as KV];
  }
  const perFile = 6;
  for (let f = 0; f * perFile < kvs.length; f++) {
    const syntax = SYNTAXES[f % SYNTAXES.length] as Syntax;
    const n = Math.floor(f / SYNTAXES.length);
    const b = new FileBuilder(uniquePath(syntax.path(n)));
    syntax.render(kvs.slice(f * perFile, (f + 1) * perFile), b);
    files.push(b.build());
    labels.push(...b.labels);
  }

  // 2. Contextual provider blocks, credential blocks, encoded secrets.
  for (const r of PROVIDER_BLOCKS) {
    const families = familiesOf(r.rules);
    if (families.length > 0) addBlockFile(r.path, r.lines, "provider", families, r.rules[0] as string);
  }
  for (const c of CREDENTIAL_BLOCKS) addBlockFile(c.path, c.lines, "credential", c.families, c.path);
  for (const e of ENCODED_BLOCKS) addBlockFile(e.path, e.lines, "encoded", e.families, e.path);

  // 3. Negatives: key/value look-alikes in every syntax, then whole-file look-alikes.
  const negKvs: KV[] = NEGATIVE_KVS.map((n, i) => ({
    key: n.key,
    value: expandFakes(n.value, `${seed}:neg:${i}`),
    kind: "negative",
    families: [],
    origin: `${n.key}=${n.value}`,
  }));
  SYNTAXES.forEach((syntax, s) => {
    // Each syntax gets a rotating window of negatives so every negative appears in several syntaxes.
    const picked = Array.from({ length: 8 }, (_, k) => negKvs[(s * 5 + k) % negKvs.length] as KV);
    const b = new FileBuilder(uniquePath(syntax.path(100 + s).replace(/(\.[^./]+)$/, ".defaults$1")));
    syntax.render(picked, b);
    files.push(b.build());
    labels.push(...b.labels);
  });
  for (const n of NEGATIVE_BLOCKS) addBlockFile(n.path, n.lines, "negative", [], n.path);

  return { files, labels };
}
