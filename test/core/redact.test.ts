import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASK, redact, redactSpans, visiblePrefixLength } from "../../src/reporters/redact.js";

describe("redaction", () => {
  it("shows at most four characters and never more than a quarter of the secret", () => {
    expect(redact("abcdEFGHIJKLMNOPQRST")).toBe("abcd****");
    expect(redact("hunter2")).toBe("h****");
    expect(redact("abc")).toBe("****");
    expect(redact("")).toBe("****");
  });

  it("masks every span on a line, merging overlaps", () => {
    expect(
      redactSpans("key=SECRETVALUE1 other=SECRETVALUE2", [
        [4, 16],
        [23, 35],
      ]),
    ).toBe("key=SEC**** other=SEC****");
    expect(
      redactSpans("abcdefghijklmnop", [
        [0, 8],
        [4, 12],
      ]),
    ).toBe("abc****mnop");
  });

  it("never emits more than the allowed prefix of a secret (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (secret) => {
        const out = redact(secret);
        const shown = out.slice(0, -MASK.length);
        expect(out.endsWith(MASK)).toBe(true);
        // The rule itself (not the implementation's helper): at most 4 characters and a quarter of the secret.
        expect(shown.length).toBeLessThanOrEqual(Math.min(4, Math.floor(secret.length / 4)));
        expect(shown.length).toBe(visiblePrefixLength(secret.length));
        expect(secret.startsWith(shown)).toBe(true);
      }),
    );
  });

  it("masked lines never contain a secret longer than 8 characters (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ unit: fc.constantFrom("A", "b", "7", "+"), minLength: 9, maxLength: 60 }),
        fc.string({ maxLength: 20 }),
        (before, secret, after) => {
          const line = before + secret + after;
          const out = redactSpans(line, [[before.length, before.length + secret.length]]);
          expect(out.includes(secret) && !before.includes(secret) && !after.includes(secret)).toBe(false);
        },
      ),
    );
  });
});
