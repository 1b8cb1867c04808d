/** Value tests shared by declarative matchers and check modules. */
import type { ValueMatch } from "./rule-spec.js";

const TRUTHY = /^(yes|y|true|on|1|enabled?)$/i;
const FALSY = /^(no|n|false|off|0|disabled?)$/i;

export function isTruthy(v: string | undefined): boolean {
  return v !== undefined && TRUTHY.test(v.trim());
}

export function isFalsy(v: string | undefined): boolean {
  return v !== undefined && FALSY.test(v.trim());
}

const regexCache = new Map<string, RegExp>();

export function cachedRegex(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    regexCache.set(key, re);
  }
  return re;
}

/** Tests `value`; returns the matched span (for regex) or the whole value, or undefined. */
export function testValue(m: ValueMatch, value: string): { index: number; text: string } | undefined {
  const v = value.trim();
  const flags = m.caseSensitive ? "" : "i";
  if (m.equals && !m.equals.some((e) => (m.caseSensitive ? e === v : e.toLowerCase() === v.toLowerCase()))) return undefined;
  if (m.bool === true && !isTruthy(v)) return undefined;
  if (m.bool === false && !isFalsy(v)) return undefined;
  if (m.notRegex && cachedRegex(m.notRegex, flags).test(value)) return undefined;
  if (m.regex) {
    const r = cachedRegex(m.regex, flags).exec(value);
    if (!r) return undefined;
    return { index: r.index, text: r[0] };
  }
  return { index: Math.max(0, value.indexOf(v)), text: v };
}

/** Splits a value into items on whitespace and commas, dropping sshd's `+`/`-`/`^` list modifiers. */
export function items(value: string): string[] {
  // sshd `Ciphers -aes128-cbc,...` removes algorithms from the defaults: nothing is enabled by it.
  if (/^-[a-z]/i.test(value.trim())) return [];
  return value
    .split(/[\s,]+/)
    .map((s) => s.replace(/^[+^-](?=[a-z0-9])/i, ""))
    .filter(Boolean);
}
