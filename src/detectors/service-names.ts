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
 * The data is validated entry by entry when the build reads it
 * (service-names-file.ts): a broken entry is an error naming file, line and
 * field. Parsing the YAML takes most of a second, so the build writes the
 * validated list to `dist/service-names.json` with the file's size and mtime,
 * and scans read that (a few ms, on first use: only a candidate that survived
 * every other check needs a name). This module does not import the YAML
 * parser: it used to, and loading it cost every pre-commit hook ~5 ms (its
 * module code alone was a third of the hook's V8 code cache).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitwardError } from "../errors.js";
import { PATTERNS_DIR } from "../packs/builtin-packs.js";
import { inInstalledPackage } from "../util/installed-package.js";

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
export function term(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * What a lookup needs, computed from the services once: each name's term
 * (lowercase letters and digits) → index of its service, the first words of
 * multi-word names, and the longest run of words to try. The build stores it
 * in the cache with the services: computing it splits ~2,000 names into words,
 * which cost a hook that met a credential key a few milliseconds.
 */
export interface ServiceIndex {
  terms: [string, number][];
  firstWords: string[];
  longest: number;
}

export function serviceIndex(services: Service[]): ServiceIndex {
  const seen = new Set<string>();
  const terms: [string, number][] = [];
  /** First words of multi-word names: longer runs are looked up only from these. */
  const firstWords = new Set<string>();
  let longest = 1;
  services.forEach((s, i) => {
    for (const name of [s.name, s.id, ...s.aliases]) {
      const t = term(name);
      // Two-letter names (do, nr, dd) match too much; the service's longer names remain.
      if (t.length < 3 || seen.has(t)) continue;
      seen.add(t);
      terms.push([t, i]);
      const w = words(name);
      if (w.length > 1 && w[0]) firstWords.add(w[0]);
      longest = Math.max(longest, Math.min(4, w.length));
    }
  });
  return { terms, firstWords: [...firstWords], longest };
}

/** The lookup over validated services (from the build's cache or from service-names-file.ts). */
export function indexServices(file: string, services: Service[], index: ServiceIndex = serviceIndex(services)): ServiceNames {
  const byTerm = new Map<string, Service>();
  for (const [t, i] of index.terms) byTerm.set(t, services[i] as Service);
  const firstWords = new Set(index.firstWords);
  const { longest } = index;
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

export interface ServicesCache {
  size: number;
  mtimeMs: number;
  services: Service[];
  index: ServiceIndex;
}

/** Run from the sources (tests, tsx), the build's cache is in dist/. */
const SOURCE_CACHE_FILE = fileURLToPath(new URL("../../dist/service-names.json", import.meta.url));

function readFreshCache(): ServicesCache | undefined {
  for (const file of [SERVICES_CACHE_FILE, SOURCE_CACHE_FILE]) {
    try {
      const cache = JSON.parse(readFileSync(file, "utf8")) as ServicesCache;
      const st = statSync(SERVICES_FILE);
      // An installed package's files carry npm's extraction time: there the size decides (installed-package.ts).
      const sameTime = st.mtimeMs === cache.mtimeMs || inInstalledPackage(SERVICES_FILE);
      if (st.size === cache.size && sameTime && cache.index) return cache;
    } catch {
      // Absent or unreadable: try the next.
    }
  }
  return undefined;
}

let builtin: ServiceNames | undefined;

/** Has the built-in list been loaded (the first load reads a file: not a regex's time)? */
export function builtinServiceNamesLoaded(): boolean {
  return builtin !== undefined;
}

/**
 * The built-in service names, from the build's cache. A missing or stale cache
 * (services.yaml edited after the build) is an error, not a silent reparse:
 * the scan cannot name services it has not validated, and must not go on as if
 * it could.
 */
export function builtinServiceNames(): ServiceNames {
  if (!builtin) {
    const cached = readFreshCache();
    if (!cached)
      throw new GitwardError(
        `${SERVICES_CACHE_FILE} is missing or older than ${SERVICES_FILE}: run npm run build (it validates the service names and writes the file)`,
        "config",
      );
    builtin = indexServices(SERVICES_FILE, cached.services, cached.index);
  }
  return builtin;
}
