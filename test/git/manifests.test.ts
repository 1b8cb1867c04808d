/**
 * The pre-commit framework is not installed offline, so `.pre-commit-hooks.yaml`
 * is validated against the framework's documented manifest schema
 * (https://pre-commit.com/#creating-new-hooks, pre_commit/clientlib.py
 * MANIFEST_HOOK_DICT), and the entries it declares are run the way the
 * framework runs them. action.yml is checked for the composite-action shape.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { reposPerTest, runCli } from "../helpers/temp-repo.js";
import { awsRepo, brief, fakeAwsKey, findingsOf, ROOT } from "./git-helpers.js";

const STAGES = [
  "commit-msg",
  "post-checkout",
  "post-commit",
  "post-merge",
  "post-rewrite",
  "pre-commit",
  "pre-merge-commit",
  "pre-push",
  "pre-rebase",
  "prepare-commit-msg",
  "manual",
];
const LANGUAGES = [
  "conda",
  "coursier",
  "dart",
  "docker",
  "docker_image",
  "dotnet",
  "fail",
  "golang",
  "haskell",
  "lua",
  "node",
  "perl",
  "pygrep",
  "python",
  "r",
  "ruby",
  "rust",
  "swift",
  "script",
  "system",
];

const MANIFEST_SCHEMA = {
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    required: ["id", "name", "entry", "language"],
    additionalProperties: false,
    properties: {
      id: { type: "string", minLength: 1 },
      name: { type: "string" },
      entry: { type: "string", minLength: 1 },
      language: { enum: LANGUAGES },
      alias: { type: "string" },
      files: { type: "string" },
      exclude: { type: "string" },
      types: { type: "array", items: { type: "string" } },
      types_or: { type: "array", items: { type: "string" } },
      exclude_types: { type: "array", items: { type: "string" } },
      additional_dependencies: { type: "array", items: { type: "string" } },
      args: { type: "array", items: { type: "string" } },
      always_run: { type: "boolean" },
      fail_fast: { type: "boolean" },
      pass_filenames: { type: "boolean" },
      description: { type: "string" },
      language_version: { type: "string" },
      log_file: { type: "string" },
      minimum_pre_commit_version: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+$" },
      require_serial: { type: "boolean" },
      stages: { type: "array", items: { enum: STAGES } },
      verbose: { type: "boolean" },
    },
  },
} as const;

interface Hook {
  id: string;
  entry: string;
  pass_filenames?: boolean;
  stages?: string[];
}

const manifest = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];

const repos = reposPerTest();

describe(".pre-commit-hooks.yaml", () => {
  it("matches the pre-commit framework's manifest schema", () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(MANIFEST_SCHEMA);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(manifest.map((h) => h.id)).toEqual(["gitward", "gitward-pre-push", "gitward-history"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
    for (const h of manifest) expect(Object.keys(pkg.bin)).toContain(h.entry.split(" ")[0]);
  });

  it("the gitward hook, run as the framework runs it (entry + file names), blocks a staged secret and passes --all-files style", async () => {
    const hook = manifest.find((h) => h.id === "gitward") as Hook;
    expect(hook.pass_filenames).toBe(true);
    const r = awsRepo();
    repos.track(r);
    const key = fakeAwsKey("manifest-1");
    r.commit("base", { "clean.txt": "ok\n" });
    r.write("a.txt", `x\nk ${key}\n`);
    r.git("add", "a.txt");
    const argv = [...hook.entry.split(" ").slice(1), "-f", "json"];
    const staged = await runCli([...argv, "a.txt"], r.dir);
    expect(staged.code).toBe(1);
    expect(brief(findingsOf(staged.stdout))).toEqual(["aws-access-key-id a.txt:2"]);
    r.git("commit", "-q", "--no-verify", "-m", "oops");
    // pre-commit run --all-files: nothing staged, every tracked file passed.
    const all = await runCli([...argv, "a.txt", "clean.txt"], r.dir);
    expect(brief(findingsOf(all.stdout))).toEqual(["aws-access-key-id a.txt:2"]);
  });

  it("the pre-push hook works from the framework's PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF (no stdin)", async () => {
    const hook = manifest.find((h) => h.id === "gitward-pre-push") as Hook;
    expect(hook.stages).toEqual(["pre-push"]);
    const r = awsRepo();
    repos.track(r);
    const base = r.commit("base", { "a.txt": "a\n" });
    const bad = r.commit("bad", { "s.txt": `k ${fakeAwsKey("manifest-2")}\n` });
    const out = await runCli([...hook.entry.split(" ").slice(1), "-f", "json"], r.dir, {
      env: { PRE_COMMIT_FROM_REF: base, PRE_COMMIT_TO_REF: bad },
    });
    expect(out.code).toBe(1);
    expect(brief(findingsOf(out.stdout))).toEqual(["aws-access-key-id s.txt:1"]);
    expect(findingsOf(out.stdout)[0]?.commit?.sha).toBe(bad);
  });
});

describe("action.yml", () => {
  it("is a composite action that scans history to SARIF and uploads it to code scanning", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      name: string;
      inputs: Record<string, unknown>;
      runs: { using: string; steps: { uses?: string; run?: string; with?: Record<string, string> }[] };
    };
    expect(action.runs.using).toBe("composite");
    const scan = action.runs.steps[0]?.run ?? "";
    expect(scan).toMatch(/history .*--format sarif --output/);
    const upload = action.runs.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with?.sarif_file).toBe(["$", "{{ inputs.sarif-file }}"].join(""));
    const text = readFileSync(join(ROOT, "action.yml"), "utf8");
    for (const m of text.matchAll(/inputs\.([a-z-]+)/g)) expect(Object.keys(action.inputs)).toContain(m[1]);
  });
});
