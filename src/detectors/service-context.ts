/**
 * The service-aware generic detector's judgement (rules tagged
 * `service-context`, patterns/secrets/service-context.yaml): is a value that
 * sits in a credential context (`<service> token = '…'`, `Using API_KEY=…`,
 * `"hubspot_key": "…"`, `--api-key …`, `X-Mapbox-Key: …`,
 * `client.connect("…")`) a token, and whose?
 *
 * The regexes find the context; this decides, in three steps, each of which
 * can reject (with a reason for `--debug`):
 *
 * 1. the key: its last word is a credential word (key, token, secret, sid,
 *    auth, license, pat…), and none of its words says the value is something
 *    else: an id, a hash or checksum, a nonce/CSRF/salt value, a version, a
 *    path or URL, a cache/sort/partition key;
 * 2. the value alone (`tokenShapeReason`): token-shaped (length, one token
 *    alphabet), random for its alphabet (Shannon entropy against what a random
 *    string of that length and alphabet reaches), not a placeholder, variable
 *    reference, version, path, URL, identifier or word;
 * 3. the service: named in the key or the two lines before (service-names.ts);
 *    call arguments must name one.
 */
import { TYPED_PATTERN } from "./context-noise.js";
import { isPlaceholder } from "./placeholders.js";
import { builtinServiceNames, builtinServiceNamesLoaded, type Service, words } from "./service-names.js";

export { builtinServiceNamesLoaded };

/** Last words of a key that make its value a credential. */
const CREDENTIAL_WORDS = new Set([
  "key",
  "keys",
  "apikey",
  "token",
  "tokens",
  "secret",
  "sid",
  "auth",
  "license",
  "licence",
  "credential",
  "credentials",
  "pat",
  "accesstoken",
  "authtoken",
  "secretkey",
  "accesskey",
]);

/** Words in a key that say the value is not a credential. */
const NOT_CREDENTIAL_WORDS = new Set([
  "hash",
  "hashed",
  "sha",
  "sha1",
  "sha256",
  "sha512",
  "md5",
  "checksum",
  "digest",
  "integrity",
  "etag",
  "csrf",
  "xsrf",
  "nonce",
  "salt",
  "iv",
  "commit",
  "revision",
  "rev",
  "version",
  "fingerprint",
  "thumbprint",
  "trace",
  "request",
  "correlation",
  "session",
  "cache",
  "path",
  "file",
  "dir",
  "url",
  "uri",
  "endpoint",
  "host",
  "name",
  "label",
  "title",
  "type",
  "format",
  "length",
  "size",
  "count",
  "prefix",
  "suffix",
  "header",
  "field",
  "column",
  "primary",
  "foreign",
  "sort",
  "partition",
  "idempotency",
  "translation",
  "i18n",
  "lookup",
  "dedup",
  "dedupe",
  "unique",
  "composite",
  "route",
  "storage",
  "state",
  "query",
  "cursor",
  "page",
  "next",
  "continuation",
  "pagination",
  "lock",
  "event",
  "message",
  "public",
  "publishable",
  "site",
  "recaptcha",
  "placeholder",
  "example",
  "sample",
  "dummy",
  "fake",
  "mock",
  "env",
  "var",
  "variable",
  "hint",
  "description",
  "pattern",
  "regex",
  "expires",
  "expiry",
  "ttl",
  "kid",
]);

/** Words that make a key an identifier's: its value is an id unless it carries a token prefix (`rzp_live_…`). */
const ID_WORDS = new Set(["id", "ids", "uuid", "guid"]);

/** Why the key does not make its value a credential, or undefined. */
export function keyNoiseReason(key: string, value: string): string | undefined {
  const w = words(key);
  const last = w[w.length - 1];
  const other = w.find((x) => NOT_CREDENTIAL_WORDS.has(x));
  if (other) return `key "${key}" names something else ("${other}")`;
  if (w.some((x) => ID_WORDS.has(x)) && !TOKEN_PREFIX.test(value)) return `key "${key}" names an identifier`;
  if (!last || (!CREDENTIAL_WORDS.has(last) && !ID_WORDS.has(last))) return `key "${key}" does not end in a credential word`;
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)*$/;
const URL_OR_PATH =
  /:\/\/|^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)|\/[A-Za-z]+\/|\.(?:js|ts|json|ya?ml|xml|html?|css|png|jpe?g|svg|txt|md|py|rb|go|java|php|sh|conf|cfg|ini|pem|crt|key|pub|log|lock|zip|gz|tar)$/i;
