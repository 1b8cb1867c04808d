/**
 * Environment variables and command-line flags of containers (Compose,
 * Kubernetes, Dockerfile) that switch authentication or TLS off, or set a
 * well-known default credential.
 */
import type { RuleContext } from "../report.js";
import { isFalsy, isTruthy } from "../values.js";
import type { EnvVar } from "./containers.js";
import { containers } from "./containers.js";
import { isReference } from "./util.js";

interface EnvRule {
  name: RegExp;
  bad: (value: string) => boolean;
  fix: string;
}

const nonEmpty = (v: string) => v.trim() !== "";

const AUTH_OFF: EnvRule[] = [
  {
    name: /^POSTGRES_HOST_AUTH_METHOD$/i,
    bad: (v) => /^trust$/i.test(v.trim()),
    fix: "remove POSTGRES_HOST_AUTH_METHOD=trust and set POSTGRES_PASSWORD from a secret",
  },
  {
    name: /^(ALLOW_EMPTY_PASSWORD|[A-Z_]*_ALLOW_EMPTY_PASSWORD)$/i,
    bad: (v) => isTruthy(v),
    fix: "remove ALLOW_EMPTY_PASSWORD and set a password from a secret",
  },
  // The official MySQL/MariaDB images accept any non-empty value, even "no".
  {
    name: /^(MYSQL_ALLOW_EMPTY_PASSWORD|MARIADB_ALLOW_EMPTY_ROOT_PASSWORD|MARIADB_ALLOW_EMPTY_PASSWORD)$/i,
    bad: nonEmpty,
    fix: 'remove it (any non-empty value, even "no", enables it) and set MYSQL_ROOT_PASSWORD from a secret',
  },
  {
    name: /^xpack\.security\.enabled$/i,
    bad: isFalsy,
    fix: "set xpack.security.enabled=true and configure ELASTIC_PASSWORD from a secret",
  },
  {
    name: /^(DISABLE_SECURITY_PLUGIN|plugins\.security\.disabled)$/i,
    bad: isTruthy,
    fix: "keep the OpenSearch security plugin enabled",
  },
  { name: /^GF_AUTH_ANONYMOUS_ENABLED$/i, bad: isTruthy, fix: "disable anonymous access (GF_AUTH_ANONYMOUS_ENABLED=false)" },
  {
    name: /^(([A-Z0-9]+_)*DISABLE_AUTH(ENTICATION)?|([A-Z0-9]+_)*(NO|SKIP)_AUTH)$/i,
    bad: isTruthy,
    fix: "keep authentication enabled",
  },
  { name: /^([A-Z0-9]+_)*AUTH(ENTICATION)?_(ENABLED|REQUIRED)$/i, bad: isFalsy, fix: "keep authentication enabled" },
  {
    name: /^([A-Z0-9]+_)*(ARGS|OPTS|OPTIONS|EXTRA_FLAGS)$/i,
    bad: (v) => /--protected-mode[\s=]+no\b/i.test(v),
    fix: "remove --protected-mode no and set --requirepass",
  },
];

const TLS_OFF: EnvRule[] = [
  {
    name: /^NODE_TLS_REJECT_UNAUTHORIZED$/i,
    bad: (v) => v.trim() === "0",
    fix: "remove NODE_TLS_REJECT_UNAUTHORIZED=0 and trust the CA with NODE_EXTRA_CA_CERTS",
  },
  {
    name: /^(GIT_SSL_NO_VERIFY)$/i,
    bad: (v) => nonEmpty(v) && !isFalsy(v),
    fix: "remove GIT_SSL_NO_VERIFY and add the CA with http.sslCAInfo",
  },
  {
    name: /^PYTHONHTTPSVERIFY$/i,
    bad: (v) => v.trim() === "0",
    fix: "remove PYTHONHTTPSVERIFY=0 and install the CA certificate",
  },
  { name: /^(NPM_CONFIG_STRICT_SSL|YARN_STRICT_SSL)$/i, bad: isFalsy, fix: "keep strict-ssl on and set NPM_CONFIG_CAFILE" },
  { name: /^(PIP_TRUSTED_HOST)$/i, bad: nonEmpty, fix: "remove PIP_TRUSTED_HOST and use https with a trusted CA (PIP_CERT)" },
  {
    name: /^(CURL_INSECURE|INSECURE_SKIP_TLS_VERIFY|[A-Z_]*_TLS_SKIP_VERIFY|[A-Z_]*_SKIP_TLS_VERIFY|[A-Z_]*_INSECURE_SKIP_VERIFY)$/i,
    bad: isTruthy,
    fix: "verify TLS certificates",
  },
  { name: /^([A-Z_]*_SSL_VERIFY|[A-Z_]*_TLS_VERIFY|SSL_VERIFY|REQUESTS_VERIFY)$/i, bad: isFalsy, fix: "verify TLS certificates" },
];

/** A Compose `${VAR:-default}` is the value when VAR is unset: judge the default. */
function effective(value: string): string | undefined {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(value.trim());
  if (m) return m[1];
  return isReference(value) ? undefined : value;
}

