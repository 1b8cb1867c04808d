// biome-ignore-all lint/suspicious/noTemplateCurlyInString: samples are full of literal ${VAR} references.
/**
 * A labeled evaluation set for the long tail (issue 19, item 5): secrets that
 * are recognisable only by the service named next to them, the structured
 * stores (Jenkins, curl, Kubernetes, docker, NuGet, connection strings, Azure,
 * OpenVPN, GCP, redis.conf), and look-alike negatives in the same places.
 *
 * Written from format facts (a service's documented key length, alphabet and
 * prefix), never from the packs' own examples or other scanners' fixtures, and
 * generated at run time from `{{fake:...}}` recipes: the repository holds no
 * token. Each sample is one small file in a realistic syntax (logs, XML, YAML,
 * JSON, shell, Python, JavaScript, Go, Java, Ruby, Terraform, .env) with one
 * labeled line; outside test and documentation paths, so that the test-data
 * policy does not decide.
 *
 * Deterministic: the same seed gives the same samples.
 */
import { expandFakes, seededRandom } from "../../src/packs/fake-secrets.js";
import { MORE_SERVICES } from "./service-samples-more.js";

export interface Sample {
  path: string;
  text: string;
  /** The labeled line (1-based); `endLine` for multi-line secrets. */
  line: number;
  endLine: number;
  positive: boolean;
  /** Service family (positives) or look-alike kind (negatives). */
  family: string;
  /** The surrounding syntax / context class. */
  context: string;
}

/** A service: its display name, key names as written in code, and recipes of its key formats. */
interface ServiceSpec {
  family: string;
  name: string;
  /** Identifier stem: `twilio` → TWILIO_AUTH_TOKEN, twilio_auth_token, twilioAuthToken. */
  stem: string;
  /** Credential kinds with a recipe each: [suffix words, recipe]. */
  keys: [string, string][];
  /** Client construction for the call-argument context ({V} is the value). */
  client?: string;
  /** CLI name for the flag context. */
  cli?: string;
}

const UUID = "{{fake:uuid}}";

