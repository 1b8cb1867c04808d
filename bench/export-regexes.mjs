#!/usr/bin/env node
// Emits the built-in secret rules' regexes in a form ripgrep accepts, one per line:
//
//   node bench/export-regexes.mjs [--engine pcre2|default] [--out FILE]
//
// JS flags become inline flags ((?i), (?s), (?m)); the "u"/"d"/"g" flags have no
// counterpart and are dropped. Each converted regex is then compiled by ripgrep
// itself (`rg [--pcre2] -e REGEX /dev/null`: exit 2 means rg rejects it), and a
// regex rg cannot take — JS-only syntax such as variable-length lookbehind for
// PCRE2, or any lookaround for rg's default engine — is skipped and counted.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GITWARD_ROOT } from "./lib/paths.mjs";

/**
 * The secret rules of the built-in packs, from the build's pack cache (dist/builtin-packs.json, with
 * each secret rule's body in dist/builtin-rule-bodies.txt at `$body: [offset, length]`).
 */
export function builtinSecretRules(root = GITWARD_ROOT) {
  const cache = JSON.parse(readFileSync(join(root, "dist", "builtin-packs.json"), "utf8"));
  const bodies = readFileSync(join(root, "dist", "builtin-rule-bodies.txt"), "latin1");
  return cache.packs
    .flatMap((p) => p.rules)
    .filter((r) => r.kind !== "config")
    .map(({ $body, ...r }) => ($body ? { ...r, ...JSON.parse(bodies.slice($body[0], $body[0] + $body[1])) } : r))
    .filter((r) => typeof r.regex === "string");
}

/** A JS regex (source + flags) as one rg pattern line, or a reason it cannot be one. */
export function toRgPattern(source, flags = "") {
  if (/[\n\r]/.test(source)) return { error: "contains a newline (rg reads one pattern per line)" };
  const unknown = [...flags].filter((f) => !"imsudgy".includes(f));
  if (unknown.length) return { error: `flag ${unknown.join("")} has no rg counterpart` };
  if (flags.includes("y")) return { error: "sticky flag" };
  const inline = [...flags].filter((f) => "ims".includes(f)).join("");
  return { pattern: inline ? `(?${inline})${source}` : source };
}

/** Does rg (with `--pcre2` for engine "pcre2") compile this pattern? Returns undefined or rg's complaint. */
export function rgRejects(rg, engine, pattern) {
  const args = [...(engine === "pcre2" ? ["--pcre2"] : []), "-q", "-e", pattern, "/dev/null"];
  const r = spawnSync(rg, args, { encoding: "utf8" });
  if (r.error) return `rg: ${r.error.message}`;
  if (r.status === 2) {
    const lines = r.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return (lines.find((l) => /^error:/.test(l)) ?? lines.at(-1) ?? "rejected").replace(/^error:\s*/, "");
  }
  return undefined;
}

/** `{patterns: [{id, pattern}], skipped: [{id, reason}]}` for the given engine. */
export function exportRegexes({ rg = "rg", engine = "pcre2", rules = builtinSecretRules() } = {}) {
  const patterns = [];
  const skipped = [];
  for (const rule of rules) {
    const { pattern, error } = toRgPattern(rule.regex, rule.flags ?? "");
    const reason = error ?? rgRejects(rg, engine, pattern);
    if (reason) skipped.push({ id: rule.id, reason });
    else patterns.push({ id: rule.id, pattern });
  }
  return { patterns, skipped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { engine: { type: "string", default: "pcre2" }, out: { type: "string" }, rg: { type: "string", default: "rg" } },
  });
  if (!["pcre2", "default"].includes(values.engine)) {
    console.error(`export-regexes: --engine ${values.engine}: expected pcre2 or default`);
    process.exit(2);
  }
  const { patterns, skipped } = exportRegexes({ rg: values.rg, engine: values.engine });
  const text = `${patterns.map((p) => p.pattern).join("\n")}\n`;
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  for (const s of skipped) console.error(`skipped ${s.id}: ${s.reason}`);
  console.error(
    `${patterns.length} regexes exported for rg ${values.engine === "pcre2" ? "--pcre2" : "(default engine)"}, ${skipped.length} skipped`,
  );
}
