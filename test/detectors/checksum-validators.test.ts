/**
 * Structure and checksum validators added for provider formats: BIP-173 bech32
 * (Nostr nsec1…, Sui suiprivkey1…) and Atlassian Data Center PATs (base64 of
 * "<12-digit id>:<20 bytes>"), and the fake generators that build their examples.
 */
import { describe, expect, it } from "vitest";
import { getValidator } from "../../src/detectors/validators.js";
import { expandFakes, isBech32 } from "../../src/packs/fake-secrets.js";

describe("bech32 validator", () => {
  it("accepts the BIP-173 test vectors and rejects a changed character or mixed case", () => {
    expect(isBech32("a12uel5l")).toBe(true);
    expect(isBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")).toBe(true);
    expect(isBech32("A12UEL5L")).toBe(true);
    expect(isBech32("a12uel5m")).toBe(false);
    expect(isBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx")).toBe(false);
    expect(isBech32("A12uEL5L")).toBe(false);
    expect(isBech32("abcdef1qpzrb9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")).toBe(false); // "b" is not in the alphabet
    expect(isBech32("1qqqqqq")).toBe(false); // empty human-readable part
  });

  it("{{fake:bech32:HRP:N}} builds strings the validator accepts, with the given prefix and length", () => {
    const nsec = expandFakes("{{fake:bech32:nsec:52}}", "t1");
    expect(nsec).toMatch(/^nsec1[02-9ac-hj-np-z]{58}$/);
    expect(getValidator("bech32")?.(nsec)).toBe(true);
    const flipped = nsec.slice(0, -1) + (nsec.endsWith("q") ? "p" : "q");
    expect(getValidator("bech32")?.(flipped)).toBe(false);
  });
});

describe("atlassian-dc-pat validator", () => {
  const valid = (id: string, rest: string) => Buffer.from(`${id}:${rest}`, "latin1").toString("base64");
  it("accepts base64 of a 12-digit id, a colon and 20 bytes", () => {
    const token = valid("123456789012", "\x01\x02abcdefghijklmnop\xff\xfe");
    expect(token).toHaveLength(44);
    expect(getValidator("atlassian-dc-pat")?.(token)).toBe(true);
    expect(getValidator("atlassian-dc-pat")?.(expandFakes("{{fake:b64of:{{fake:digits:12}}:{{fake:alnum:20}}}}", "t2"))).toBe(
      true,
    );
  });

  it("rejects random base64 of the same length and a wrong id length", () => {
    expect(getValidator("atlassian-dc-pat")?.(`M${"A".repeat(43)}`)).toBe(false);
    expect(getValidator("atlassian-dc-pat")?.(valid("12345678901", "abcdefghijklmnopqrstu"))).toBe(false);
    expect(getValidator("atlassian-dc-pat")?.(valid("123456789012", "abcdefghijklmnopqrs"))).toBe(false);
  });
});