/** Key formats, from the providers' documentation (length, alphabet, prefix). */
const SERVICES: ServiceSpec[] = [
  {
    family: "twilio",
    name: "Twilio",
    stem: "twilio",
    keys: [
      ["auth token", "{{fake:hex:32}}"],
      ["api secret", "{{fake:alnum:32}}"],
    ],
    client: "const client = twilio('AC{{fake:hex:32}}', '{V}');",
  },
  {
    family: "hubspot",
    name: "HubSpot",
    stem: "hubspot",
    keys: [
      ["api key", UUID],
      ["access token", "pat-na1-{{fake:uuid}}"],
    ],
  },
  {
    family: "mapbox",
    name: "Mapbox",
    stem: "mapbox",
    keys: [
      ["access token", "pk.eyJ1Ijoi{{fake:b64url:20}}IiwiYSI6I{{fake:b64url:16}}.{{fake:b64url:22}}"],
      ["secret token", "sk.eyJ1Ijoi{{fake:b64url:20}}IiwiYSI6I{{fake:b64url:16}}.{{fake:b64url:22}}"],
    ],
    client: "mapboxgl.accessToken = '{V}';",
  },
  {
    family: "mixpanel",
    name: "Mixpanel",
    stem: "mixpanel",
    keys: [
      ["project token", "{{fake:hex:32}}"],
      ["api secret", "{{fake:hex:32}}"],
    ],
    client: "mixpanel.init('{V}', { debug: false });",
  },
  {
    family: "salesforce",
    name: "Salesforce",
    stem: "salesforce",
    keys: [
      ["consumer secret", "{{fake:HEX:64}}"],
      ["security token", "{{fake:alnum:25}}"],
    ],
  },
  {
    family: "launchdarkly",
    name: "LaunchDarkly",
    stem: "launchdarkly",
    keys: [
      ["sdk key", "sdk-{{fake:uuid}}"],
      ["api token", "api-{{fake:uuid}}"],
    ],
    client: "const ld = LaunchDarkly.init('{V}');",
  },
  {
    family: "linear",
    name: "Linear",
    stem: "linear",
    keys: [["api key", "lin_api_{{fake:alnum:40}}"]],
    client: "const linear = new LinearClient({ apiKey: '{V}' });",
  },
  {
    family: "newrelic",
    name: "New Relic",
    stem: "new relic",
    keys: [
      ["license key", "{{fake:hex:36}}NRAL"],
      ["insights key", "NRII-{{fake:b64url:32}}"],
      ["browser key", "NRJS-{{fake:hex:19}}"],
      ["user api key", "NRAK-{{fake:upperalnum:27}}"],
    ],
  },
  {
    family: "databricks",
    name: "Databricks",
    stem: "databricks",
    keys: [["token", "dapi{{fake:hex:32}}"]],
    cli: "databricks configure",
  },
  { family: "opsgenie", name: "Opsgenie", stem: "opsgenie", keys: [["api key", UUID]], cli: "opsgenie-lamp" },
  {
    family: "plaid",
    name: "Plaid",
    stem: "plaid",
    keys: [["secret", "{{fake:hex:30}}"]],
    client: "const plaid = new PlaidClient('{{fake:hex:24}}', '{V}');",
  },
  {
    family: "razorpay",
    name: "Razorpay",
    stem: "razorpay",
    keys: [
      ["key secret", "{{fake:alnum:24}}"],
      ["key id", "rzp_live_{{fake:alnum:14}}"],
    ],
  },
  {
    family: "docusign",
    name: "DocuSign",
    stem: "docusign",
    keys: [
      ["integration key", UUID],
      ["secret key", UUID],
    ],
  },
  {
    family: "twitch",
    name: "Twitch",
    stem: "twitch",
    keys: [
      ["client secret", "{{fake:loweralnum:30}}"],
      ["oauth token", "{{fake:loweralnum:30}}"],
    ],
  },
  { family: "youtube", name: "YouTube", stem: "youtube", keys: [["api key", "AIza{{fake:b64url:35}}"]] },
  {
    family: "trello",
    name: "Trello",
    stem: "trello",
    keys: [
      ["api key", "{{fake:hex:32}}"],
      ["token", "{{fake:hex:64}}"],
    ],
    client: "const trello = new Trello('{V}', process.env.TRELLO_TOKEN);",
  },
  { family: "zendesk", name: "Zendesk", stem: "zendesk", keys: [["api token", "{{fake:alnum:40}}"]] },
  {
    family: "wrike",
    name: "Wrike",
    stem: "wrike",
    keys: [["permanent token", "eyJ0dCI6InAiLCJhbGci{{fake:b64url:40}}.{{fake:b64url:60}}"]],
  },
  { family: "webex", name: "Webex", stem: "webex", keys: [["bot token", "{{fake:alnum:64}}_{{fake:upper:4}}_{{fake:uuid}}"]] },
  {
    family: "sendbird",
    name: "Sendbird",
    stem: "sendbird",
    keys: [["api token", "{{fake:hex:40}}"]],
    client: "const sb = SendBird.connect('{V}');",
  },
  {
    family: "pubnub",
    name: "PubNub",
    stem: "pubnub",
    keys: [
      ["secret key", "sec-c-{{fake:b64:48}}"],
      ["publish key", "pub-c-{{fake:uuid}}"],
    ],
  },
  {
    family: "pusher",
    name: "Pusher",
    stem: "pusher",
    keys: [
      ["app secret", "{{fake:hex:20}}"],
      ["app key", "{{fake:hex:20}}"],
    ],
    client: "const pusher = new Pusher('{V}', { cluster: 'eu' });",
  },
  { family: "mailgun", name: "Mailgun", stem: "mailgun", keys: [["api key", "{{fake:hex:32}}-{{fake:hex:8}}-{{fake:hex:8}}"]] },
  {
    family: "datadog",
    name: "Datadog",
    stem: "datadog",
    keys: [
      ["api key", "{{fake:hex:32}}"],
      ["app key", "{{fake:hex:40}}"],
    ],
    cli: "datadog-ci sourcemaps upload",
  },
  {
    family: "algolia",
    name: "Algolia",
    stem: "algolia",
    keys: [["admin api key", "{{fake:hex:32}}"]],
    client: "const client = algoliasearch('{{fake:upperalnum:10}}', '{V}');",
  },
  { family: "heroku", name: "Heroku", stem: "heroku", keys: [["api key", UUID]] },
  {
    family: "segment",
    name: "Segment",
    stem: "segment",
    keys: [["write key", "{{fake:alnum:32}}"]],
    client: "analytics.load('{V}');",
  },
  {
    family: "amplitude",
    name: "Amplitude",
    stem: "amplitude",
    keys: [
      ["api key", "{{fake:hex:32}}"],
      ["secret key", "{{fake:hex:32}}"],
    ],
  },
  { family: "intercom", name: "Intercom", stem: "intercom", keys: [["access token", "dG9rOj{{fake:b64:54}}="]] },
  { family: "okta", name: "Okta", stem: "okta", keys: [["api token", "00{{fake:b64url:40}}"]] },
  { family: "auth0", name: "Auth0", stem: "auth0", keys: [["client secret", "{{fake:b64url:64}}"]] },
  { family: "clickup", name: "ClickUp", stem: "clickup", keys: [["api token", "pk_{{fake:digits:8}}_{{fake:upperalnum:32}}"]] },
  { family: "airtable", name: "Airtable", stem: "airtable", keys: [["api key", "pat{{fake:alnum:14}}.{{fake:hex:64}}"]] },
  { family: "cloudinary", name: "Cloudinary", stem: "cloudinary", keys: [["api secret", "{{fake:b64url:27}}"]] },
  { family: "rollbar", name: "Rollbar", stem: "rollbar", keys: [["access token", "{{fake:hex:32}}"]] },
  {
    family: "bugsnag",
    name: "Bugsnag",
    stem: "bugsnag",
    keys: [["api key", "{{fake:hex:32}}"]],
    client: "Bugsnag.start({ apiKey: '{V}' });",
  },
  {
    family: "pagerduty",
    name: "PagerDuty",
    stem: "pagerduty",
    keys: [
      ["api token", "u+{{fake:b64url:18}}"],
      ["integration key", "{{fake:hex:32}}"],
    ],
  },
  { family: "contentful", name: "Contentful", stem: "contentful", keys: [["delivery token", "{{fake:b64url:43}}"]] },
  { family: "zoom", name: "Zoom", stem: "zoom", keys: [["client secret", "{{fake:alnum:32}}"]] },
  {
    family: "asana",
    name: "Asana",
    stem: "asana",
    keys: [["access token", "2/{{fake:digits:16}}/{{fake:digits:16}}:{{fake:hex:32}}"]],
  },
  { family: "smartsheet", name: "Smartsheet", stem: "smartsheet", keys: [["access token", "{{fake:alnum:37}}"]] },
  { family: "freshdesk", name: "Freshdesk", stem: "freshdesk", keys: [["api key", "{{fake:alnum:20}}"]] },
  { family: "mailchimp", name: "Mailchimp", stem: "mailchimp", keys: [["api key", "{{fake:hex:32}}-us{{fake:digits:2}}"]] },
  { family: "bitly", name: "Bitly", stem: "bitly", keys: [["access token", "{{fake:hex:40}}"]] },
  { family: "shodan", name: "Shodan", stem: "shodan", keys: [["api key", "{{fake:alnum:32}}"]], cli: "shodan init" },
  { family: "virustotal", name: "VirusTotal", stem: "virustotal", keys: [["api key", "{{fake:hex:64}}"]] },
  { family: "openweathermap", name: "OpenWeatherMap", stem: "openweathermap", keys: [["api key", "{{fake:hex:32}}"]] },
  { family: "etherscan", name: "Etherscan", stem: "etherscan", keys: [["api key", "{{fake:upperalnum:34}}"]] },
  { family: "coinmarketcap", name: "CoinMarketCap", stem: "coinmarketcap", keys: [["api key", UUID]] },
  { family: "onesignal", name: "OneSignal", stem: "onesignal", keys: [["rest api key", "{{fake:b64:48}}"]] },
];

