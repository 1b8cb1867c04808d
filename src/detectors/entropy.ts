/**
 * Shannon entropy of a candidate secret, and a charset-aware threshold.
 *
 * A rule's `entropy` is stated for base64-like text (up to 6 bits/char). A
 * random hex string can never exceed 4 bits/char and a short string never
 * exceeds log2(length), so comparing every candidate against one number would
 * drop real hex keys and short tokens. The threshold is therefore scaled by the
 * candidate's alphabet and capped by what its length allows.
 */

export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** Bits per character the candidate's alphabet can carry at most. */
export function alphabetBits(text: string): number {
  if (/^[0-9]+$/.test(text)) return Math.log2(10);
  if (/^[0-9a-fA-F]+$/.test(text) && (/^[0-9a-f]+$/.test(text) || /^[0-9A-F]+$/.test(text))) return 4;
  if (/^[0-9a-z]+$/.test(text) || /^[0-9A-Z]+$/.test(text)) return Math.log2(36);
  if (/^[0-9A-Za-z]+$/.test(text)) return Math.log2(62);
  return 6;
}

/** The threshold a candidate must reach, given the rule's base64-scale threshold. */
export function effectiveThreshold(threshold: number, candidate: string): number {
  const scaled = threshold * Math.min(1, alphabetBits(candidate) / 6);
  const lengthCap = 0.9 * Math.log2(Math.max(2, candidate.length));
  return Math.min(scaled, lengthCap);
}

export function passesEntropy(threshold: number, candidate: string): { ok: boolean; entropy: number } {
  const entropy = shannonEntropy(candidate);
  return { ok: entropy >= effectiveThreshold(threshold, candidate), entropy };
}
