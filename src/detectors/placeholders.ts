/**
 * Is a value assigned to a secret-named key a real secret, or a placeholder,
 * a reference, an identifier or an encoding of something else?
 *
 * Generic rules (`password = ...`, `api_key: ...`, connection-string
 * passwords) match on the key name, so the value decides. A low-entropy human
 * password (`hunter2`) must still be reported, so this is not an entropy test:
 * it rejects what is recognisably *not* a literal secret:
 *
 * - template and variable syntax: `${VAR}`, `{{ .Values.x }}`, `$PASSWORD`,
 *   `%s`, `{password}`, `<password>`, `%DB_PASS%`, `__TOKEN__`;
 * - references to the environment or a secret store: `process.env.X`,
 *   `os.environ[...]`, `os.getenv(...)`, `ENV[...]`, `vault:...`, `!secret x`,
 *   SOPS `ENC[...]`;
 * - masks and fillers: `****`, `xxx`, `....`, one repeated character;
 * - dummy words, also with trailing digits or leetspeak: `changeme`,
 *   `example`, `dummy`, `test`, `password123`, `p@ssw0rd`, `null`, `true`;
 * - identifiers and expressions: `self.password`, `tokenValue`,
 *   `DB_PASSWORD`, `getSecret()`, file paths, URLs, UUIDs, hash formats;
 * - base64 that decodes to printable text: the encoded-secrets detector
 *   rescans the decoded value with its key, so reporting the encoding too
 *   would report one secret twice (and `Y2hhbmdlbWU=` is just "changeme").
 *
 * `placeholderReason` says why a value is rejected (for tests and tracing);
 * `isPlaceholder` is the boolean the `not-placeholder` validator uses.
 */

import { base62, crc32 } from "../packs/fake-secrets.js";

/** Whole-value dummy words (compared after lowercasing, stripping trailing digits/punctuation and leetspeak). */
const DUMMY_WORDS = new Set([
  "password",
  "passwd",
  "pass",
  "pwd",
  "passphrase",
  "passcode",
  "secret",
  "secrets",
  "token",
  "apikey",
  "api",
  "key",
  "changeme",
  "changeit",
  "changethis",
  "example",
  "sample",
  "dummy",
  "test",
  "testing",
  "tests",
  "tester",
  "fake",
  "mock",
  "placeholder",
  "redacted",
  "removed",
  "hidden",
  "masked",
  "none",
  "null",
  "nil",
  "undefined",
  "true",
  "false",
  "yes",
  "no",
  "on",
  "off",
  "default",
  "empty",
  "blank",
  "required",
  "optional",
  "todo",
  "tbd",
  "fixme",
  "replaceme",
  "foo",
  "bar",
  "baz",
  "foobar",
  "qux",
  "abc",
  "abcd",
  "abcde",
  "abcdef",
  "qwerty",
  "asdf",
  "letmein",
  "welcome",
  "admin",
  "administrator",
  "root",
  "guest",
  "user",
  "username",
  "login",
  "mysql",
  "postgres",
  "postgresql",
  "redis",
  "mongo",
  "mongodb",
  "rabbitmq",
  "sa",
  "value",
  "string",
  "str",
  "text",
  "xyz",
  "blah",
  "demo",
  "local",
  "localhost",
  "dev",
  "development",
  "staging",
  "prod",
  "production",
  "unset",
  "notset",
  "na",
  "unknown",
  "invalid",
  "anything",
  "whatever",
  "something",
  "bearer",
  "basic",
  "mypassword",
  "yourpassword",
  "mysecret",
  "yoursecret",
  "mytoken",
  "yourtoken",
  "secretkey",
  "secretvalue",
  "supersecret",
  "topsecret",
  "verysecret",
  "secretpassword",
  "testpassword",
  "testtoken",
  "testsecret",
  "passwordhere",
  "tokenhere",
  "secrethere",
  // "password" in other languages (UI labels in locale files).
  "passwort",
  "kennwort",
  "contrasea",
  "contrasena",
  "senha",
  "wachtwoord",
  "motdepasse",
  "parola",
  "haslo",
  "salasana",
  "losenord",
  "adgangskode",
  "passord",
  "heslo",
  "jelszo",
]);

/**
 * Published example credentials: RFC 6749 (OAuth 2.0) and RFC 6750 (Bearer) sample tokens, codes and
 * client secrets, which libraries repeat in docstrings and tests.
 */