function reportEnv(ctx: RuleContext, table: EnvRule[], what: string): void {
  for (const c of containers(ctx.doc, ctx.fileType)) {
    for (const e of c.env) {
      const v = effective(e.value);
      if (v === undefined) continue;
      const rule = table.find((r) => r.name.test(e.name));
      if (!rule?.bad(v)) continue;
      ctx.report({
        line: e.line,
        col: e.col,
        endCol: e.endCol,
        evidence: `${e.name}=${v}`,
        message: `${e.name}=${v} ${what}${c.name ? ` (${c.name})` : ""}: ${rule.fix}.`,
      });
    }
  }
}

export function containerEnvAuthDisabled(ctx: RuleContext): void {
  reportEnv(ctx, AUTH_OFF, "turns authentication off");
}

export function containerEnvTlsDisabled(ctx: RuleContext): void {
  reportEnv(ctx, TLS_OFF, "turns TLS certificate verification off");
}

/**
 * Well-known default or sample passwords that images, tutorials and docs use.
 * Checked only in variables that hold a password or secret key.
 */
const DEFAULT_PASSWORDS = new Set(
  [
    "postgres",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "admin",
    "administrator",
    "root",
    "toor",
    "changeme",
    "changeit",
    "minioadmin",
    "guest",
    "secret",
    "123456",
    "12345678",
    "1234",
    "example",
    "mysql",
    "redis",
    "rabbitmq",
    "mongo",
    "mongodb",
    "elastic",
    "elasticsearch",
    "default",
    "letmein",
    "qwerty",
    "pass",
    "test",
    "admin123",
    "jenkins",
    "sonar",
    "keycloak",
    "oracle",
    "sa",
    "demo",
    "welcome",
    "mariadb",
    "grafana",
    "airflow",
    "superset",
    "user",
    "pgpassword",
  ].map((s) => s.toLowerCase()),
);

const PASSWORD_VAR = /(PASSWORD|PASSWD|_PASS|_PWD|SECRET_KEY|SECRET|ROOT_PASSWORD|ACCESS_KEY|TOKEN)$/i;
/** Access keys/users that are themselves the default credential (MinIO). */
const DEFAULT_USERS: [RegExp, string][] = [[/^(MINIO_ROOT_USER|MINIO_ACCESS_KEY)$/i, "minioadmin"]];

export function containerDefaultCredentials(ctx: RuleContext): void {
  for (const c of containers(ctx.doc, ctx.fileType)) {
    for (const e of c.env) {
      const v = effective(e.value);
      if (v === undefined) continue;
      const isPasswordVar = PASSWORD_VAR.test(e.name) && !/_FILE$|_PATH$|_URL$|_HOST$/i.test(e.name);
      const defaultUser = DEFAULT_USERS.some(([n, val]) => n.test(e.name) && val === v.trim().toLowerCase());
      if (!defaultUser && !(isPasswordVar && DEFAULT_PASSWORDS.has(v.trim().toLowerCase()))) continue;
      report(ctx, e, v, c.name);
    }
  }
}

function report(ctx: RuleContext, e: EnvVar, v: string, container: string): void {
  // The secret is the value: point at it and mask it, not the variable's name (which tells the
  // reader what was found). `NAME=value`, `NAME: value` and `"NAME=value"` all have the value after the name.
  const text = ctx.doc.lines[e.line - 1] ?? "";
  const nameAt = text.indexOf(e.name, Math.max(0, e.col - 1));
  const valueAt = nameAt === -1 ? -1 : text.indexOf(v, nameAt + e.name.length);
  ctx.report({
    line: e.line,
    col: valueAt === -1 ? e.col : valueAt + 1,
    endCol: valueAt === -1 ? e.endCol : valueAt + 1 + v.length,
    evidence: v,
    sensitive: true,
    message: `${e.name} uses a well-known default credential${container ? ` (${container})` : ""}: anyone can guess it. Generate a strong password and inject it from a secret (Compose secrets, a Kubernetes Secret, an untracked .env file).`,
  });
}

/** `redis-server` started with flags that expose it without a password. */
export function redisServerFlags(ctx: RuleContext): void {
  for (const c of containers(ctx.doc, ctx.fileType)) {
    const words = c.words;
    const isRedis =
      words.some((w) => /redis-server|redis-stack-server/.test(w.text)) || /(^|\/)redis(-stack)?(:|$)/.test(c.image);
    if (!isRedis) continue;
    const text = words.map((w) => w.text).join(" ");
    if (/--requirepass[\s=]+\S|--aclfile/.test(text)) continue;
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as (typeof words)[number];
      const next = words[i + 1]?.text ?? "";
      const inline = /^--protected-mode=(no)$/i.exec(w.text);
      const protectedOff = (w.text === "--protected-mode" && /^no$/i.test(next)) || inline;
      const bindAll = w.text === "--bind" && /^(0\.0\.0\.0|\*|::)$/.test(next);
      // Inside a single string (`command: redis-server --protected-mode no`) the words share one position.
      const flagInString = /--protected-mode\s+no/i.test(w.text);
      if (!protectedOff && !bindAll && !flagInString) continue;
      const evidence = flagInString ? "--protected-mode no" : `${w.text}${inline ? "" : ` ${next}`}`;
      ctx.report({
        line: w.line,
        col: w.col,
        endCol: w.endCol,
        evidence,
        message: `redis-server runs with \`${evidence}\` and no --requirepass${c.name ? ` (${c.name})` : ""}: any client that reaches it gets full access. Drop the flag or add \`--requirepass\` from a secret, and publish the port on 127.0.0.1 only.`,
      });
    }
  }
}
