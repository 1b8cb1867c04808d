// Commands shared by the benchmarks: gitward and secretlint invocations.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GITWARD_BIN, gitEnv, NODE, ROOT, WORK } from "./paths.mjs";

let shimFor;

/** A `gitward` on PATH (bench/.work/bin/gitward → bin/gitward.cjs), for hooks that call it by name. */
export function benchEnv(extra = {}) {
  const binDir = join(WORK, "bin");
  const shim = join(binDir, "gitward");
  if (shimFor !== GITWARD_BIN) {
    shimFor = GITWARD_BIN;
    mkdirSync(binDir, { recursive: true });
    writeFileSync(shim, `#!/bin/sh\nexec "${NODE}" "${GITWARD_BIN}" "$@"\n`);
    chmodSync(shim, 0o755);
  }
  // gitward's user cache (validated configs and packs, keyword automata) in bench/.work, not the user's.
  return gitEnv({
    PATH: `${binDir}:${process.env.PATH}`,
    NO_COLOR: "1",
    CI: "",
    GITWARD_CACHE_DIR: join(WORK, "user-cache"),
    ...extra,
  });
}

export const SECRETLINT_BIN = join(ROOT, "node_modules", "secretlint", "bin", "secretlint.js");
export const SECRETLINT_RC = JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] });

export function secretlintAvailable() {
  return existsSync(SECRETLINT_BIN) && existsSync(join(ROOT, "node_modules", "@secretlint", "secretlint-rule-preset-recommend"))
    ? undefined
    : "secretlint is not installed (npm ci installs the devDependencies secretlint and @secretlint/secretlint-rule-preset-recommend)";
}

/** A step running secretlint (its own bin, as `npx secretlint` would after resolving it) over `files`. */
export function secretlintStep(cwd, files, env) {
  return {
    cmd: NODE,
    args: [SECRETLINT_BIN, "--secretlintrcJSON", SECRETLINT_RC, "--no-glob", "--format", "compact", ...files],
    cwd,
    env,
    okCodes: [0, 1],
  };
}

/** The same through npx (what a user typing `npx secretlint` pays: npm's own start-up on top). */
export function secretlintNpxStep(files, env) {
  return {
    cmd: "npx",
    args: ["--no-install", "secretlint", "--secretlintrcJSON", SECRETLINT_RC, "--no-glob", "--format", "compact", ...files],
    cwd: ROOT,
    env,
    okCodes: [0, 1],
  };
}

export function gitwardStep(cwd, args, env, extra = {}) {
  return { cmd: NODE, args: [GITWARD_BIN, ...args], cwd, env, okCodes: [0, 1], ...extra };
}