const KNOWN_EXAMPLES = new Set([
  "2YotnFZFEjr1zCsicMWpAA",
  "tGzv3JOkF0XG5Qx2TlKWIA",
  "SplxlOBeZQQYbYS6WxSbIA",
  "gX1fBat3bV",
  "mF_9.B5f-4.1JqM",
  "8xLOxBtZp8",
]);

/** Substrings that mark a value as an example or stand-in wherever they occur. */
const DUMMY_MARKERS = [
  "example",
  "sample",
  "dummy",
  "placeholder",
  "changeme",
  "change_me",
  "change-me",
  "changeit",
  "replace_me",
  "replace-me",
  "replaceme",
  "your_",
  "your-",
  "yourpass",
  "yoursecret",
  "yourtoken",
  "yourkey",
  "yourapi",
  "insert",
  "redacted",
  "fake",
  "notreal",
  "not_real",
  "not-real",
  "not-a-real",
  "xxx",
  "***",
  "...",
  "•",
  "todo",
  "fixme",
  "goes-here",
  "goes_here",
  "goeshere",
  "mock",
];

/** Template, interpolation and secret-store reference syntax. */
const TEMPLATE =
  /\$\{|\$\(|\{\{|\}\}|\{%|%\}|<%|%>|#\{|@@|\[\[|\]\]|^\$[A-Za-z_{(]|^%[A-Za-z_]\w*%$|%(?:\([\w.]+\))?[sdvqrx]\b|\{[\w.:-]*\}|<[^<>]*>|^\[[^\]]*\]$|^__[A-Za-z0-9_]+__$|^@[A-Za-z_]\w*@?$/;

/** References to the environment, config or a secret manager; expressions. */
const REFERENCE =
  /process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv\(|System\.getenv|Environment\.GetEnvironmentVariable|\bENV\[|\bENV\.fetch|\benv\(|\bsecrets?\.[A-Za-z_]|\bvars\.[A-Za-z_]|^(?:vault|ssm|secretsmanager|awssm|gcpsm|azkv|op|sops|ref\+\w+|arn:aws):|^!(?:Ref|Sub|GetAtt|ImportValue|vault|secret|env|include)\b|^ENC\[|\blookup\(|^valueFrom\b|^secretKeyRef\b/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Password-hash and digest formats: derived values, not credentials. */
const HASH_FORMAT =
  /^(?:\$(?:2[abxy]?|5|6|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?|sha\d*|y|7)\$|\{(?:SSHA|SHA|SSHA256|SSHA512|MD5|SMD5|CRYPT|bcrypt|noop|pbkdf2|scrypt|sha256)\}|(?:sha(?:1|256|384|512)|md5|sha512-|sha256-|sha1-)[:-])/i;

const FILE_REFERENCE =
  /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:)|\.(?:pem|key|crt|cer|csr|p12|pfx|jks|keystore|json|ya?ml|txt|env|conf|cfg|ini|properties|der|pub|gpg|asc|secret|enc)$/i;

const SECRET_WORD = /pass|pwd|secret|token|key|auth|cred|cert|sign/i;

/** Keyboard and alphabet runs inside a value: "sk-1234567890abcdef", "abcdefghijklmnop", "qwertyuiop". */
const RUNS = /0123456789|123456789|abcdefghij|qwertyuiop|asdfghjkl|zyxwvuts|9876543210/i;

/** Digits-only sequences people type as stand-ins. */
const SEQUENCES = /^(?:0?123456789?0?|12345678?|1234567|123456|12345|1234|987654321?|9876543210)$/;

function normalise(value: string): string {
  return value
    .toLowerCase()
    .replace(/[\d!?.#*_\-+~]+$/, "") // password123!, secret_1
    .replace(/^[\d_\-.]+/, "")
    .replace(/@/g, "a")
    .replace(/\$/g, "s")
    .replace(/0/g, "o")
    .replace(/1/g, "i")
    .replace(/3/g, "e")
    .replace(/4/g, "a")
    .replace(/5/g, "s")
    .replace(/7/g, "t")
    .replace(/[^a-z]/g, "");
}

/** Base64 (standard or URL alphabet) whose decoding is printable text of at least 4 characters. */
export function isBase64OfText(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0) return false;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
  // Plain words and hex are valid base64 too; demand the mixed case of real encodings.
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value)) return false;
  const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length < 4) return false;
  for (const b of bytes) {
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b === 0x7f) return false;
  }
  const text = bytes.toString("utf8");
  return !text.includes("\uFFFD");
}

/**
 * GitHub (ghp_/gho_/ghu_/ghs_/ghr_) and npm (npm_) tokens end in a CRC32 of their body. A value in
 * that shape whose checksum fails is made up or edited (a fixture, a doc sample), not a credential;
 * the provider rules drop it by the same check, so the generic rules must not pick it up instead.
 */
export function failsKnownChecksum(value: string): boolean {
  if (!/^(?:gh[pousr]|npm)_[A-Za-z0-9]{36}$/.test(value)) return false;
  const body = value.slice(value.indexOf("_") + 1, -6);
  return base62(crc32(body), 6) !== value.slice(-6);
}

/** Identifiers and expressions: `self.password`, `tokenValue`, `DB_PASSWORD`, `getSecret()`. */
export function looksLikeIdentifier(value: string): boolean {
  // Dotted member access / module path: config.db.password, this.token, settings.API_KEY.
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) && !/\d/.test(value)) return true;
  if (/^[A-Za-z_$][\w$.]*\(.*\)$/.test(value)) return true; // call expression
  if (/^[A-Za-z_$][\w$]*\[[^\]]*\]$/.test(value)) return true; // index expression
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true; // ENV_VAR_NAME
  if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return true; // camelCase words
  if (/^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return true; // PascalCase words
  if (/^[a-z]+(?:[_-][a-z]+)+$/.test(value)) return true; // snake_case / kebab-case words
  // A secret word in a value made only of letters and separators: userPassword, api-key, my_token.
  if (/^[A-Za-z_.-]+$/.test(value) && SECRET_WORD.test(value)) return true;
  return false;
}

/** Why `value` is not a literal secret, or undefined when it may be one. */
export function placeholderReason(raw: string): string | undefined {
  const value = raw.trim();
  if (value.length < 3) return "too short";
  if (/^(.)\1+$/.test(value)) return "one repeated character";
  if (KNOWN_EXAMPLES.has(value)) return "published example value (RFC 6749/6750)";
  if (/^[xX*\u2022\u00b7.#_\-?0]+$/.test(value)) return "mask characters";
  const lower = value.toLowerCase();
  const marker = DUMMY_MARKERS.find((m) => lower.includes(m));
  if (marker) return `placeholder marker "${marker}"`;
  if (/(?:^|[^a-z])test(?:[^a-z]|$)|^test/i.test(value)) return "test value";
  if (TEMPLATE.test(value)) return "template or variable syntax";
  if (REFERENCE.test(value)) return "reference to the environment or a secret store";
  if (/^[*&][A-Za-z_][\w-]*$|^![A-Za-z]+$|^[|>][-+]?\d?$/.test(value)) return "YAML alias, tag or block indicator";
  if (value.startsWith("--")) return "command-line flag";
  if (value.startsWith("#")) return "comment";
  if (/^[<[]/.test(value)) return "placeholder in brackets";
  if (/^[-?=+:]/.test(value)) return "shell parameter expansion default or operator";
  if (failsKnownChecksum(value)) return "checksummed token format with a wrong checksum (a look-alike)";
  if (value.includes("://")) return "URL";
  if (FILE_REFERENCE.test(value)) return "file reference";
  if (UUID.test(value)) return "UUID";
  if (HASH_FORMAT.test(value)) return "password hash or digest";
  if (/^-?\d+(?:\.\d+)?$/.test(value) && value.length <= 5) return "small number";
  if (/^[~^=<>v]*\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(value)) return "version number";
  if (SEQUENCES.test(value)) return "digit sequence";
  if (RUNS.test(value)) return "keyboard or alphabet run";
  const word = normalise(value);
  if (word.length === 0 && /^[\d\W]+$/.test(value) && value.length < 6) return "no letters";
  if (DUMMY_WORDS.has(word)) return `dummy word "${word}"`;
  if (looksLikeIdentifier(value)) return "identifier or expression";
  if (isBase64OfText(value)) return "base64 of text (rescanned decoded by the encoded-secrets detector)";
  return undefined;
}

export function isPlaceholder(value: string): boolean {
  return placeholderReason(value) !== undefined;
}

/**
 * `Authorization: Basic <base64>`: the decoding must be printable `user:password`
 * with a password that is not a placeholder.
 */
export function isRealBasicAuth(encoded: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, "base64");
  for (const b of bytes) if (b < 0x20 || b === 0x7f) return false;
  const text = bytes.toString("utf8");
  if (text.includes("\uFFFD")) return false;
  const colon = text.indexOf(":");
  if (colon === -1) return false;
  const password = text.slice(colon + 1);
  return password.length > 0 && !isPlaceholder(password);
}