/** Cases of a key name: TWILIO_AUTH_TOKEN, twilio_auth_token, twilioAuthToken, twilio-auth-token, TwilioAuthToken. */
function keyName(words: string[], style: "upper" | "snake" | "camel" | "kebab" | "pascal"): string {
  const parts = words.flatMap((w) => w.split(" ")).map((w) => w.toLowerCase());
  switch (style) {
    case "upper":
      return parts.join("_").toUpperCase();
    case "snake":
      return parts.join("_");
    case "kebab":
      return parts.join("-");
    case "camel":
      return parts.map((p, i) => (i === 0 ? p : p[0]?.toUpperCase() + p.slice(1))).join("");
    case "pascal":
      return parts.map((p) => p[0]?.toUpperCase() + p.slice(1)).join("");
  }
}

const LOG_TIME = "2026-11-0{{fake:digits:1}}T1{{fake:digits:1}}:2{{fake:digits:1}}:0{{fake:digits:1}}Z";

/** Class 1 contexts: a value V with the service named in the key or nearby. */
function serviceContexts(s: ServiceSpec, kind: string): { context: string; path: string; lines: string[]; at: number }[] {
  const k = [s.stem, kind];
  const upper = keyName(k, "upper");
  const snake = keyName(k, "snake");
  const camel = keyName(k, "camel");
  const kebab = keyName(k, "kebab");
  const flat = s.stem.replace(/ /g, "");
  const out = [
    { context: "dotenv", path: "deploy/prod.env", lines: ["NODE_ENV=production", `${upper}={V}`, "LOG_LEVEL=info"], at: 2 },
    {
      context: "yaml-nested",
      path: "config/integrations.yaml",
      lines: [`${flat}:`, "  enabled: true", `  ${keyName([kind], "snake")}: {V}`],
      at: 3,
    },
    {
      context: "json",
      path: "config/settings.json",
      lines: ["{", '  "region": "eu-west-1",', `  "${snake}": "{V}"`, "}"],
      at: 3,
    },
    { context: "python", path: "app/integrations.py", lines: ["import logging", "", `${snake.toUpperCase()} = "{V}"`], at: 3 },
    {
      context: "spaced-key",
      path: "app/config.rb",
      lines: ["# credentials for the sync job", `${flat} ${keyName([kind], "snake")} = '{V}'`],
      at: 2,
    },
    {
      context: "log",
      path: "var/log/sync-worker.log",
      lines: [
        `${LOG_TIME} INFO starting ${s.name} sync`,
        `${LOG_TIME} DEBUG Using API_KEY={V} for ${s.name}`,
        `${LOG_TIME} INFO done`,
      ],
      at: 2,
    },
    {
      context: "header",
      path: "scripts/check-api.sh",
      lines: ["#!/bin/sh", `curl -sS -H "X-${keyName([s.stem], "pascal")}-Key: {V}" https://api.${flat}.io/v2/status`],
      at: 2,
    },
    { context: "go", path: "internal/clients/client.go", lines: ["package clients", "", `const ${camel} = "{V}"`], at: 3 },
    {
      context: "properties",
      path: "src/main/resources/application.properties",
      lines: ["server.port=8080", `${flat}.${keyName([kind], "kebab")}={V}`],
      at: 2,
    },
    {
      context: "typescript",
      path: "src/services/config.ts",
      lines: ["export const config = {", `  ${camel}: "{V}",`, "};"],
      at: 2,
    },
    {
      context: "compose",
      path: "docker-compose.yml",
      lines: ["services:", "  worker:", "    environment:", `      - ${upper}={V}`],
      at: 4,
    },
    {
      context: "terraform",
      path: "infra/main.tf",
      lines: [`resource "${flat}_integration" "main" {`, `  ${keyName([kind], "snake")} = "{V}"`, "}"],
      at: 2,
    },
    {
      context: "flag",
      path: "ci/deploy.sh",
      lines: ["#!/bin/sh", `${s.cli ?? `${kebab.split("-")[0]}-cli push`} --api-key {V} --quiet`],
      at: 2,
    },
    {
      context: "java",
      path: "src/main/java/com/acme/Integrations.java",
      lines: ["class Integrations {", `  private static final String ${upper} = "{V}";`, "}"],
      at: 2,
    },
  ];
  if (s.client) {
    out.push({ context: "call-argument", path: "src/lib/clients.js", lines: [`// ${s.name}`, s.client], at: 2 });
  }
  return out;
}

