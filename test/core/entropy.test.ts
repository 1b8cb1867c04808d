import { describe, expect, it } from "vitest";
import { alphabetBits, effectiveThreshold, passesEntropy, shannonEntropy } from "../../src/detectors/entropy.js";
import { expandFakes } from "../../src/packs/fake-secrets.js";

describe("entropy", () => {
  it("computes Shannon entropy in bits per character", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abab")).toBe(1);
    expect(shannonEntropy("abcd")).toBe(2);
  });

  it("classifies the alphabet of a candidate", () => {
    expect(alphabetBits("1234567890")).toBeCloseTo(Math.log2(10));
    expect(alphabetBits("deadbeef0123")).toBe(4);
    expect(alphabetBits("abcxyz019")).toBeCloseTo(Math.log2(36));
    expect(alphabetBits("AbcXyz019")).toBeCloseTo(Math.log2(62));
    expect(alphabetBits("a+b/c=")).toBe(6);
  });

  it("scales the threshold so random hex passes where a base64 threshold would drop it", () => {
    const hex = expandFakes("{{fake:hex:40}}", "hex");
    expect(shannonEntropy(hex)).toBeLessThan(4.3);
    expect(passesEntropy(4.3, hex).ok).toBe(true);
    expect(effectiveThreshold(4.3, hex)).toBeCloseTo(4.3 * (4 / 6));
  });

  it("still rejects repetitive and dictionary-like strings", () => {
    expect(passesEntropy(3.5, "aaaaaaaaaaaaaaaaaaaaaaaa").ok).toBe(false);
    expect(passesEntropy(3.5, "passwordpasswordpassword").ok).toBe(false);
    expect(passesEntropy(3.5, expandFakes("{{fake:alnum:32}}", "x")).ok).toBe(true);
  });

  it("caps the threshold for short candidates by what their length allows", () => {
    expect(effectiveThreshold(5, "abcdefgh")).toBeCloseTo(0.9 * 3);
  });
});
