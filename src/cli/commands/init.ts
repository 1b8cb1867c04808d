/**
 * `gitward init [--install] [--force]`: writes a commented starter
 * `.gitward.yaml` at the repository root (or the working directory outside a
 * repository), and with `--install` also installs the pre-commit hook.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CONFIG_NAMES } from "../../config/load-config.js";
import { ExitCode, GitwardError } from "../../errors.js";
import { findRepoRoot } from "../../git/run-git.js";
import { schemaRef } from "../../util/schema-ref.js";
import type { CliIO } from "../io.js";

export interface InitArgs {
  install?: boolean;
  force?: boolean;
}

export function starterConfig(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# gitward configuration: https://github.com/gitward/gitward/blob/main/docs/configuration.md
# Everything below is optional; commented lines show the defaults or examples.
$schema: ${schema}

# Layers in order (org → team → repo): the built-in packs, pack or shareable
# config files (relative to this file), npm packages such as @acme/gitward-config.
extends:
  - gitward:builtin

# Findings at this severity or worse block the commit (exit 1); less severe ones warn.
failOn: low

# Per-rule overrides: a mode (block | warn | off) or {severity, mode}.
# "gitward rules" lists every rule and where its settings came from.
rules: {}
#  generic-api-key: { mode: warn }
#  aws-access-key-id:
#    severity: critical
#    mode: block

# Never reported, for every rule. Paths are gitignore-style globs.
allowlist:
  paths: []
#    - test/fixtures/
#    - "*.example.env"
  regexes: []
#    - '^dummy-'
#  regexTarget: secret   # what regexes test: secret | match | line
  stopwords: []
#    - example

# Files larger than this are skipped (with a notice).
# maxFileSize: 5MB

# Accepted existing findings, so that only new ones block:
#   gitward baseline create --reason "..." --owner "@team" --expires 2026-12-31
# baseline: .gitward-baseline.json

# Report inline allow comments that match nothing (also: --report-unused-allows).
# reportUnusedAllows: true
`;
}

export async function initCommand(args: InitArgs, io: CliIO): Promise<number> {
  const dir = (await findRepoRoot(io.cwd)) ?? io.cwd;
  const existing = CONFIG_NAMES.map((n) => join(dir, n)).find((f) => existsSync(f));
  const file = join(dir, ".gitward.yaml");
  const shown = relative(io.cwd, file) || ".gitward.yaml";
  if (existing && !args.force) {
    throw new GitwardError(`init: ${relative(io.cwd, existing) || existing} already exists (--force overwrites it)`, "usage");
  }
  try {
    writeFileSync(existing ?? file, starterConfig(schemaRef(dir, "config.schema.json")));
  } catch (e) {
    throw new GitwardError(`init: cannot write ${shown}: ${(e as NodeJS.ErrnoException).code ?? e}`, "io");
  }
  io.stdout(`wrote ${existing ? relative(io.cwd, existing) || existing : shown}\n`);
  if (!args.install) {
    io.stdout('next: "gitward init --install" (or "gitward install") adds the pre-commit hook\n');
    return ExitCode.Clean;
  }
  const { installCommand } = await import("./install.js");
  return installCommand({}, io);
}
