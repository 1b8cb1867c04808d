/**
 * Encoded secrets end to end, on real repositories and with every built-in
 * pack: base64 / URL-encoded credentials are decoded and reported at the line
 * of the encoded value by `scan`, `staged` and `history`, and the usual
 * base64/hex noise of a repository (images, fonts, data URIs, lockfile
 * integrity hashes, minified bundles, digests, random tokens) stays quiet.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { reposPerTest, runCli, type TempRepo } from "../helpers/temp-repo.js";
import { findingsOf, type JsonFinding } from "./git-helpers.js";

const repo = reposPerTest();

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
// Tokens are built at run time (the provider formats, with GitHub's checksum): no literal in this file.
const GITHUB_PAT = expandFakes("{{fake:crc32:ghp_:30}}", "e2e-encoded-ghp");
const STRIPE_KEY = ["sk", "live", expandFakes("{{fake:alnum:24}}", "e2e-encoded-stripe")].join("_");
const PASSWORD = expandFakes("Zq{{fake:alnum:14}}", "e2e-encoded-pw");

/** The files with encoded secrets, and the findings they must produce (rule file:line, message suffix). */
const SECRETS: Record<string, string> = {
  "k8s/github-secret.yaml": [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: github",
    "type: Opaque",
    "data:",
    `  username: ${b64("ci-bot")}`,
    `  GITHUB_TOKEN: ${b64(GITHUB_PAT)}`,
    "",
  ].join("\n"),
  "docs/runbook.md": [
    "# Replaying a webhook",
    "",
    "```http",
    "POST /hooks/replay HTTP/1.1",
    "Host: hooks.acme.io",
    `Authorization: Basic ${b64(`deploy:${PASSWORD}`)}`,
    "```",
    "",
  ].join("\n"),
  "k8s/app-env.yaml": [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: app-env",
    "data:",
    `  .env: ${b64(`APP_ENV=production\nSTRIPE_SECRET_KEY=${STRIPE_KEY}\n`)}`,
    "",
  ].join("\n"),
  "config/app.yaml": [
    "setup:",
    `  callback: https://setup.acme.io/init?dsn=${encodeURIComponent(`postgres://setup:${PASSWORD}@pg.prod.acme.io:5432/setup`)}`,
    "",
  ].join("\n"),
  // The plain secret and its encoding on one line: one finding, by the plain rule.
  "deploy/.env": `GITHUB_TOKEN=${GITHUB_PAT} # base64: ${b64(GITHUB_PAT)}\n`,
};

const EXPECTED = [
  "github-personal-access-token k8s/github-secret.yaml:8 (base64-encoded)",
  "http-basic-auth-header docs/runbook.md:6",
  "stripe-secret-key k8s/app-env.yaml:6 (base64-encoded)",
  "postgres-connection-string config/app.yaml:2 (URL-encoded)",
  "github-personal-access-token deploy/.env:1",
].sort();

/** Secret findings (the config linter's kubernetes-secret-literal-data also flags the Secrets' data, as it should). */
function describeFindings(findings: JsonFinding[]): string[] {
  return findings
    .filter((f) => (f as JsonFinding & { kind: string }).kind === "secret")
    .map((f) => {
      const message = (f as JsonFinding & { message: string }).message;
      const encoded = /\((base64|hex|URL)-encoded\)$/.exec(message)?.[0];
      return `${f.ruleId} ${f.path}:${f.startLine}${encoded ? ` ${encoded}` : ""}`;
    })
    .sort();
}

/** Look-alikes: base64 and hex that real repositories are full of. */
function noise(): Record<string, string | Buffer> {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
  const woff2 = Buffer.concat([Buffer.from("wOF2"), randomBytes(400)]);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg"><title>password: ${PASSWORD}</title></svg>`;
  const sri = () => `sha512-${randomBytes(64).toString("base64")}`;
  const bundle = `!function(e){var t={};${Array.from({ length: 400 }, (_, i) => `t[${i}]="${randomBytes(24).toString("base64")}";`).join("")}e.exports=t}(module);\n//# sourceMappingURL=data:application/json;base64,${b64(`{"version":3,"sources":["a.js"],"sourcesContent":["const token = \\"${GITHUB_PAT}\\";"]}`)}\n`;
  return {
    "web/src/styles.css": [
      `@font-face { font-family: "Brand"; src: url(data:font/woff2;base64,${woff2.toString("base64")}) format("woff2"); }`,
      `.logo { background-image: url("data:image/png;base64,${png.toString("base64")}"); }`,
      `.lock { background-image: url("data:image/svg+xml;base64,${b64(svg)}"); }`,
      "",
    ].join("\n"),
    "web/public/logo.png": png,
    "web/index.html": `<script src="https://cdn.acme.io/app.js" integrity="sha384-${randomBytes(48).toString("base64")}" crossorigin="anonymous"></script>\n`,
    "package-lock.json": JSON.stringify(
      {
        name: "web",
        lockfileVersion: 3,
        packages: {
          "node_modules/react": { version: "18.3.1", integrity: sri() },
          "node_modules/left-pad": { version: "1.3.0", integrity: sri() },
        },
      },
      null,
      2,
    ),
    "yarn.lock": `react@^18.3.1:\n  version "18.3.1"\n  resolved "https://registry.yarnpkg.com/react/-/react-18.3.1.tgz#${randomBytes(20).toString("hex")}"\n  integrity ${sri()}\n`,
    "web/dist/vendor.min.js": bundle,
    "ops/checksums.yaml": [
      `commit: ${randomBytes(20).toString("hex")}`,
      `digest: sha256:${randomBytes(32).toString("hex")}`,
      `etag: ${randomBytes(20).toString("base64")}`,
      `nonce: ${randomBytes(32).toString("base64url")}`,
      `signature: ${randomBytes(64).toString("base64")}`,
      `readme_b64: ${b64("This service renders invoices. See docs/ for the API.")}`,
      `request_id: ${crypto.randomUUID()}`,
      "",
    ].join("\n"),
  };
}

