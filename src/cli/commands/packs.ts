/**
 * `gitward packs test|lint|new`: tooling for people who maintain packs.
 *
 * test  runs every rule's examples (and a pack's `tests:` files) through the real engine.
 * lint  schema, unique ids, regexes compile, keywords occur in every positive,
 *       secret group exists, entropy sane, docs present, no catastrophic backtracking,
 *       and each filter (entropy, validator, allowlist, requires) proven by a negative example.
 * new   scaffolds a rule with docs and examples to fill in.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { GitwardError } from "../../errors.js";
import { builtinPackFiles } from "../../packs/builtin-packs.js";
import { displayPath, loadPackFile, missingDocFields } from "../../packs/load-pack.js";
import { exampleProblems, filterProofProblems, testPacks } from "../../packs/pack-tester.js";
import type { LoadedPack, RuleSpec, SecretRuleSpec } from "../../packs/pack-types.js";
import { placeholderProblems } from "../../packs/placeholder-check.js";
import { plural } from "../../util/plural.js";
import { schemaRef } from "../../util/schema-ref.js";
import { parseYamlSource } from "../../util/yaml-source.js";
import type { CliIO } from "../io.js";

export interface PacksArgs {
  action: "test" | "lint" | "new";
  packs: string[];
  format: "text" | "json";
  output?: string;
  redos: boolean;
  /** lint: per-regex budget of the ReDoS analysis, in ms. */
  redosTimeout?: number;
}

async function loadAll(files: string[], io: CliIO): Promise<LoadedPack[]> {
  const paths = files.length ? files.map((f) => resolve(io.cwd, f)) : builtinPackFiles();
  const packs: LoadedPack[] = [];
  const errors: string[] = [];
  for (const file of paths) {
    try {
      packs.push(await loadPackFile(file));
    } catch (e) {
      if (e instanceof GitwardError) errors.push(e.message);
      else throw e;
    }
  }
  if (errors.length) throw new GitwardError(errors.join("\n"), "pack");
  return packs;
}

export async function packsCommand(args: PacksArgs, io: CliIO): Promise<number> {
  if (args.action === "new") return newRule(args, io);
  const packs = await loadAll(args.packs, io);
  if (args.action === "test") {
    const report = await testPacks(packs);
    if (args.format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const f of report.failures)
        io.stdout(`FAIL ${displayPath(f.file)}: ${f.ruleId}: ${f.message}\n     example: ${f.example}\n`);
      io.stdout(
        `${plural(report.rules, "rule")}, ${plural(report.examples, "example")}: ${report.examples - report.failures.length} passed, ${report.failures.length} failed\n`,
      );
    }
    return report.failures.length ? 1 : 0;
  }
  const problems = await lintPacks(packs, {
    redos: args.redos,
    ...(args.redosTimeout !== undefined ? { redosTimeoutMs: args.redosTimeout } : {}),
  });
  if (args.format === "json") io.stdout(`${JSON.stringify(problems, null, 2)}\n`);
  else {
    for (const p of problems) io.stdout(`${p.level}: ${displayPath(p.file)}:${p.line}: ${p.ruleId}: ${p.message}\n`);
    const count = (level: LintProblem["level"]) => problems.filter((p) => p.level === level).length;
    const notes = count("note");
    io.stdout(
      `${plural(packs.length, "pack")}, ${plural(
        packs.reduce((n, p) => n + p.rules.length, 0),
        "rule",
      )}: ${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}${notes ? `, ${plural(notes, "note")}` : ""}\n`,
    );
  }
  return problems.some((p) => p.level === "error") ? 1 : 0;
}

export interface LintProblem {
  /** note: for the record only (a regex reviewed by hand), never fails the lint. */
  level: "error" | "warning" | "note";
  file: string;
  line: number;
  ruleId: string;
  message: string;
}

