import { describe, expect, it } from "vitest";
import { contentHash } from "../../src/util/hash.js";

// contentHash keys the validated-file cache: an edit that the hash missed would let a cached
// validation stand for text it never saw. These are the edits a config or pack gets.
describe("contentHash", () => {
  const text = "extends:\n  - gitward:builtin\nrules:\n  generic-password: warn\n";

  it("is stable and 128 bits plus the length", () => {
    expect(contentHash(text)).toBe(contentHash(`${text}`));
    expect(contentHash(text)).toMatch(/^[0-9a-f]{32}[0-9a-f]+$/);
  });

  it("changes with every one-character edit, swap, insertion and deletion", () => {
    const seen = new Set([contentHash(text)]);
    let edits = 1;
    for (let i = 0; i < text.length; i++) {
      const variants = [
        text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1),
        text.slice(0, i) + text.slice(i + 1),
        `${text.slice(0, i)}x${text.slice(i)}`,
      ];
      if (i + 1 < text.length && text[i] !== text[i + 1])
        variants.push(text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2));
      for (const v of variants) {
        seen.add(contentHash(v));
        edits++;
      }
    }
    // Distinct texts can coincide (deleting either of two equal neighbours): count distinct texts.
    const distinct = new Set<string>([text]);
    for (let i = 0; i < text.length; i++) {
      distinct.add(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1));
      distinct.add(text.slice(0, i) + text.slice(i + 1));
      distinct.add(`${text.slice(0, i)}x${text.slice(i)}`);
      if (i + 1 < text.length && text[i] !== text[i + 1])
        distinct.add(text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2));
    }
    expect(edits).toBeGreaterThan(distinct.size);
    expect(seen.size).toBe(distinct.size);
  });

  it("tells apart texts that differ only beyond the BMP or in the last character", () => {
    expect(contentHash("key: \u{1F511}")).not.toBe(contentHash("key: \u{1F512}"));
    expect(contentHash("a".repeat(4096))).not.toBe(contentHash(`${"a".repeat(4095)}b`));
    expect(contentHash("")).not.toBe(contentHash("\0"));
  });
});
