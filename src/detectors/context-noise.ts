/**
 * Values that a key-named (generic or context) rule matched but that are, in
 * their context, recognisably not credentials. The not-placeholder validator
 * judges a value alone; these judgements need the key it is assigned to or
 * the line it sits on, so the pattern engine runs them after the validator
 * for rules tagged `generic` or `service-context` and for fallbacks.
 *
 * Each shape was seen as noise in real infrastructure repositories:
 *
 * - `auth="Container"` in Tomcat `server.xml` / datasource XML: a key-like
 *   name (auth, token, key, secret) holding a plain word is a setting, not a
 *   key (passwords are excluded from this test: `ferret` is a password);
 * - checksum maps keyed by file paths (`/etc/pam.d/common-auth: 6b1f...`,
 *   `files/passwd.conf: sha256:...`): a digest of a file, whatever its name;
 * - `ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1`: a token-named setting whose
 *   value is a slug of words and small numbers (a name, chosen to be read);
 * - `REDISCLI_AUTH=$$REDIS_PASSWORD`: docker compose's escaped `$` (the
 *   container's shell expands it), a reference like `${VAR}`;
 * - `ftpfs_password=anonymous@`: anonymous FTP, where the password is by
 *   convention `anonymous`/`guest` or an e-mail address.
 */

/**
 * The key a value is assigned to, from the text of its line before the value:
 * the last word once quotes and separators are trimmed (`"hubspot_key": "` →
 * `hubspot_key`, `  /etc/pam.d/common-auth: ` → `/etc/pam.d/common-auth`).
 */
export function keyOf(linePrefix: string): string {
  // Scanned backwards by hand: a `[^…]*$` regex is quadratic on long lines.
  let end = linePrefix.length;
  while (end > 0 && TRAILING.has(linePrefix.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && !KEY_STOP.has(linePrefix.charCodeAt(start - 1))) start--;
  return linePrefix.slice(start, end);
}

const codes = (chars: string) => new Set([...chars].map((c) => c.charCodeAt(0)));
/** Quotes, separators and openers between a key and its value. */
const TRAILING = codes(" \t\r\n\"'`:=>,[](){");
/** Characters a key does not contain (its start is after the last of them). */
const KEY_STOP = codes(" \t\r\n\"'`=,;[({<");

/** Does the key name a password (human-chosen, so words are legitimate values)? */
export function isPasswordKey(key: string): boolean {
  return /pass|pwd|passphrase/i.test(key);
}

/** Hex digests of the common hash sizes (MD5 … SHA-512), or a `sha256:` / `sha512-` prefixed digest. */
const DIGEST =
  /^(?:(?:sha(?:1|224|256|384|512)|md5|blake2b?)[:-][A-Za-z0-9+/=_-]{16,}|[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;

/** A key that is a file path: has a directory separator, or ends in a file name with an extension. */
function isPathKey(key: string): boolean {
  const name = key.replace(/^[\s\-"']+/, "");
  return (
    /[\\/]/.test(name) ||
    /\.(?:conf|cfg|ini|j2|tpl|tmpl|template|json|ya?ml|xml|txt|sh|py|rb|js|ts|pem|key|crt|gz|tgz|tar|zip|jar|war|deb|rpm|bin|exe|dll|so|iso|img|db|sql|properties)$/i.test(
      name,
    )
  );
}

/** A slug: lowercase words and short numbers joined by - _ . (etcd-cluster-1, my_app.prod). */
const SLUG = /^[a-z]+\d?(?:[-_.](?:[a-z]+|\d{1,4}))+$/;

/** A word: letters only, short (Container, Application, enabled). */
const WORD = /^[A-Za-z]{1,16}$/;

/** Compose's escaped dollar: `$$VAR`, `$${VAR}`, `$${VAR:-x}`. */
const COMPOSE_ESCAPED_REF = /^\$\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*(?:[:?+-][^}]*)?\})$/;

/** Keyboard, alphabet and digit runs, one character repeated, a short unit repeated: typed stand-ins. */
export const TYPED_PATTERN = /0123456789|abcdefghij|qwertyuiop|asdfghjkl|zxcvbnm|(.)\1{7,}|(.{6,16})\2/i;

const ANONYMOUS_FTP = /^(?:anonymous|guest|ftp)(?:@[\w.-]*)?$/i;

/**
 * Why a value matched by a key-named rule is not a credential, or undefined
 * when it may be one. `linePrefix`: the value's line up to the value.
 */
export function contextNoiseReason(secret: string, linePrefix: string): string | undefined {
  if (COMPOSE_ESCAPED_REF.test(secret)) return "an escaped variable reference ($$VAR)";
  const key = keyOf(linePrefix);
  if (DIGEST.test(secret) && isPathKey(key) && !/(?:token|api[_-]?key|secret)$/i.test(key))
    return "a digest keyed by a file path (a checksum map)";
  const password = isPasswordKey(key);
  if (password) {
    if (ANONYMOUS_FTP.test(secret)) return "the anonymous-FTP convention, not a password";
    return undefined;
  }
  if (WORD.test(secret)) return "a plain word assigned to a key-like setting";
  if (TYPED_PATTERN.test(secret)) return "a typed pattern (alphabet, keyboard or repeated run), not a random key";
  if (SLUG.test(secret)) return "a slug of words and small numbers (a name, not a token)";
  return undefined;
}

/**
 * Words in a key that say its value is something other than a credential, for keyword-anchored
 * provider rules (tag `context`): their regex accepts any setting ending in token/key/secret next to
 * the provider's name, so `ACME_CSRF_TOKEN` or `acme_cache_key` match too. (Not `id`, `salt` or
 * `session`: eBay's Cert ID, PayU's salt and Coder's session token are the credentials.)
 */
const OTHER_THING_WORDS =
  /(?:^|[^a-z])(csrf|xsrf|nonce|cache|hash|hashed|checksum|digest|integrity|etag|commit|sha|sha1|sha256|md5|version|fingerprint|thumbprint|idempotency|correlation|trace|request|public|publishable|placeholder|example|sample|dummy|fake|mock)(?:[^a-z]|$)/;

/** A value made of words in camelCase or PascalCase (ApiKeyAuthenticationHandler): a name, not a key. */
const CASED_WORDS = /^(?:[A-Z][a-z]{2,}){2,}$|^[a-z]{2,}(?:[A-Z][a-z]{2,})+$/;

/**
 * Why a value a keyword-anchored provider rule matched is not a credential in its context, or
 * undefined. Lighter than `contextNoiseReason` (those rules already demand the provider's name, its
 * value format and entropy): the key names another kind of value, or the value is typed or a name.
 */
export function providerContextNoiseReason(secret: string, linePrefix: string): string | undefined {
  const key = keyOf(linePrefix)
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
  const other = OTHER_THING_WORDS.exec(key);
  if (other) return `key "${keyOf(linePrefix)}" names something else ("${other[1]}")`;
  if (TYPED_PATTERN.test(secret)) return "a typed pattern (alphabet, keyboard or repeated run), not a random key";
  if (CASED_WORDS.test(secret)) return "words in camelCase or PascalCase (a name, not a key)";
  return undefined;
}