export async function lintPacks(
  packs: LoadedPack[],
  options: {
    redos: boolean;
    redosTimeoutMs?: number;
    cache?: boolean;
    /**
     * Packs whose undecided, unreviewed regexes are errors, not warnings: the
     * built-in ones (issue 17 item 12), which every user runs on every commit.
     */
    strictRedos?: (pack: LoadedPack) => boolean;
  },
): Promise<LintProblem[]> {
  const problems: LintProblem[] = [];
  const seen = new Map<string, string>();
  for (const pack of packs) {
    const source = parseYamlSource(displayPath(pack.file), readFileSync(pack.file, "utf8"), "pack");
    // As written: the loader gives a rule without docs stand-in docs so that it can scan.
    const sourceRules = ((source.value as { rules?: Partial<RuleSpec>[] } | null)?.rules ?? []) as Partial<RuleSpec>[];
    pack.rules.forEach((rule, i) => {
      const line = source.lineOf(["rules", i]);
      const add = (level: LintProblem["level"], message: string, field?: (string | number)[]) =>
        problems.push({
          level,
          file: pack.file,
          line: field ? source.lineOf(["rules", i, ...field]) : line,
          ruleId: rule.id,
          message,
        });
      const previous = seen.get(rule.id);
      if (previous) add("error", `id: duplicate of the rule in ${displayPath(previous)}`, ["id"]);
      seen.set(rule.id, pack.file);
      for (const p of exampleProblems(rule)) add("error", p, [p.split(/[.:]/)[0] as string]);
      for (const p of placeholderProblems(rule)) add("error", p.message, p.field);
      for (const field of missingDocFields(sourceRules[i] ?? {}))
        add("error", `${field}: missing (the rule scans, with a warning on every run, until it has ${field})`);
      if (rule.kind === "config") return;
      const s = rule as SecretRuleSpec;
      if (!s.keywords?.length)
        add("warning", "keywords: none; the regex runs on every fragment (slow on large scans)", ["regex"]);
      if (s.entropy !== undefined && (s.entropy < 1 || s.entropy > 6)) {
        add("error", `entropy: ${s.entropy} is outside the useful range 1–6 bits/char`, ["entropy"]);
      }
      if (s.regex.startsWith(".*") || s.regex.endsWith(".*"))
        add("warning", "regex: leading/trailing .* makes matches include unrelated text", ["regex"]);
    });
    // Each filter must be proven by a negative example that only it rejects (see filterProofProblems).
    for (const [i, rule] of pack.rules.entries()) {
      for (const { filter, message } of await filterProofProblems(pack, rule)) {
        problems.push({
          level: "error",
          file: pack.file,
          // The context stage has no field of its own: it comes with the rule's `fallback` or tags.
          line: source.lineOf(
            filter === "context"
              ? ["rules", i, (rule as SecretRuleSpec).fallback === true ? "fallback" : "tags"]
              : ["rules", i, ...filter.split(".")],
          ),
          ruleId: rule.id,
          message,
        });
      }
    }
  }
  if (options.redos) {
    const { analyseRegexes, openVerdictCache, DEFAULT_REDOS_TIMEOUT_MS } = await import("../../packs/redos-check.js");
    const secretRules = packs.flatMap((pack) =>
      pack.rules.filter((r) => r.kind !== "config").map((r) => ({ pack, rule: r as SecretRuleSpec })),
    );
    // The automaton checker is deterministic and fast; recheck's fuzzer gave run-to-run false positives.
    // Several regexes at a time, a 1 s budget each, verdicts cached by regex: a lint of the built-in
    // packs took 117 s of wall time (27 regexes × a 5 s timeout, one at a time) before.
    const timeoutMs = options.redosTimeoutMs || DEFAULT_REDOS_TIMEOUT_MS;
    const cache = options.cache === false ? undefined : openVerdictCache();
    const regexOf = ({ rule }: { rule: SecretRuleSpec }) => ({ source: rule.regex, flags: rule.flags ?? "" });
    const results = await analyseRegexes(secretRules.map(regexOf), {
      checker: "automaton",
      timeoutMs,
      ...(cache ? { cache } : {}),
    });
    const builtin = new Set(builtinPackFiles().map((f) => resolve(f)));
    const strictRedos = options.strictRedos ?? ((pack: LoadedPack) => builtin.has(resolve(pack.file)));
    // The budget is wall-clock time: on a loaded machine a regex that decides in a fraction of it
    // can time out. Before a timeout fails a strict pack, it gets one more try with 5× the budget.
    const retry = secretRules
      .map((entry, i) => ({ entry, i }))
      .filter(
        ({ entry, i }) =>
          results[i]?.status === "unknown" &&
          results[i]?.message.includes("timeout") &&
          !entry.rule.redos?.reviewed &&
          strictRedos(entry.pack),
      );
    if (retry.length > 0) {
      const again = await analyseRegexes(
        retry.map(({ entry }) => regexOf(entry)),
        { checker: "automaton", timeoutMs: 5 * timeoutMs, ...(cache ? { cache } : {}) },
      );
      retry.forEach(({ i }, k) => {
        results[i] = again[k] as (typeof results)[number];
      });
    }
    const sources = new Map<string, ReturnType<typeof parseYamlSource>>();
    results.forEach((r, i) => {
      const entry = secretRules[i];
      if (!entry || r.status === "safe") return;
      // Parsed once per pack file, not once per warning.
      let source = sources.get(entry.pack.file);
      if (!source) {
        source = parseYamlSource(displayPath(entry.pack.file), readFileSync(entry.pack.file, "utf8"), "pack");
        sources.set(entry.pack.file, source);
      }
      const idx = entry.pack.rules.indexOf(entry.rule);
      const reviewed = entry.rule.redos?.reviewed;
      // A vulnerable verdict is an error whatever a review says; an undecided one is fine when
      // the rule argues why it is linear, and an error in a built-in pack when it does not.
      const level = r.status === "vulnerable" ? "error" : reviewed ? "note" : strictRedos(entry.pack) ? "error" : "warning";
      problems.push({
        level,
        file: entry.pack.file,
        line: source.lineOf(["rules", idx, "regex"]),
        ruleId: entry.rule.id,
        message:
          level === "note"
            ? `regex: ${r.message}; reviewed by hand (redos.reviewed)`
            : level === "error" && r.status === "unknown"
              ? `regex: ${r.message}; a built-in rule must be decidable: rewrite the regex, or give redos.reviewed the reason it runs in linear time`
              : `regex: ${r.message}`,
      });
    });
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

const SCAFFOLD = (id: string) => `  - id: ${id}
    description: TODO one line naming the credential or setting
    severity: high
    keywords: [TODO-literal-prefix]
    regex: 'TODO-literal-prefix([A-Za-z0-9]{32})'
    secretGroup: 1
    docs:
      why: >-
        TODO what this token grants and why a leak matters.
      fix: >-
        TODO how to revoke/rotate it and where to keep it instead.
      references:
        - TODO link to the provider's token format documentation
    examples:
      positive:
        - 'TODO-literal-prefix{{fake:alnum:32}}'
      negative:
        - 'TODO-literal-prefix-placeholder'
`;

function newRule(args: PacksArgs, io: CliIO): number {
  const id = args.packs[0];
  if (!id || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
    throw new GitwardError(
      `packs new: give a kebab-case rule id, provider first (e.g. acme-api-token); got "${id ?? ""}"`,
      "usage",
    );
  }
  if (!args.output) {
    io.stdout(SCAFFOLD(id));
    return 0;
  }
  const file = resolve(io.cwd, args.output);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // Editors validate against the schema shipped in the package (the project's install, else this gitward's).
    const schema = schemaRef(dirname(file), "pack.schema.json");
    writeFileSync(
      file,
      `# yaml-language-server: $schema=${schema}\nname: ${id.split("-")[0]}-pack\nversion: 0.1.0\nrules:\n${SCAFFOLD(id)}`,
    );
  } else {
    if (new RegExp(`^\\s*- id: ${id}\\s*$`, "m").test(readFileSync(file, "utf8"))) {
      throw new GitwardError(`packs new: ${displayPath(file)} already has a rule ${id}`, "usage");
    }
    appendFileSync(file, SCAFFOLD(id));
  }
  io.stdout(
    `added ${id} to ${displayPath(file)}; fill in the TODOs, then run: gitward packs lint ${args.output} && gitward packs test ${args.output}\n`,
  );
  return 0;
}
