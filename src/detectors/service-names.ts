/**
 * Service names as context: `patterns/services/services.yaml` lists the
 * services (id, name, aliases) whose name next to a token-shaped value says
 * whose token it likely is. The service-context rules use it to name the
 * service in their finding (`mapbox_token = '…'` → "likely Mapbox") and, for
 * call arguments (`client.connect("…")`), to require one.
 *
 * Matching works on words, not substrings: the text is split at separators
 * and camelCase boundaries and lowercased (`NEW_RELIC_LICENSE_KEY` → new,
 * relic, license, key; `hubspotApiKey` → hubspot, api, key), and runs of up to
 * four words are looked up joined (`newrelic`). So `monkey` never names Okta
 * or Key, and `new-relic`, `NewRelic` and `newrelic` all name New Relic.
 * Names that are also common words (Linear, Segment, Front, Stream) name a
 * service only inside the key itself, not in the lines around it.
 *
 * The data is loaded on first use (only a candidate that survived every other
 * check needs a name), validated entry by entry: a broken entry is an error
 * naming file, line and field. Parsing the YAML takes most of a second, so the
 * build writes the validated list to `dist/service-names.json` with the
 * file's size and mtime, and a fresh cache is read instead (a few ms).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isSeq } from "yaml";
import { GitwardError } from "../errors.js";
import { PATTERNS_DIR } from "../packs/builtin-packs.js";
import { parseYamlSource } from "../util/yaml-source.js";

export interface Service {
  id: string;
  name: string;
  aliases: string[];
  /**
   * The service's documented key format is a UUID (Heroku API keys, legacy npm tokens): only with
   * such a service named does a UUID under a credential key count as a key; elsewhere it is an id.
   */
  uuidKeys?: boolean;
}

export interface ServiceNames {
  file: string;
  services: Service[];
  /** The service named in `text` (first match, left to right), if any. `keyOnly`: also accept common-word names. */
  find(text: string, keyOnly?: boolean): Service | undefined;
}

export const SERVICES_FILE = join(PATTERNS_DIR, "services", "services.yaml");

/** Names that are also everyday words: they name a service only in the key itself. */
const COMMON_WORDS = new Set(
  (
    "do op box front close wave sage unit increase ramp route ring nest height plane later loops batch stream segment " +
    "split heap branch buffer hover prism flood expose observe modal banana remote bob kit hue hex pub paper mega epic " +
    "teams relay glide tally fly mx ups here canvas comet drip drift crisp groove emma forge vapor porter synapse teller " +
    "alloy sift flux render railway daily chorus copper nimble nutshell mercury wise square gemini kraken alpaca linear " +
    "notion basecamp abstract framer ghost sanity payload phrase guru slab coda quip apple steam unity photon particle " +
    "tesla hologram helium honeycomb axiom consul nomad vault docker parse fauna convex neon chroma bonsai hunter reply " +
    "apollo airship medium genius snap adjust singular radar flow temporal cortex tempo graphite classy indeed lever " +
    "greenhouse gusto namely lattice uber booking meetup whoop expo fastlane canvas bubble make kong postman insomnia " +
    "sketch mural payload directus monday height shortcut teamwork favro sentry rancher prometheus jaeger duffel " +
    "wasabi box mega storj arweave magic clerk keeper okta keep ring nest hue line viber discord zoom front intercom " +
    "close copper keap drip emma loops batch stream agora daily mux gong help scout canny heap split harness branch " +
    "adjust batch snap spotify genius later buffer route increase unit mercury ramp wave sage hover porter render " +
    "fly surge neon convex chroma bonsai flood runscope percy mabl acme force bird meta wit"
  ).split(" "),
);