/** Structured stores (classes 2-4): [family, context, path, lines, labeled line (or [from, to])]. */
type Structured = [string, string, string, string[], number | [number, number]];

function structuredPositives(): Structured[] {
  const pass = "{{fake:alnum:8}}-{{fake:alnum:6}}";
  const jenkinsSecret = "{AQAAABAAAA{{fake:chars:AQgw:1}}{{fake:b64:40}}{{fake:b64:20}}=}";
  const ovpn = [
    "-----BEGIN OpenVPN Static key V1-----",
    ...Array.from({ length: 16 }, () => "{{fake:hex:32}}"),
    "-----END OpenVPN Static key V1-----",
  ];
  return [
    [
      "jenkins",
      "credentials.xml",
      "var/jenkins_home/credentials.xml",
      [
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>",
        "  <id>deploy</id>",
        "  <username>deploy</username>",
        `  <password>${jenkinsSecret}</password>`,
        "</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>",
      ],
      4,
    ],
    [
      "jenkins",
      "job config.xml",
      "var/jenkins_home/jobs/release/config.xml",
      [
        "<project>",
        "  <hudson.plugins.git.UserRemoteConfig>",
        `    <secret>${jenkinsSecret}</secret>`,
        "  </hudson.plugins.git.UserRemoteConfig>",
        "</project>",
      ],
      3,
    ],
    [
      "jenkins",
      "apiToken",
      "jenkins/users/admin_1/config.xml",
      [
        "<user>",
        "  <jenkins.security.ApiTokenProperty>",
        `    <apiToken>${jenkinsSecret}</apiToken>`,
        "  </jenkins.security.ApiTokenProperty>",
        "</user>",
      ],
      3,
    ],
    ["jenkins", "master.key", "jenkins/secrets/master.key", ["{{fake:hex:256}}"], 1],
    [
      "curl",
      "curl -u",
      "scripts/publish.sh",
      ["#!/bin/sh", `curl -u deploy:${pass} -T build.zip https://nexus.acme-corp.io/repository/releases/`],
      2,
    ],
    [
      "curl",
      "curl --user",
      "scripts/trigger.sh",
      ["#!/bin/bash", `curl --user "ci-bot:${pass}" -X POST https://jenkins.acme-corp.io/job/build/build`],
      2,
    ],
    [
      "curl",
      "Basic header",
      "scripts/api.sh",
      [
        "#!/bin/sh",
        'curl -H "Authorization: Basic {{fake:b64of:svc-reports:{{fake:alnum:18}}}}" https://reports.acme-corp.io/api',
      ],
      2,
    ],
    [
      "curl",
      "Bearer header",
      "scripts/api.sh",
      ["#!/bin/sh", 'curl -H "Authorization: Bearer {{fake:alnum:48}}" https://api.acme-corp.io/v1/orders'],
      2,
    ],
    [
      "curl",
      "api-key header",
      "scripts/api.sh",
      ["#!/bin/sh", 'curl -H "X-API-Key: {{fake:alnum:40}}" https://api.acme-corp.io/v1/orders'],
      2,
    ],
    [
      "kubernetes",
      "Secret data",
      "k8s/app-secret.yaml",
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: app",
        "type: Opaque",
        "data:",
        "  password: {{fake:b64of:{{fake:alnum:20}}}}",
      ],
      7,
    ],
    [
      "kubernetes",
      "Secret stringData",
      "k8s/app-secret.yaml",
      ["apiVersion: v1", "kind: Secret", "metadata:", "  name: app", "stringData:", "  DB_PASSWORD: {{fake:alnum:20}}"],
      6,
    ],
    [
      "docker",
      "config.json auth",
      "ci/docker/config.json",
      [
        "{",
        '  "auths": {',
        '    "registry.acme-corp.io": {',
        '      "auth": "{{fake:b64of:ci-pusher:{{fake:alnum:24}}}}"',
        "    }",
        "  }",
        "}",
      ],
      4,
    ],
    [
      "nuget",
      "ClearTextPassword",
      "NuGet.Config",
      [
        "<configuration>",
        "  <packageSourceCredentials>",
        "    <acme>",
        '      <add key="Username" value="build" />',
        `      <add key="ClearTextPassword" value="${pass}" />`,
        "    </acme>",
        "  </packageSourceCredentials>",
        "</configuration>",
      ],
      5,
    ],
    [
      "database",
      "JDBC",
      "src/main/resources/db.properties",
      [`db.url=jdbc:mysql://db.acme-corp.io:3306/orders?user=orders&password=${pass}`],
      1,
    ],
    [
      "database",
      "JDBC postgres",
      "config/datasource.yml",
      [`url: jdbc:postgresql://pg.acme-corp.io:5432/app?user=app&password=${pass}`],
      1,
    ],
    [
      "database",
      "ODBC",
      "etl/connection.ini",
      [
        `conn = Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql.acme-corp.io,1433;Database=dw;Uid=etl;Pwd=${pass};Encrypt=yes;`,
      ],
      1,
    ],
    [
      "database",
      "ADO.NET",
      "src/Web/appsettings.json",
      [
        "{",
        '  "ConnectionStrings": {',
        `    "Default": "Server=sql.acme-corp.io;Database=Shop;User Id=shop;Password=${pass};"`,
        "  }",
        "}",
      ],
      3,
    ],
    ["database", "LDAP", "config/ldap.yml", [`url: ldaps://cn=binder,dc=acme,dc=io:${pass}@ldap.acme-corp.io:636`], 1],
    ["database", "RabbitMQ", "config/broker.env", [`AMQP_URL=amqp://orders:${pass}@mq.acme-corp.io:5672/prod`], 1],
    ["database", "Redis URI", "config/cache.env", [`REDIS_URL=redis://:${pass}@cache.acme-corp.io:6379/0`], 1],
    [
      "database",
      "Couchbase",
      "config/cb.py",
      [`cluster = Cluster("couchbase://cb.acme-corp.io", username="app", password="${pass}")`],
      1,
    ],
    ["database", "MongoDB", "config/mongo.env", [`MONGO_URI=mongodb+srv://app:${pass}@cluster0.acme-corp.io/app`], 1],
    [
      "azure",
      "AccountKey",
      "src/Api/appsettings.json",
      [
        "{",
        `  "Storage": "DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={{fake:b64:86}}==;EndpointSuffix=core.windows.net"`,
        "}",
      ],
      2,
    ],
    [
      "azure",
      "SharedAccessSignature",
      "config/storage.env",
      [
        "STORAGE=BlobEndpoint=https://acmedata.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2027-01-01T00:00:00Z&sig={{fake:alnum:43}}%3D",
      ],
      1,
    ],
    ["openvpn", "static key", "vpn/ta.key", ovpn, [1, 18]],
    [
      "gcp",
      "service account JSON",
      "deploy/gcp-sa.json",
      [
        "{",
        '  "type": "service_account",',
        '  "project_id": "acme-prod",',
        '  "private_key_id": "{{fake:hex:40}}",',
        '  "private_key": "-----BEGIN PRIVATE KEY-----\\n{{fake:b64:64}}\\n{{fake:b64:64}}\\n-----END PRIVATE KEY-----\\n",',
        '  "client_email": "deploy@acme-prod.iam.gserviceaccount.com"',
        "}",
      ],
      [4, 5],
    ],
    ["redis", "requirepass", "redis/redis.conf", ["bind 0.0.0.0", "port 6379", `requirepass ${pass}`], 3],
    ["redis", "masterauth", "redis/replica.conf", ["replicaof 10.0.0.5 6379", `masterauth ${pass}`], 2],
    ["redis", "ACL user", "redis/users.acl", [`user app on >${pass} ~app:* +@read +@write`], 1],
    ["database", "Jenkins env password", "jenkins/casc.env", [`JENKINS_ADMIN_PASSWORD=${pass}`], 1],
    [
      "database",
      "spring datasource",
      "src/main/resources/application.yml",
      ["spring:", "  datasource:", "    username: app", `    password: ${pass}`],
      4,
    ],
  ];
}

