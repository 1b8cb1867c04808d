/**
 * Temp repositories for the git source tests: a `.gitward.yaml` that loads only
 * the AWS pack (so tests do not depend on every built-in pack), kept out of git
 * through .git/info/exclude, and fake AWS keys built at test time.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { BIN, createRepo, type TempRepo } from "../helpers/temp-repo.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const AWS_PACK = join(ROOT, "patterns/secrets/aws.yaml");

export function fakeAwsKey(seed: string): string {
  return expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", seed);
}

/** A line of a .env file with a fake AWS access key id (the AWS pack's rule finds it). */
export function awsKeyLine(seed: string): string {
  return `AWS_ACCESS_KEY_ID=${fakeAwsKey(seed)}\n`;
}

export function awsRepo(): TempRepo {
  const repo = createRepo();
  repo.write(".gitward.yaml", `extends:\n  - ${JSON.stringify(AWS_PACK)}\n`);
  appendFileSync(join(repo.dir, ".git/info/exclude"), ".gitward.yaml\n");
  return repo;
}

/**
 * Puts gitward where a project that has it as a dev dependency has it
 * (node_modules/.bin/gitward, a link to this checkout's executable), kept out
 * of git through .git/info/exclude. Idempotent.
 */
export function installGitward(repo: TempRepo): TempRepo {
  const bin = join(repo.dir, "node_modules/.bin/gitward");
  if (existsSync(bin)) return repo;
  mkdirSync(join(repo.dir, "node_modules/.bin"), { recursive: true });
  symlinkSync(BIN, bin);
  appendFileSync(join(repo.dir, ".git/info/exclude"), "node_modules/\n");
  return repo;
}

export interface JsonFinding {
  ruleId: string;
  path: string;
  startLine: number;
  startColumn: number;
  commit?: { sha: string; author: string; date: string };
  presentAtHead?: boolean;
  occurrences?: number;
}

export function findingsOf(stdout: string): JsonFinding[] {
  const data = JSON.parse(stdout) as { findings: JsonFinding[] };
  return data.findings;
}

export function brief(findings: JsonFinding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.path}:${f.startLine}`);
}

/**
 * Every file under dir (including .git) with its bytes, and every directory (a
 * left-over empty temporary directory counts), to prove a command changed nothing.
 */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) {
        out.set(`${relative(dir, full)}/`, "(directory)");
        walk(full);
      } else out.set(relative(dir, full), readFileSync(full).toString("base64"));
    }
  };
  walk(dir);
  return out;
}
