/** Loads the config packs and runs files through the config detector, for tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createConfigDetector } from "../../src/detectors/config/index.js";
import type { DetectorOutput } from "../../src/detectors/detector.js";
import type { ConfigRuleSpec, LoadedRule, PackSpec } from "../../src/packs/pack-types.js";
import type { Fragment } from "../../src/types.js";

export const PACK_DIR = join(import.meta.dirname, "../../patterns/config");
export const FIXTURES = join(import.meta.dirname, "fixtures");

export interface LoadedPackFile {
  file: string;
  pack: PackSpec;
}

export function loadPacks(): LoadedPackFile[] {
  return readdirSync(PACK_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ file: f, pack: parse(readFileSync(join(PACK_DIR, f), "utf8")) as PackSpec }));
}

export function loadRules(): LoadedRule<ConfigRuleSpec>[] {
  return loadPacks().flatMap(({ file, pack }) =>
    pack.rules
      .filter((r): r is ConfigRuleSpec => r.kind === "config")
      .map((spec) => ({
        spec,
        pack: pack.name,
        packVersion: pack.version,
        file,
        mode: spec.mode ?? "block",
        severity: spec.severity,
        overrides: [],
      })),
  );
}

let detector: ReturnType<typeof createConfigDetector> | undefined;

export async function scan(path: string, text: string, extra: Partial<Fragment> = {}): Promise<DetectorOutput> {
  detector ??= createConfigDetector(loadRules());
  return await detector.detect({ path, text, startLine: 1, source: "file", ...extra });
}

export async function scanFixture(path: string, name = path): Promise<DetectorOutput> {
  return scan(name, readFileSync(join(FIXTURES, path), "utf8"));
}

export function summary(out: DetectorOutput): string[] {
  return out.findings.map((f) => `${f.ruleId}:${f.startLine}`);
}
