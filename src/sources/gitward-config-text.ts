/**
 * gitward's own config files, read as what they are. A rule override such as
 * `generic-password: warn` or `aws-secret-access-key: { severity: high }` is
 * a setting, yet it reads like `<password key>: <value>` to the generic
 * rules. In a gitward config file (the names gitward looks up, `gitward.yaml`
 * as shareable configs are published, or any YAML whose top-level keys are
 * all config keys), such lines are blanked before detection: replaced by
 * spaces, so columns and every other line (comments, allowlists, a secret
 * pasted in by mistake) are scanned as usual. Applied by the pipeline, so
 * every source (files, stdin, staged, pre-push, history) reads them alike.
 */
import type { Fragment } from "../types.js";

const CONFIG_BASENAME = /(^|\/)(\.gitward|gitward\.config|gitward)\.ya?ml$/;
const YAML = /\.ya?ml$/i;
const CONFIG_KEYS = new Set([
  "$schema",
  "extends",
  "rules",
  "allowlist",
  "failOn",
  "maxFileSize",
  "baseline",
  "reportUnusedAllows",
]);

const KEY = String.raw`["']?[A-Za-z0-9][\w.@/-]*["']?`;
const MODE = String.raw`["']?(?:block|warn|off)["']?`;
const LEVEL = String.raw`["']?(?:critical|high|medium|low|info|block|warn|off)["']?`;
const PAIR = String.raw`(?:severity|mode)\s*:\s*${LEVEL}`;
const COMMENT = String.raw`(\s+#.*)?$`;
/** `rule-id: warn`, `rule-id: { severity: high, mode: warn }`, `severity: low`, `failOn: high`. */
const SETTING = new RegExp(
  String.raw`^(\s*(?:${KEY}\s*:\s*(?:${MODE}|\{\s*${PAIR}(?:\s*,\s*${PAIR})*\s*,?\s*\})|(?:severity|mode|failOn)\s*:\s*${LEVEL}))${COMMENT}`,
);

/**
 * Top-level keys of `text` (a whole YAML file, or some of its lines): all
 * config keys? Says whether `rules` is among them.
 */
function configKeys(text: string): { all: boolean; rules: boolean } {
  let rules = false;
  for (const m of text.matchAll(/^([^\s#-][^:\n]*?)\s*:/gm)) {
    const key = (m[1] as string).replace(/^["']|["']$/g, "");
    if (!CONFIG_KEYS.has(key)) return { all: false, rules };
    if (key === "rules") rules = true;
  }
  return { all: true, rules };
}

function blankSettings(text: string): string {
  if (!/(block|warn|off|critical|high|medium|low|info)/.test(text)) return text;
  return text
    .split("\n")
    .map((line) => {
      const m = SETTING.exec(line.replace(/\r$/, ""));
      return m ? " ".repeat((m[1] as string).length) + line.slice((m[1] as string).length) : line;
    })
    .join("\n");
}

/** The fragment with rule settings blanked when it is (part of) a gitward config file, else itself. */
export async function withConfigSettingsBlanked(fragment: Fragment): Promise<Fragment> {
  const path = fragment.rootPath ?? fragment.path;
  if (!YAML.test(path)) return fragment;
  const blanked = blankSettings(fragment.text);
  if (blanked === fragment.text) return fragment;
  let isConfig = CONFIG_BASENAME.test(path);
  // Another name (a shareable config such as org/strict.yaml): decided by the whole file's top-level
  // keys, read only when the lines at hand do not already rule it out (a manifest's `kind:`...).
  if (!isConfig && configKeys(fragment.text).all) {
    const whole = fragment.loadDocument ? await fragment.loadDocument() : fragment.text;
    isConfig = whole !== undefined && configKeys(whole).all && configKeys(whole).rules;
  }
  return isConfig ? { ...fragment, text: blanked } : fragment;
}