/** An identifier: words in camelCase, snake_case or kebab-case, no digits. */
const IDENTIFIER = /^(?:[A-Za-z][a-z]+|[A-Z]{2,}|[a-z]+)(?:[_.-]?(?:[A-Z][a-z]+|[A-Z]{2,}|[a-z]+))*$/;
const REFERENCE = /^\$|\$\{|\{\{|%\(|^%\w+%$|^@\w+@$|^<.*>$/;

/** The token alphabet a value is drawn from, and its size. */
function alphabet(value: string): { name: string; size: number } | undefined {
  if (/^[0-9]+$/.test(value)) return { name: "digits", size: 10 };
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return { name: "hex", size: 16 };
  if (/^[0-9a-z]+$/.test(value) || /^[0-9A-Z]+$/.test(value)) return { name: "base36", size: 36 };
  if (/^[0-9A-Za-z]+$/.test(value)) return { name: "base62", size: 62 };
  if (/^[0-9A-Za-z_-]+$/.test(value)) return { name: "base64url", size: 64 };
  if (/^[0-9A-Za-z+/]+={0,2}$/.test(value)) return { name: "base64", size: 64 };
  if (/^[0-9A-Za-z_.:~+/=-]+$/.test(value)) return { name: "token", size: 64 };
  return undefined;
}

function shannon(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * The entropy a random string of `length` characters from an alphabet of
 * `size` reaches on average: log2(size) less the small-sample bias
 * (Miller–Madow, (size − 1) / (2·length·ln 2)), and never more than log2(length).
 */
export function expectedEntropy(length: number, size: number): number {
  const bias = (Math.min(size, length) - 1) / (2 * length * Math.LN2);
  return Math.min(Math.log2(size) - bias, Math.log2(length));
}

/** Share of the random-string entropy a value must reach: random tokens sit near 1, words and patterns far below. */
const ENTROPY_SHARE = 0.8;

/** A readable token prefix: `pub-c-`, `sdk-`, `rzp_live_`, `lin_api_`. */
const TOKEN_PREFIX = /^(?:[a-z]{2,8}[-_]){1,3}(?=[A-Za-z0-9]{8})/;

/** The random part of a token: no readable prefix, no padding, no group separators. */
export function randomPart(value: string): string {
  let core = value.replace(/=+$/, "").replace(TOKEN_PREFIX, "");
  const stripped = core.replace(/[-_.:]/g, "");
  if (stripped.length >= 16 && core.length - stripped.length <= core.length / 5 && alphabet(stripped)) core = stripped;
  return core;
}

/** Why a value alone is not token-shaped, or undefined. */
export function tokenShapeReason(value: string): string | undefined {
  if (value.length < 16) return "shorter than 16 characters";
  if (value.length > 200) return "longer than 200 characters";
  if (REFERENCE.test(value)) return "a variable reference or template";
  if (VERSION.test(value)) return "a version string";
  if (URL_OR_PATH.test(value)) return "a URL or file path";
  const a = alphabet(value);
  if (!a) return "not one token alphabet";
  if (a.name === "digits") return "digits only (a number or id)";
  if (a.name === "hex" && value.length < 20) return "hex shorter than 20 (a key id or short hash)";
  if (IDENTIFIER.test(value)) return "an identifier or words";
  // Tokens mix classes: a digit, or both cases in a long value.
  if (!/\d/.test(value) && !(value.length >= 24 && /[a-z]/.test(value) && /[A-Z]/.test(value)))
    return "letters only (a word or identifier)";
  if (a.name !== "hex" && !UUID.test(value) && !/[a-zA-Z]/.test(value)) return "no letters";
  // Randomness is judged on the random part: without a readable prefix (`pub-c-`, `sdk-`, `rzp_live_`),
  // padding, and the separators of grouped formats (UUIDs, `xxxx-xxxx`), in the alphabet that part uses.
  const core = randomPart(value);
  const coreAlphabet = alphabet(core) ?? a;
  const h = shannon(core);
  const want = ENTROPY_SHARE * expectedEntropy(core.length, coreAlphabet.size);
  if (h < want) return `entropy ${h.toFixed(2)} below ${want.toFixed(2)} for ${coreAlphabet.name} of length ${core.length}`;
  if (TYPED_PATTERN.test(value)) return "a typed pattern (alphabet, keyboard or repeated run)";
  // (UUIDs are ids to the placeholder check; under a credential key they may be keys — Heroku, HubSpot,
  // Opsgenie — which the engine decides from the service named: services.yaml `uuidKeys`.)
  if (!UUID.test(value) && isPlaceholder(value)) return "a placeholder";
  return undefined;
}

/** Is the value a UUID (ids more often than keys: accepted only with a service whose keys are UUIDs)? */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The service named in the key, else in the text around it (the value's line and the two before). */
export function serviceNamed(key: string, around: string): Service | undefined {
  const names = builtinServiceNames();
  return names.find(key, true) ?? names.find(around);
}