/** Lowercased words of an identifier or text: split at non-alphanumerics and camelCase boundaries. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A name as looked up: lowercase letters and digits only. */
function term(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const FIELDS = new Set(["id", "name", "aliases", "uuidKeys"]);

/** Parses and validates a services file; throws a GitwardError naming file, line and field. */
export function parseServiceNames(file: string, text: string): ServiceNames {
  const source = parseYamlSource(file, text, "pack");
  const fail = (path: (string | number)[], field: string, problem: string): never => {
    throw new GitwardError(`${file}:${source.lineOf(path)}: ${field}: ${problem}`, "pack");
  };
  const root = source.doc.contents;
  if (!isMap(root)) fail([], "(file)", "expected a mapping with a `services` list");
  const list = source.doc.get("services", true);
  if (!isSeq(list)) fail(["services"], "services", "expected a list of services");
  const value = source.value as { services: unknown[] };
  const services: Service[] = [];
  const ids = new Map<string, number>();
  value.services.forEach((raw, i) => {
    const at = (f?: string) => (f ? ["services", i, f] : ["services", i]);
    const where = (f: string) => `services[${i}].${f}`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      fail(at(), `services[${i}]`, "expected a mapping {id, name, aliases}");
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry))
      if (!FIELDS.has(key)) fail(at(key), where(key), "unknown field (id, name, aliases, uuidKeys)");
    const { id, name, aliases = [], uuidKeys } = entry;
    if (typeof id !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(id))
      fail(at("id"), where("id"), `expected a kebab-case id, got ${JSON.stringify(id)}`);
    const first = ids.get(id as string);
    if (first !== undefined) fail(at("id"), where("id"), `duplicate id "${id}" (first at services[${first}])`);
    ids.set(id as string, i);
    if (typeof name !== "string" || term(name).length === 0)
      fail(at("name"), where("name"), `expected the service's name, got ${JSON.stringify(name)}`);
    if (!Array.isArray(aliases)) fail(at("aliases"), where("aliases"), "expected a list of names");
    (aliases as unknown[]).forEach((a, j) => {
      if (typeof a !== "string" || term(a).length === 0)
        fail(["services", i, "aliases", j], `${where("aliases")}[${j}]`, `expected a name, got ${JSON.stringify(a)}`);
    });
    if (uuidKeys !== undefined && typeof uuidKeys !== "boolean")
      fail(at("uuidKeys"), where("uuidKeys"), `expected true or false, got ${JSON.stringify(uuidKeys)}`);
    services.push({
      id: id as string,
      name: name as string,
      aliases: aliases as string[],
      ...(uuidKeys === true ? { uuidKeys: true } : {}),
    });
  });
  return indexServices(file, services);
}

function indexServices(file: string, services: Service[]): ServiceNames {
  const byTerm = new Map<string, Service>();
  /** First words of multi-word names: longer runs are looked up only from these. */
  const firstWords = new Set<string>();
  let longest = 1;
  for (const s of services) {
    for (const name of [s.name, s.id, ...s.aliases]) {
      const t = term(name);
      // Two-letter names (do, nr, dd) match too much; the service's longer names remain.
      if (t.length < 3 || byTerm.has(t)) continue;
      byTerm.set(t, s);
      const w = words(name);
      if (w.length > 1 && w[0]) firstWords.add(w[0]);
      longest = Math.max(longest, Math.min(4, w.length));
    }
  }
  return {
    file,
    services,
    find(text: string, keyOnly = false): Service | undefined {
      const w = words(text);
      for (let i = 0; i < w.length; i++) {
        // Longest run first: "google cloud" before "google".
        for (let n = firstWords.has(w[i] as string) ? Math.min(longest, w.length - i) : 1; n >= 1; n--) {
          const t = w.slice(i, i + n).join("");
          const s = byTerm.get(t);
          if (s && (keyOnly || !COMMON_WORDS.has(t))) return s;
        }
      }
      return undefined;
    },
  };
}

export const SERVICES_CACHE_FILE = fileURLToPath(new URL("../service-names.json", import.meta.url));

interface ServicesCache {
  size: number;
  mtimeMs: number;
  services: Service[];
}

/** Validates the built-in file and writes dist/service-names.json (the build runs this). */
export function writeServicesCache(): number {
  const st = statSync(SERVICES_FILE);
  const { services } = parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
  const cache: ServicesCache = { size: st.size, mtimeMs: st.mtimeMs, services };
  writeFileSync(SERVICES_CACHE_FILE, JSON.stringify(cache));
  return services.length;
}

/** Run from the sources (tests, tsx), the build's cache is in dist/. */
const SOURCE_CACHE_FILE = fileURLToPath(new URL("../../dist/service-names.json", import.meta.url));

function readFreshCache(): Service[] | undefined {
  for (const file of [SERVICES_CACHE_FILE, SOURCE_CACHE_FILE]) {
    try {
      const cache = JSON.parse(readFileSync(file, "utf8")) as ServicesCache;
      const st = statSync(SERVICES_FILE);
      if (st.size === cache.size && st.mtimeMs === cache.mtimeMs) return cache.services;
    } catch {
      // Absent or unreadable: try the next, then parse the YAML.
    }
  }
  return undefined;
}

let builtin: ServiceNames | undefined;

/** Has the built-in list been loaded (the first load reads a file: not a regex's time)? */
export function builtinServiceNamesLoaded(): boolean {
  return builtin !== undefined;
}

/** The built-in service names, loaded (from the build's cache when fresh) and validated on first use. */
export function builtinServiceNames(): ServiceNames {
  if (!builtin) {
    const cached = readFreshCache();
    builtin = cached
      ? indexServices(SERVICES_FILE, cached)
      : parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
  }
  return builtin;
}
