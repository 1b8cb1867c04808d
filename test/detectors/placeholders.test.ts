// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are test data.
import { describe, expect, it } from "vitest";
import { isPlaceholder, isRealBasicAuth, looksLikeIdentifier, placeholderReason } from "../../src/detectors/placeholders.js";
import { getValidator } from "../../src/detectors/validators.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("placeholderReason", () => {
  it.each([
    ["hunter2"],
    ["Tr0ub4dor&3"],
    ["Qm7#pL2x!"],
    ["W1nter2024!"],
    ["kX9#mQ2v"],
    ["9f86d081884c7d659a2feaa0c55ad015"],
    ["sk9Fj2LmQ0pZx8Vb"],
    ["django-insecure-8s7d6f5g4h3j2k1l0"],
  ])("keeps the literal secret %s", (value) => {
    expect(placeholderReason(value)).toBeUndefined();
  });

  it.each([
    ["changeme", "placeholder marker"],
    ["xxx", "one repeated character"],
    ["xxxxxxxx", "one repeated character"],
    ["****", "one repeated character"],
    ["<password>", "template"],
    ["${DB_PASSWORD}", "template"],
    ["{{ .Values.db.password }}", "template"],
    ["$PASSWORD", "template"],
    ["%s", "too short"],
    ["%(password)s", "template"],
    ["{password}", "template"],
    ["process.env.DB_PASSWORD", "reference"],
    ['os.environ["DB_PASSWORD"]', "reference"],
    ['os.getenv("TOKEN")', "reference"],
    ["ENV['API_KEY']", "reference"],
    ["example", "placeholder marker"],
    ["dummy-password", "placeholder marker"],
    ["test1234", "test value"],
    ["password123", "dummy word"],
    ["P@ssw0rd", "dummy word"],
    ["s3cr3t", "dummy word"],
    ["null", "dummy word"],
    ["none", "dummy word"],
    ["true", "dummy word"],
    ["postgres", "dummy word"],
    ["self.password", "identifier"],
    ["tokenValue", "identifier"],
    ["DB_PASSWORD", "identifier"],
    ["user_password", "identifier"],
    ["getSecret()", "identifier"],
    ["/run/secrets/db_password", "file reference"],
    ["./certs/server.key", "file reference"],
    ["https://vault.acme.io/v1/secret", "URL"],
    ["123e4567-e89b-42d3-a456-426614174000", "UUID"],
    ["$2b$12$KIXQJfl8DrYk2qN3mUu5ve3r8bM5oTqJv2m9hZ6x1yT4wL0aB7cDe", "password hash"],
    ["{SSHA}abcdefghijklmnop", "template"],
    ["ENC[AES256_GCM,data:abc,iv:def]", "reference"],
    ["!vault", "reference"],
    ["12345678", "digit sequence"],
    [b64("changeme-later"), "base64 of text"],
    [b64("hunter2!x"), "base64 of text"],
  ])("rejects %s (%s)", (value, reason) => {
    expect(placeholderReason(value)).toContain(reason);
  });

  it("treats a dotted path, a constant name and camel-case words as identifiers", () => {
    expect(looksLikeIdentifier("config.db.password")).toBe(true);
    expect(looksLikeIdentifier("API_KEY")).toBe(true);
    expect(looksLikeIdentifier("accessToken")).toBe(true);
    expect(looksLikeIdentifier("hunter2")).toBe(false);
    expect(isPlaceholder("hunter2")).toBe(false);
  });
});

describe("validators", () => {
  it("not-placeholder and basic-auth are registered", () => {
    expect(getValidator("not-placeholder")?.("hunter2")).toBe(true);
    expect(getValidator("not-placeholder")?.("changeme")).toBe(false);
    expect(getValidator("basic-auth")?.(b64("deploy:Zq8vN2xKpL"))).toBe(true);
  });

  it("basic-auth wants printable user:password with a real password", () => {
    expect(isRealBasicAuth(b64("deploy:Zq8vN2xKpL"))).toBe(true);
    expect(isRealBasicAuth(b64("user:password"))).toBe(false);
    expect(isRealBasicAuth(b64("admin:"))).toBe(false);
    expect(isRealBasicAuth(b64("no-colon-here"))).toBe(false);
    expect(isRealBasicAuth(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x3a, 0x01]).toString("base64"))).toBe(false);
  });
});
