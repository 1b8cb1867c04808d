/**
 * The service-aware generic detector: the service-name data (validation with
 * file, line and field; word matching), the value and key judgement, and the
 * rules end to end through the real engine with exact findings.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { providerContextNoiseReason } from "../../src/detectors/context-noise.js";
import { keyNoiseReason, randomPart, tokenShapeReason } from "../../src/detectors/service-context.js";
import { builtinServiceNames, SERVICES_FILE, words } from "../../src/detectors/service-names.js";
import { parseServiceNames } from "../../src/detectors/service-names-file.js";
import { scan } from "../../src/index.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { tempDir } from "../helpers/temp-repo.js";

describe("service names", () => {
  it("the built-in file is valid and large", () => {
    const names = parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
    expect(names.services.length).toBeGreaterThan(1200);
    expect(names.services.reduce((n, s) => n + s.aliases.length, 0)).toBeGreaterThan(400);
  });

  it("the build's cache looks names up exactly as the YAML does (its precomputed index included)", () => {
    const parsed = parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
    const cached = builtinServiceNames();
    expect(cached.services).toEqual(parsed.services);
    // Every name and alias of every service, in a key and in running text, finds the same service.
    for (const s of parsed.services) {
      for (const name of [s.name, s.id, ...s.aliases]) {
        for (const text of [`${name}_api_key`, `the ${name} token`]) {
          expect(cached.find(text, true)?.id, text).toBe(parsed.find(text, true)?.id);
          expect(cached.find(text)?.id, text).toBe(parsed.find(text)?.id);
        }
      }
    }
  });

  it("matches whole words across identifier styles, never inside words", () => {
    const names = builtinServiceNames();
    expect(words("NEW_RELIC_LICENSE_KEY")).toEqual(["new", "relic", "license", "key"]);
    expect(words("hubspotApiKey")).toEqual(["hubspot", "api", "key"]);
    expect(names.find("NEW_RELIC_LICENSE_KEY")?.name).toBe("New Relic");
    expect(names.find("newRelicKey")?.name).toBe("New Relic");
    expect(names.find("X-Mixpanel-Key")?.name).toBe("Mixpanel");
    expect(names.find("monkey = donkey")).toBeUndefined();
    // Everyday words name a service only inside the key itself.
    expect(names.find("the linear model")).toBeUndefined();
    expect(names.find("LINEAR_API_KEY", true)?.name).toBe("Linear");
  });

  it("a broken entry is an error naming file, line and field", () => {
    const bad = (text: string) => () => parseServiceNames("patterns/services/x.yaml", text);
    expect(bad("services:\n  - { id: ok, name: Ok }\n  - { id: Bad_Id, name: X }\n")).toThrow(
      'patterns/services/x.yaml:3: services[1].id: expected a kebab-case id, got "Bad_Id"',
    );
    expect(bad("services:\n  - { id: a, name: A }\n  - id: a\n    name: B\n")).toThrow(
      'patterns/services/x.yaml:3: services[1].id: duplicate id "a" (first at services[0])',
    );
    expect(bad("services:\n  - id: a\n    name: A\n    aliases: [ok, '']\n")).toThrow(
      'patterns/services/x.yaml:4: services[0].aliases[1]: expected a name, got ""',
    );
    expect(bad("services:\n  - id: a\n    name: A\n    url: https://a.io\n")).toThrow(
      "patterns/services/x.yaml:4: services[0].url: unknown field (id, name, aliases, uuidKeys)",
    );
    expect(bad("services:\n  - id: a\n")).toThrow("patterns/services/x.yaml:2: services[0].name: expected the service's name");
    expect(bad("services: {}\n")).toThrow("patterns/services/x.yaml:1: services: expected a list of services");
    expect(bad("services:\n  - id: a\n    name: A\n    uuidKeys: yes\n")).toThrow(
      'patterns/services/x.yaml:4: services[0].uuidKeys: expected true or false, got "yes"',
    );
  });
});

describe("the build's service-name cache", () => {
  it("a cache older than services.yaml stops the scan (exit 2, naming both files) instead of naming services unvalidated", () => {
    // A copy of the package whose services.yaml is newer than dist/service-names.json (edited after the build).
    const root = join(import.meta.dirname, "..", "..");
    const pkg = tempDir("gitward-pkg-");
    for (const part of ["bin", "dist", "patterns", "package.json"])
      cpSync(join(root, part), join(pkg, part), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"));
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(pkg, "patterns/services/services.yaml"), later, later);
    const dir = tempDir("gitward-stale-services-");
    writeFileSync(join(dir, "a.js"), `const mixpanelApiKey = "${expandFakes("{{fake:alnum:40}}", "stale-cache")}";\n`);
    const run = (bin: string) =>
      spawnSync(process.execPath, [bin, "scan", "a.js"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, GITWARD_CACHE_DIR: "" },
      });
    try {
      const fresh = run(join(root, "bin/gitward.cjs"));
      expect(fresh.status, fresh.stderr).toBe(1);
      expect(fresh.stdout).toContain("service-credential-assignment");
      const stale = run(join(pkg, "bin/gitward.cjs"));
      expect(stale.status).toBe(2);
      expect(stale.stderr).toContain(
        `${join(pkg, "dist/service-names.json")} is missing or older than ${join(pkg, "patterns/services/services.yaml")}`,
      );
    } finally {
      rmSync(pkg, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("value and key judgement", () => {
  const f = (recipe: string) => expandFakes(recipe, recipe);

  it("accepts random tokens in every alphabet, prefixed or grouped", () => {
    for (const v of [
      f("{{fake:hex:32}}"),
      f("{{fake:hex:20}}"),
      f("{{fake:alnum:40}}"),
      f("{{fake:loweralnum:30}}"),
      f("{{fake:b64url:43}}"),
      f("sdk-{{fake:uuid}}"),
      f("pub-c-{{fake:uuid}}"),
      f("{{fake:uuid}}"),
      f("NRAK-{{fake:upperalnum:27}}"),
    ])
      expect(tokenShapeReason(v), v).toBeUndefined();
    expect(randomPart(f("rzp_live_{{fake:alnum:14}}"))).toHaveLength(14);
  });

  it("rejects what only looks like a token, saying why", () => {
    const cases: [string, RegExp][] = [
      ["ApiKeyAuthenticationHandler", /identifier/],
      ["4.12.1-beta.3+build.20261107", /version/],
      ["https://auth.acme.io/oauth/token", /URL or file path/],
      ["./secrets/mapbox.key", /URL or file path/],
      ["${MAPBOX_ACCESS_TOKEN_PROD}", /reference/],
      ["1234567890123456789", /digits only/],
      ["abcdefghijklmnopqrstuvwxyz123456", /typed pattern/],
      ["a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4", /typed pattern/],
      ["13B6F51ECDDE430D", /shorter than 16|hex shorter/],
      ["aaaaaaaaaaaaaaaa1bbbbbbbbbbbbbbb", /typed pattern|entropy/],
      ["your_mapbox_token_goes_here_1", /identifier|placeholder|entropy|letters/],
    ];
    for (const [v, why] of cases) expect(tokenShapeReason(v), v).toMatch(why);
  });

  it("judges the key: a credential word last, nothing that names an id, hash, nonce or path", () => {
    const hex = f("{{fake:hex:40}}");
    expect(keyNoiseReason("TWILIO_AUTH_TOKEN", hex)).toBeUndefined();
    expect(keyNoiseReason("X-Mixpanel-Key", hex)).toBeUndefined();
    expect(keyNoiseReason("--api-key", hex)).toBeUndefined();
    expect(keyNoiseReason("RAZORPAY_KEY_ID", f("rzp_live_{{fake:alnum:14}}"))).toBeUndefined();
    expect(keyNoiseReason("zendesk_key_id", hex)).toMatch(/identifier/);
    expect(keyNoiseReason("csrf_token", hex)).toMatch(/csrf/);
    expect(keyNoiseReason("commit_sha_key", hex)).toMatch(/sha/);
    expect(keyNoiseReason("cache_key", hex)).toMatch(/cache/);
    expect(keyNoiseReason("monkey", hex)).toMatch(/credential word/);
    expect(keyNoiseReason("private_key_path", hex)).toMatch(/path/);
  });
});

describe("service-context rules, end to end", () => {
  const cwd = mkdtempSync(join(tmpdir(), "gitward-service-context-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("reports the class-1 shapes with the likely service, and not their look-alikes", async () => {
    const files: Record<string, string> = {
      "logs/worker.log":
        "2026-11-02T10:00:00Z INFO start\n2026-11-02T10:00:01Z DEBUG Using API_KEY={{fake:loweralnum:32}} for Opsgenie\n",
      "config/integrations.json": '{\n  "hubspot_key": "{{fake:uuid}}",\n  "hubspot_portal_id": "{{fake:uuid}}"\n}\n',
      "app/config.rb": "# Trello board sync\ntrello token = '{{fake:hex:64}}'\n",
      "ci/release.sh": "#!/bin/sh\nacme-sync --api-key {{fake:alnum:36}} --quiet\n",
      "scripts/ping.sh": 'curl -H "X-Pusher-Key: {{fake:hex:20}}" https://api.acme-corp.io/\n',
      "src/analytics.js": "// Mixpanel\nmixpanel.init('{{fake:hex:32}}');\nconst id = lookup('{{fake:hex:32}}');\n",
      "src/nope.js": "const pool = connect('{{fake:alnum:24}}');\n",
      "config/app.yaml": "csrf_token: {{fake:alnum:40}}\nsdk_version: 4.12.1\nsort_key: createdAtTimestamp\n",
    };
    const texts = Object.entries(files).map(([path, text]) => ({ path, text: expandFakes(text, path) }));
    const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts });
    const got = result.findings
      .filter((x) => x.provenance.pack === "gitward-secrets-service-context")
      .map((x) => `${x.ruleId} ${x.path}:${x.startLine}:${x.startColumn} ${x.message.replace(/^.*?(likely|\(no)/, "$1")}`)
      .sort();
    expect(got).toEqual(
      [
        "service-credential-assignment logs/worker.log:2:42 likely Opsgenie",
        "service-credential-assignment config/integrations.json:2:19 likely HubSpot",
        "service-credential-assignment app/config.rb:2:17 likely Trello",
        "service-credential-assignment scripts/ping.sh:1:24 likely Pusher",
        "service-client-argument src/analytics.js:2:16 likely Mixpanel",
        "service-credential-flag ci/release.sh:2:21 (no service named nearby)",
      ].sort(),
    );
  });

  it("takes a UUID under a credential key for a key only where the service named documents UUID keys", async () => {
    const files: Record<string, string> = {
      // Services whose documented key format is a UUID (services.yaml `uuidKeys`): keys.
      "config/crm.json": '{\n  "hubspot_key": "{{fake:uuid}}"\n}\n',
      "logs/alerts.log": "2026-11-02T10:00:01Z DEBUG Using API_KEY={{fake:uuid}} for Opsgenie\n",
      // The same shape where no service documents UUID keys: ids.
      "config/maps.json": '{\n  "mapbox_key": "{{fake:uuid}}"\n}\n',
      "config/app.env": "ACME_API_KEY={{fake:uuid}}\nAPI_TOKEN={{fake:uuid}}\n",
      "logs/track.log": "2026-11-02T10:00:01Z DEBUG Using API_KEY={{fake:uuid}} for Mixpanel\n",
      "ci/sync.sh": "#!/bin/sh\nacme-sync --api-key {{fake:uuid}} --quiet\n",
    };
    const texts = Object.entries(files).map(([path, text]) => ({ path, text: expandFakes(text, path) }));
    const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts });
    const got = result.findings.map((x) => `${x.ruleId} ${x.path}:${x.startLine}`).sort();
    // (Opsgenie's own rule reports the log line; the fallback yields to it.)
    expect(got).toEqual(["opsgenie-api-key logs/alerts.log:1", "service-credential-assignment config/crm.json:2"]);
  });
});

describe("rules turned off keep their values from the fallbacks", () => {
  const cwd = mkdtempSync(join(tmpdir(), "gitward-service-context-off-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const text = () =>
    expandFakes(
      "AWS_KEY=AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}\nSTRIPE_API_KEY=sk_live_{{fake:alnum:24}}\nACME_TOKEN={{fake:alnum:40}}\n",
      "off-rules",
    );
  const found = async (rules: Record<string, string>) => {
    const lines = Object.entries(rules).map(([id, mode]) => `  ${id}: ${mode}\n`);
    writeFileSync(join(cwd, ".gitward.yaml"), lines.length ? `rules:\n${lines.join("")}` : "failOn: high\n");
    const result = await scan({ cwd, kinds: { config: false }, texts: [{ path: "app/settings.env", text: text() }] });
    return result.findings.map((x) => `${x.ruleId} ${x.path}:${x.startLine}`).sort();
  };

  it("a provider rule turned off reports nothing, and no fallback reports its value instead", async () => {
    expect(await found({})).toEqual([
      "aws-access-key-id app/settings.env:1",
      "service-credential-assignment app/settings.env:3",
      "stripe-secret-key app/settings.env:2",
    ]);
    expect(await found({ "aws-access-key-id": "off", "stripe-secret-key": "off" })).toEqual([
      "service-credential-assignment app/settings.env:3",
    ]);
  });

  it("a fallback turned off is off; the other fallbacks still report values no rule owns", async () => {
    expect(await found({ "aws-access-key-id": "off", "service-credential-assignment": "off" })).toEqual([
      "generic-token-unquoted app/settings.env:3",
      "stripe-secret-key app/settings.env:2",
    ]);
  });
});

describe("keyword-anchored provider rules (tag context)", () => {
  const f = (recipe: string) => expandFakes(recipe, recipe);
  const cwd = mkdtempSync(join(tmpdir(), "gitward-provider-context-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("judges the key and value: another kind of value under the provider's name, typed runs and names are dropped", () => {
    expect(providerContextNoiseReason(f("{{fake:alnum:32}}"), "SEGMENT_WRITE_KEY=")).toBeUndefined();
    expect(providerContextNoiseReason(f("{{fake:alnum:32}}"), "  segmentCsrfToken: ")).toMatch(/names something else \("csrf"\)/);
    expect(providerContextNoiseReason(f("{{fake:hex:40}}"), "ARIZE_CACHE_KEY=")).toMatch(/"cache"/);
    // eBay's Cert ID, PayU's salt and Coder's session token are the credentials: not "something else".
    expect(providerContextNoiseReason(f("{{fake:alnum:32}}"), "PAYU_MERCHANT_SALT=")).toBeUndefined();
    expect(providerContextNoiseReason(f("{{fake:alnum:32}}"), "EBAY_CERT_ID=")).toBeUndefined();
    expect(providerContextNoiseReason("abcdefghijklmnopqrstuvwxyz123456", "SEGMENT_WRITE_KEY=")).toMatch(/typed pattern/);
    expect(providerContextNoiseReason("ApiKeyAuthenticationHandler", "SUPRSEND_SECRET=")).toMatch(/camelCase or PascalCase/);
  });

  it("reports a provider's key end to end, and not its look-alikes; in a test path it is a warning", async () => {
    const texts = [
      { path: "deploy/app.env", text: f("NODE_ENV=production\nSEGMENT_WRITE_KEY={{fake:alnum:32}}\n") },
      {
        path: "config/app.env",
        text: f("SEGMENT_CSRF_TOKEN={{fake:alnum:32}}\nSEGMENT_WRITE_KEY=a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4\n"),
      },
      { path: "test/fixtures/app.env", text: f("SEGMENT_WRITE_KEY={{fake:alnum:32}}\n") },
    ];
    const result = await scan({ cwd, configFile: false, kinds: { config: false }, texts });
    const got = result.findings
      .filter((x) => !x.suppressions?.length)
      .map((x) => `${x.ruleId} ${x.path}:${x.startLine} ${x.mode}`);
    expect(got.sort()).toEqual(["segment-write-key deploy/app.env:2 block", "segment-write-key test/fixtures/app.env:1 warn"]);
  });
});
