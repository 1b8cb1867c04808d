/**
 * Redaction: the only way a secret reaches output. Shows a short prefix (at
 * most 4 characters, and never more than a quarter of the secret) followed by
 * "****", so a user can tell which key it is without the key leaking into
 * terminals, CI logs or SARIF uploads.
 */

export const MASK = "****";

/** How many leading characters of a secret of this length may be shown. */
export function visiblePrefixLength(length: number): number {
  return Math.min(4, Math.floor(length / 4));
}

export function redact(secret: string): string {
  return secret.slice(0, visiblePrefixLength(secret.length)) + MASK;
}

/**
 * Replaces each [start, end) span (0-based, in `line`) with its redaction.
 * Spans may overlap; they are merged first.
 */
export function redactSpans(line: string, spans: readonly [number, number][]): string {
  const merged = [...spans]
    .map(([a, b]) => [Math.max(0, a), Math.min(line.length, b)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0])
    .reduce<[number, number][]>((acc, s) => {
      const last = acc[acc.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else acc.push([...s]);
      return acc;
    }, []);
  let out = "";
  let at = 0;
  for (const [a, b] of merged) {
    out += line.slice(at, a) + redact(line.slice(a, b));
    at = b;
  }
  return out + line.slice(at);
}