async function json(r: TempRepo, ...args: string[]) {
  const out = await runCli([...args, "-f", "json"], r.dir);
  return { ...out, findings: out.stdout ? findingsOf(out.stdout) : [] };
}

describe("encoded secrets, end to end", () => {
  it("scan: reports each decoded secret once, at the line of the encoded value", async () => {
    const r = repo();
    for (const [p, c] of Object.entries(SECRETS)) r.write(p, c);
    const out = await json(r, "scan");
    expect(describeFindings(out.findings)).toEqual(EXPECTED);
    expect(out.code).toBe(1);
    const k8s = out.findings.find(
      (f) => f.ruleId === "github-personal-access-token" && f.path === "k8s/github-secret.yaml",
    ) as JsonFinding & Record<string, unknown>;
    expect(k8s.startColumn).toBe(17);
    expect(k8s.message).toBe("GitHub personal access token (classic) (base64-encoded)");
    // Masked like any secret: neither the token nor its encoding is printed.
    expect(out.stdout).not.toContain(GITHUB_PAT);
    expect(out.stdout).not.toContain(b64(GITHUB_PAT));
  });

  it("staged and history report the same findings", async () => {
    const r = repo();
    r.commit("base", { "README.md": "# app\n" });
    for (const [p, c] of Object.entries(SECRETS)) r.write(p, c);
    r.git("add", "-A");
    const staged = await json(r, "staged");
    expect(describeFindings(staged.findings)).toEqual(EXPECTED);
    const sha = r.commit("add secrets");
    const history = await json(r, "history");
    expect(describeFindings(history.findings)).toEqual(EXPECTED);
    expect(history.findings.every((f) => f.commit?.sha === sha && f.presentAtHead === true)).toBe(true);
    // Removed later: still leaked, no longer at HEAD.
    r.git("rm", "-q", "k8s/github-secret.yaml");
    r.commit("remove");
    const later = await json(r, "history");
    const removed = later.findings.find((f) => f.path === "k8s/github-secret.yaml");
    expect(removed?.presentAtHead).toBe(false);
    expect(later.findings.find((f) => f.path === "k8s/app-env.yaml")?.presentAtHead).toBe(true);
    // From the history cache (no secret kept): HEAD is rescanned with the same detectors, decoding included.
    await json(r, "history", "--cache", ".cache/gw.json");
    const cached = await json(r, "history", "--cache", ".cache/gw.json");
    expect(cached.stderr).toMatch(/skipped 3 of 3 commits already scanned/);
    expect(describeFindings(cached.findings)).toEqual(EXPECTED);
    const stripe = cached.findings.find((f) => f.ruleId === "stripe-secret-key");
    expect(stripe?.presentAtHead).toBe(true);
    expect(
      cached.findings.find((f) => f.ruleId === "github-personal-access-token" && f.path === "k8s/github-secret.yaml")
        ?.presentAtHead,
    ).toBe(false);
  });

  it("stays quiet on images, fonts, data URIs, lockfile hashes, minified bundles, digests and random base64", async () => {
    const r = repo();
    for (const [p, c] of Object.entries(noise())) r.write(p, c);
    const scan = await json(r, "scan");
    expect(describeFindings(scan.findings)).toEqual([]);
    expect(scan.code).toBe(0);
    r.git("add", "-A");
    expect(describeFindings((await json(r, "staged")).findings)).toEqual([]);
    r.commit("assets");
    expect(describeFindings((await json(r, "history")).findings)).toEqual([]);
  });
});
