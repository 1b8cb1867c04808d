/** `gitward rules` and `gitward explain <rule-id>`: what is loaded, where it came from, and each rule's docs. */
import { GitwardError } from "../../errors.js";
import type { LoadedRule } from "../../packs/pack-types.js";
import { prepareScan } from "../../setup.js";
import { displayPath } from "../../util/display-path.js";
import { plural } from "../../util/plural.js";
import type { CliIO } from "../io.js";

export interface RulesArgs {
  config?: string | boolean;
  pack?: string[];
  format: "text" | "json";
  kind?: "secret" | "config";
}

async function load(args: RulesArgs, io: CliIO) {
  return prepareScan({
    cwd: io.cwd,
    requireRules: false,
    ...(args.config === false
      ? { configFile: false as const }
      : typeof args.config === "string"
        ? { configFile: args.config }
        : {}),
    ...(args.pack?.length ? { packs: args.pack } : {}),
  });
}

export async function rulesCommand(args: RulesArgs, io: CliIO): Promise<number> {
  const setup = await load(args, io);
  const rules = setup.ruleSet.all.filter((r) => !args.kind || (r.spec.kind ?? "secret") === args.kind);
  if (args.format === "json") {
    io.stdout(
      `${JSON.stringify(
        rules.map((r) => ({
          id: r.spec.id,
          kind: r.spec.kind ?? "secret",
          severity: r.severity,
          mode: r.mode,
          description: r.spec.description,
          pack: r.pack,
          packVersion: r.packVersion,
          file: displayPath(r.file),
          overrides: r.overrides,
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.spec.id.length), 4);
  for (const r of rules) {
    const origin = `${r.pack}@${r.packVersion}${r.overrides.length ? ` (${r.overrides.join("; ")})` : ""}`;
    io.stdout(`${r.spec.id.padEnd(width)}  ${r.severity.padEnd(8)} ${r.mode.padEnd(5)}  ${origin}\n`);
  }
  io.stdout(`${plural(rules.length, "rule")} from ${plural(setup.ruleSet.packs.length, "pack")}\n`);
  return 0;
}

export function explainRule(rule: LoadedRule): string {
  const d = rule.spec.docs;
  const lines = [
    `${rule.spec.id} (${rule.spec.kind ?? "secret"}, ${rule.severity}, ${rule.mode})`,
    `${rule.spec.description}`,
    `pack: ${rule.pack}@${rule.packVersion} (${displayPath(rule.file)})${rule.overrides.length ? `\noverrides: ${rule.overrides.join("; ")}` : ""}`,
    "",
    "Why this matters",
    indent(d.why),
    "",
    "How to fix",
    indent(d.fix),
  ];
  if (d.benchmarks?.length) lines.push("", "Related checks", ...d.benchmarks.map((b) => `  - ${b}`));
  if (d.references?.length) lines.push("", "References", ...d.references.map((r) => `  - ${r}`));
  lines.push(
    "",
    "How to allow",
    `  Add "gitward:allow ${rule.spec.id} -- <reason>" in a comment on the line,`,
    '  or record current findings with "gitward baseline update".',
  );
  return `${lines.join("\n")}\n`;
}

/** Ids close to what was typed: a typo (small edit distance) first, then ids containing it. */
export function similarIds(typed: string, ids: string[]): string[] {
  const scored = ids
    .map((id) => ({ id, d: editDistance(typed, id) }))
    .filter(({ id, d }) => d <= Math.max(2, Math.floor(typed.length / 4)) || (typed.length >= 3 && id.includes(typed)));
  return scored.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1)).map((s) => s.id);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

function indent(text: string): string {
  return text
    .trim()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

export async function explainCommand(args: RulesArgs & { ruleId: string }, io: CliIO): Promise<number> {
  const setup = await load(args, io);
  // Rule ids are lower-case kebab-case; accept any case and surrounding space.
  const rule = setup.ruleSet.byId.get(args.ruleId) ?? setup.ruleSet.byId.get(args.ruleId.trim().toLowerCase());
  if (!rule) {
    const near = similarIds(
      args.ruleId.trim().toLowerCase(),
      setup.ruleSet.all.map((r) => r.spec.id),
    );
    throw new GitwardError(
      `unknown rule "${args.ruleId}"${near.length ? `; did you mean: ${near.slice(0, 5).join(", ")}?` : ""} (gitward rules lists them)`,
      "usage",
    );
  }
  io.stdout(explainRule(rule));
  return 0;
}