/** Look-alike values for a credential key, by kind: none of them is a secret. */
const LOOKALIKE_VALUES: [string, string][] = [
  ["placeholder", "<your-{stem}-key>"],
  ["placeholder", "YOUR_{STEM}_API_KEY"],
  ["placeholder", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  ["placeholder", "REPLACE_WITH_YOUR_TOKEN"],
  ["placeholder", "changeme"],
  ["reference", "${{STEM}_API_KEY}"],
  ["reference", "$$REDIS_PASSWORD"],
  ["reference", "{{ .Values.{stem}.apiKey }}"],
  ["reference", "%({stem}_token)s"],
  ["version", "4.1{{fake:digits:1}}.{{fake:digits:1}}"],
  ["version", "v2.{{fake:digits:1}}.0-rc.1"],
  ["url", "https://api.{stem}.io/v1/oauth/token"],
  ["path", "/etc/{stem}/api-key.txt"],
  ["path", "./secrets/{stem}.key"],
  ["word", "Container"],
  ["word", "enabled"],
  ["slug", "{stem}-cluster-1"],
  ["identifier", "ApiKeyAuthenticationHandler"],
  ["pattern", "abcdefghijklmnopqrstuvwxyz123456"],
  ["pattern", "1111111111111111111111111111"],
  ["pattern", "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4"],
];

/** Look-alikes whose key says what they are (ids, hashes, nonces): [kind, key suffix, value]. */
const KEYED_LOOKALIKES: [string, string, string][] = [
  ["uuid-id", "account id", UUID],
  ["uuid-id", "request id", UUID],
  ["uuid-id", "app id", UUID],
  ["hash", "commit sha", "{{fake:hex:40}}"],
  ["hash", "checksum", "sha256:{{fake:hex:64}}"],
  ["hash", "content md5", "{{fake:hex:32}}"],
  ["hash", "etag", "{{fake:hex:32}}"],
  ["csrf", "csrf token", "{{fake:alnum:40}}"],
  ["nonce", "nonce", "{{fake:b64:22}}"],
  ["nonce", "oauth state", "{{fake:alnum:32}}"],
  ["salt", "password salt", "{{fake:b64:24}}"],
  ["cache-key", "cache key", "v1-deps-{{fake:hex:40}}"],
  ["key-id", "public key id", "{{fake:hex:40}}"],
];

/** Look-alikes in files and lines of their own. */
function standaloneNegatives(): Structured[] {
  return [
    [
      "lockfile-integrity",
      "package.json integrity",
      "web/package.json.snapshot",
      ['  "integrity": "sha512-{{fake:b64:86}}=="'],
      1,
    ],
    [
      "lockfile-integrity",
      "yarn resolved",
      "web/deps.txt",
      ['  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#{{fake:hex:40}}"'],
      1,
    ],
    ["git-sha", "GitHub API JSON", "fixtures-data/commit.json", ['  "sha": "{{fake:hex:40}}",'], 1],
    ["git-sha", "CI env", "ci/build.env", ["GIT_COMMIT={{fake:hex:40}}"], 1],
    ["csrf", "meta tag", "templates/layout.html", ['<meta name="csrf-token" content="{{fake:b64:43}}=">'], 1],
    ["nonce", "script nonce", "templates/page.html", ['<script nonce="{{fake:b64:22}}==" src="/app.js"></script>'], 1],
    [
      "tomcat",
      "auth attribute",
      "conf/context.xml",
      ['  <Resource name="jdbc/App" auth="Container" type="javax.sql.DataSource" maxTotal="20"/>'],
      1,
    ],
    ["checksum-map", "path-keyed digest", "roles/base/vars/checksums.yml", ["  /etc/pam.d/common-auth: {{fake:hex:64}}"], 1],
    ["checksum-map", "path-keyed digest", "roles/base/vars/checksums.yml", ["  files/htpasswd: {{fake:hex:40}}"], 1],
    ["slug", "etcd token", "etcd/etcd.env", ["ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1"], 1],
    ["reference", "compose escaped", "docker-compose.yml", ["      - REDISCLI_AUTH=$$REDIS_PASSWORD"], 1],
    ["anonymous-ftp", "ftp", "ftp/mount.env", ["ftpfs_password=anonymous@"], 1],
    [
      "template",
      "commented Secret",
      "k8s/secret.example.yaml",
      ["# kind: Secret", "# data:", "#   password: <base64-password>"],
      3,
    ],
    [
      "public-key",
      "ssh public key",
      "config/deploy.yml",
      ["deploy_public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{{fake:b64:43}} ci@acme"],
      1,
    ],
    ["gpg-key-id", "signing key id", "ci/sign.env", ["KEY=13B6F51E{{fake:HEX:8}}"], 1],
    ["image", "data URI", "src/icons.ts", ['export const iconKey = "data:image/png;base64,iVBORw0KGgo{{fake:b64:60}}";'], 1],
    ["jenkins", "empty/ref password", "var/jenkins_home/credentials.xml", ["  <password>${DEPLOY_PASSWORD}</password>"], 1],
    [
      "curl",
      "curl with variables",
      "scripts/publish.sh",
      ['curl -u "$NEXUS_USER:$NEXUS_PASS" -T build.zip https://nexus.acme-corp.io/r/'],
      1,
    ],
    ["curl", "bearer variable", "scripts/api.sh", ['curl -H "Authorization: Bearer $API_TOKEN" https://api.acme-corp.io/v1'], 1],
    ["kubernetes", "placeholder data", "k8s/secret.yaml", ["kind: Secret", "data:", "  password: {{fake:b64of:changeme}}"], 3],
    [
      "database",
      "password from env",
      "config/db.properties",
      ["db.url=jdbc:mysql://db.acme-corp.io:3306/orders?user=orders&password=${DB_PASSWORD}"],
      1,
    ],
    ["database", "no password", "config/cache.env", ["REDIS_URL=redis://cache.acme-corp.io:6379/0"], 1],
    ["version", "api version", "config/stripe.yml", ["stripe_api_version: 2024-06-20"], 1],
    ["uuid-id", "tenant id", "config/azure.env", ["AZURE_TENANT_ID={{fake:uuid}}"], 1],
  ];
}

const STYLES_FOR_VALUES: ((stem: string, kind: string) => { path: string; lines: string[]; at: number })[] = [
  (stem, kind) => ({ path: "deploy/app.env", lines: ["APP_ENV=prod", `${keyName([stem, kind], "upper")}={V}`], at: 2 }),
  (stem, kind) => ({ path: "config/app.json", lines: ["{", `  "${keyName([stem, kind], "snake")}": "{V}"`, "}"], at: 2 }),
  (stem, kind) => ({
    path: "config/app.yaml",
    lines: [`${stem.replace(/ /g, "")}:`, `  ${keyName([kind], "snake")}: {V}`],
    at: 2,
  }),
  (stem, kind) => ({ path: "app/settings.py", lines: ["import os", `${keyName([stem, kind], "upper")} = "{V}"`], at: 2 }),
  (stem, kind) => ({
    path: "src/config.ts",
    lines: ["export default {", `  ${keyName([stem, kind], "camel")}: "{V}",`, "};"],
    at: 2,
  }),
];

/** Builds every sample. */
export function buildServiceSamples(seed = "gitward-service-samples"): Sample[] {
  const rnd = seededRandom(seed);
  const samples: Sample[] = [];
  let n = 0;
  const add = (
    positive: boolean,
    family: string,
    context: string,
    path: string,
    lines: string[],
    at: number | [number, number],
  ) => {
    const id = n++;
    const text = expandFakes(`${lines.join("\n")}\n`, `${seed}#${id}`);
    const [line, endLine] = Array.isArray(at) ? at : [at, at];
    // Each sample is its own file: a numbered directory keeps paths unique and realistic.
    const dir = `s${String(id).padStart(4, "0")}`;
    samples.push({ path: `${dir}/${path}`, text, line, endLine, positive, family, context });
  };
  for (const s of SERVICES) {
    for (const [kind, recipe] of s.keys) {
      for (const c of serviceContexts(s, kind)) {
        const lines = c.lines.map((l) => l.replace("{V}", recipe));
        add(true, s.family, c.context, c.path, lines, c.at);
      }
    }
  }
  for (const [family, context, path, lines, at] of structuredPositives()) {
    // Three variants of each structured shape (different random values).
    for (let i = 0; i < 3; i++) add(true, family, context, path, lines, at);
  }
  // Look-alikes in the same credential contexts, for every service (a few styles each).
  for (const s of SERVICES) {
    const stem = s.stem;
    const flat = stem.replace(/ /g, "");
    const kind = s.keys[0]?.[0] ?? "api key";
    for (const [lookalike, raw] of LOOKALIKE_VALUES) {
      const style = STYLES_FOR_VALUES[Math.floor(rnd() * STYLES_FOR_VALUES.length)] as (typeof STYLES_FOR_VALUES)[number];
      const value = raw.replace(/\{stem\}/g, flat).replace(/\{STEM\}/g, flat.toUpperCase());
      const { path, lines, at } = style(stem, kind);
      add(
        false,
        lookalike,
        "credential key",
        path,
        lines.map((l) => l.replace("{V}", value)),
        at,
      );
    }
    for (const [lookalike, keyKind, recipe] of KEYED_LOOKALIKES) {
      const style = STYLES_FOR_VALUES[Math.floor(rnd() * STYLES_FOR_VALUES.length)] as (typeof STYLES_FOR_VALUES)[number];
      const { path, lines, at } = style(stem, keyKind);
      add(
        false,
        lookalike,
        "keyed look-alike",
        path,
        lines.map((l) => l.replace("{V}", recipe)),
        at,
      );
    }
  }
  for (const [family, context, path, lines, at] of standaloneNegatives()) {
    for (let i = 0; i < 4; i++) add(false, family, context, path, lines, at);
  }
  // The long tail of session 2's keyword-anchored packs: each service in a third of the contexts
  // (rotating, so every context is used), with a mask of its own format and two other look-alikes.
  MORE_SERVICES.forEach(([family, name, stem, kind, recipe], i) => {
    const spec: ServiceSpec = { family, name, stem, keys: [[kind, recipe]] };
    serviceContexts(spec, kind).forEach((c, k) => {
      if (k % 3 !== i % 3) return;
      add(
        true,
        family,
        c.context,
        c.path,
        c.lines.map((l) => l.replace("{V}", recipe)),
        c.at,
      );
    });
    const flat = stem.replace(/ /g, "");
    const [valueKind, value] = LOOKALIKE_VALUES[i % LOOKALIKE_VALUES.length] as [string, string];
    const [keyedKind, keyedKey, keyedValue] = KEYED_LOOKALIKES[i % KEYED_LOOKALIKES.length] as [string, string, string];
    const lookalikes: [string, string, string, string][] = [
      ["format-mask", "credential key", kind, maskOf(recipe)],
      [valueKind, "credential key", kind, value],
      [keyedKind, "keyed look-alike", keyedKey, keyedValue],
    ];
    lookalikes.forEach(([lookalike, context, keyKind, raw], t) => {
      const v = raw.replace(/\{stem\}/g, flat).replace(/\{STEM\}/g, flat.toUpperCase());
      const style = STYLES_FOR_VALUES[(i + t) % STYLES_FOR_VALUES.length] as (typeof STYLES_FOR_VALUES)[number];
      const { path, lines, at } = style(stem, keyKind);
      add(
        false,
        lookalike,
        context,
        path,
        lines.map((l) => l.replace("{V}", v)),
        at,
      );
    });
  });
  for (const [family, context, path, lines, at] of formatPositives()) {
    for (let i = 0; i < 2; i++) add(true, family, context, path, lines, at);
  }
  for (const [family, context, path, lines, at] of formatNegatives()) {
    for (let i = 0; i < 2; i++) add(false, family, context, path, lines, at);
  }
  return samples;
}

/** Session 2's prefix and framework formats (formats-more pack), in the files they live in. */
function formatPositives(): Structured[] {
  const b32 = "{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:56}}";
  const dj = "{{fake:chars:abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+):50}}";
  return [
    [
      "circle",
      "env",
      "payments/.env.production",
      ["CIRCLE_ENV=production", "CIRCLE_KEY=LIVE_API_KEY:{{fake:hex:32}}:{{fake:hex:32}}"],
      2,
    ],
    [
      "quicknode",
      "config URL",
      "config/chains.ts",
      ['  solana: "https://misty-pond-2931.solana-mainnet.quiknode.pro/{{fake:hex:40}}/",'],
      1,
    ],
    ["mapillary", "JS const", "src/map/street.js", ["const MLY_TOKEN = 'MLY|{{fake:digits:16}}|{{fake:hex:32}}';"], 1],
    ["arcgis", "JS config", "src/map/esri.js", ['esriConfig.apiKey = "AAPK{{fake:b64url:100}}";'], 1],
    ["turbopuffer", "python", "search/index.py", ['tpuf.api_key = "tpuf_{{fake:alnum:40}}"'], 1],
    [
      "zeptomail",
      "header",
      "mail/send.sh",
      ['curl -H "Authorization: Zoho-enczapikey {{fake:b64:120}}==" https://api.zeptomail.com/v1.1/email'],
      1,
    ],
    ["vk", "yaml", "bots/vk.yml", ["vk:", "  group_id: 21838127", "  token: vk1.a.{{fake:b64url:180}}"], 3],
    ["plane", "env", "tools/sync.env", ["PLANE_WORKSPACE=acme", "PLANE_API_KEY=plane_api_{{fake:hex:32}}"], 2],
    ["miro", "json", "integrations/miro.json", ['{ "accessToken": "eyJtaXJvLm9yaWdpbiI6ImV1MDEifQ_{{fake:b64url:27}}" }'], 1],
    ["codesandbox", "ts", "scripts/preview.ts", ['const sdk = new CodeSandbox("csb_v1_{{fake:b64url:43}}");'], 1],
    [
      "materialize",
      "psql",
      "ops/connect.sh",
      ["PGPASSWORD=mzp_{{fake:hex:64}} psql -h eu.aws.materialize.cloud -U svc@acme.io materialize"],
      1,
    ],
    ["edgedb", "env", "deploy/edgedb.env", ["EDGEDB_INSTANCE=acme/prod", "EDGEDB_SECRET_KEY=nbwt_{{fake:jwt}}"], 2],
    ["nats", "creds file", "nats/ci.creds", ["-----BEGIN USER NKEY SEED-----", `SU${b32}`, "------END USER NKEY SEED------"], 2],
    ["perforce", "shell", "ci/p4-sync.sh", ["export P4PORT=ssl:perforce.acme.io:1666", "export P4PASSWD={{fake:HEX:32}}"], 2],
    ["django", "settings", "acme/settings.py", ["from pathlib import Path", `SECRET_KEY = '${dj}'`, "DEBUG = False"], 2],
    ["flask", "app", "web/app.py", ["app = Flask(__name__)", "app.secret_key = '{{fake:hex:32}}'"], 2],
    ["symfony", ".env", ".env", ["###> symfony/framework-bundle ###", "APP_ENV=prod", "APP_SECRET={{fake:hex:32}}"], 3],
    ["phoenix", "prod.exs", "config/prod.exs", ["config :shop, ShopWeb.Endpoint,", '  secret_key_base: "{{fake:b64:64}}"'], 2],
    ["drupal", "settings.php", "web/sites/default/settings.php", ["$settings['hash_salt'] = '{{fake:b64url:74}}';"], 1],
    ["magento", "env.php", "app/etc/env.php", ["    'crypt' => [", "        'key' => '{{fake:hex:32}}'", "    ],"], 2],
    [
      "joomla",
      "configuration.php",
      "configuration.php",
      ["<?php", "class JConfig {", "\tpublic $secret = '{{fake:alnum:16}}';"],
      3,
    ],
    [
      "airflow",
      "compose",
      "docker-compose.yaml",
      ["    environment:", "      AIRFLOW__CORE__FERNET_KEY: '{{fake:b64url:43}}='"],
      2,
    ],
    ["hasura", "compose", "docker-compose.yml", ["    environment:", "      HASURA_GRAPHQL_ADMIN_SECRET: {{fake:alnum:32}}"], 2],
    ["parse", "env", "server/.env", ["PARSE_SERVER_APPLICATION_ID=acme", "PARSE_SERVER_MASTER_KEY={{fake:alnum:40}}"], 2],
    ["authjs", "env", "web/.env.production", ["NEXTAUTH_URL=https://app.acme.io", "NEXTAUTH_SECRET={{fake:b64:43}}="], 2],
    ["keap", "php", "crm/keap.php", ["$client = new Keap\\Client('KeapAK-{{fake:alnum:48}}');"], 1],
  ];
}

/** Look-alikes of those formats: secrets read from the environment, public halves, masks. */
function formatNegatives(): Structured[] {
  return [
    ["reference", "django env", "acme/settings.py", ["SECRET_KEY = os.environ['DJANGO_SECRET_KEY']"], 1],
    ["reference", "flask env", "web/app.py", ["app.secret_key = os.environ.get('SECRET_KEY')"], 1],
    [
      "public-key",
      "nats public nkey",
      "nats/users.conf",
      ["  { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }"],
      1,
    ],
    ["placeholder", "symfony empty", ".env", ["###> symfony/framework-bundle ###", "APP_SECRET="], 2],
    [
      "placeholder",
      "circle mask",
      "payments/.env.example",
      ["CIRCLE_KEY=LIVE_API_KEY:{{fake:chars:0:32}}:{{fake:chars:0:32}}"],
      1,
    ],
    ["reference", "hasura env", "docker-compose.yml", ["      HASURA_GRAPHQL_ADMIN_SECRET: ${HASURA_ADMIN_SECRET}"], 1],
    ["url", "quicknode docs", "docs-site/rpc.md.txt", ["See https://www.quicknode.com/docs/solana for endpoints."], 1],
    ["hash", "magento empty", "app/etc/env.php", ["    'crypt' => [", "        'key' => ''", "    ],"], 2],
  ];
}

/** The same format with no randomness: what a documentation mask or a typed stand-in looks like. */
function maskOf(recipe: string): string {
  const masks: Record<string, string> = { hex: "0", HEX: "0", digits: "0", b64: "A", b64url: "A", lower: "x" };
  return recipe
    .replace(/\{\{fake:uuid\}\}/g, "00000000-0000-0000-0000-000000000000")
    .replace(/\{\{fake:jwt\}\}/g, "eyJ{{fake:chars:A:36}}.{{fake:chars:A:48}}.{{fake:chars:A:43}}")
    .replace(/\{\{fake:chars:[^:}]+:(\d+)\}\}/g, (_, n: string) => `{{fake:chars:z:${n}}}`)
    .replace(/\{\{fake:(\w+):(\d+)\}\}/g, (_, kind: string, n: string) => `{{fake:chars:${masks[kind] ?? "X"}:${n}}}`);
}
