/**
 * Verification is the only code that may touch the network, and it loads only
 * when a run verifies. Checked on the built binary with the no-network
 * preload (test/robustness/no-network-preload.mjs): any socket, DNS lookup or
 * fetch is recorded and fails.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, reposPerTest, runBin, tempDir } from "../helpers/temp-repo.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NO_NET = join(ROOT, "test/robustness/no-network-preload.mjs");
const TOKEN = expandFakes("{{fake:crc32:ghp_:30}}", "no-net");
const repos = reposPerTest();

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli/run.js"))) throw new Error("run `npm run build` before the no-network tests");
});

describe("no network unless verifying", () => {
  it("scan, staged, pre-push and history with verify configured (enabled, endpoints) but not for hooks or --no-verify: no attempt", () => {
    const r = createRepo();
    repos.track(r);
    // An endpoint that would be reachable: the preload, not a dead address, is what must stop the call.
    r.write(".gitward.yaml", "verify:\n  enabled: true\n  endpoints:\n    github: http://127.0.0.1:9\n");
    r.commit("token", { "app.env": `GITHUB_TOKEN=${TOKEN}\n` });
    r.write("staged.env", `TOKEN=${TOKEN}\n`);
    r.git("add", "staged.env");
    const marker = join(tempDir("gitward-net-"), "net");
    const env = { NODE_OPTIONS: `--import=${NO_NET}`, GITWARD_NET_MARKER: marker, GITWARD_CACHE_DIR: tempDir() };
    const sha = r.git("rev-parse", "HEAD").trim();
    for (const argv of [["scan", ".", "--no-verify"], ["staged"], ["pre-push", "origin", "url"], ["history", "--no-verify"]]) {
      const run = runBin(argv, r.dir, {
        env,
        ...(argv[0] === "pre-push" ? { input: `refs/heads/main ${sha} refs/heads/main ${"0".repeat(40)}\n` } : {}),
      });
      expect(run.stderr, argv.join(" ")).not.toMatch(/internal error|NETWORK/);
      expect(run.code, `${argv.join(" ")}: ${run.stderr}`).toBe(1);
    }
    expect(existsSync(marker) ? readFileSync(marker, "utf8") : "").toBe("");
    // The control: the same repository with verification on does reach for the network (and the preload catches it).
    const on = runBin(["scan", ".", "--format", "json"], r.dir, { env });
    expect(on.code).toBe(1);
    expect(readFileSync(marker, "utf8")).toMatch(/http\.request|net\./);
    const verdict = JSON.parse(on.stdout).findings[0].verification;
    expect(verdict.status).toBe("error");
    expect(verdict.detail).not.toContain(TOKEN);
  }, 60_000);

  it("only the verification entry point imports src/verify/ at run time (static imports elsewhere are types only)", () => {
    const src = join(ROOT, "src");
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = join(d, e.name);
        if (e.isDirectory()) {
          if (full !== join(src, "verify")) walk(full);
        } else if (e.name.endsWith(".ts")) {
          const text = readFileSync(full, "utf8");
          for (const m of text.matchAll(/^import (?!type )[^;]*from "([^"]*\/verify\/[^"]*)";/gm))
            offenders.push(`${full}: ${m[1]}`);
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
