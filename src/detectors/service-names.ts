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
 * naming file, line and field.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq } from "yaml";
import { GitwardError } from "../errors.js";
import { PATTERNS_DIR } from "../packs/builtin-packs.js";
import { parseYamlSource } from "../util/yaml-source.js";

export interface Service {
  id: string;
  name: string;
  aliases: string[];
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
    "do op box front close wave sage unit increase ramp route ring nest height plane later loops batch stream segment split " +
    "heap branch buffer hover prism flood expose observe modal banana remote bob kit hue hex pub paper mega epic teams relay " +
    "glide tally fly mx ups here canvas comet drip drift crisp groove emma forge vapor porter synapse teller alloy sift flux " +
    "render railway daily chorus copper nimble nutshell keap mercury brex wise square gemini kraken alpaca linear notion " +
    "basecamp abstract framer ghost sanity payload phrase guru slab coda quip apple nasa census steam unity photon particle " +
    "ring tesla hologram helium balena sentry honeycomb axiom instana observe netdata consul nomad vault docker conda parse " +
    "fauna convex neon render cockroachdb chroma bonsai hunter reply apollo drift heap pendo later buffer batch airship " +
    "leanplum medium genius spotify reddit snap tumblr imgur bitly adjust singular branch kochava criteo route radar " +
    "positionstack mediastack weatherstack ipstack trakt steam riot cortex thanos mimir loki tempo prometheus zipkin jaeger " +
    "graphite flow temporal inngest svix expose prism mockoon smee porter qovery koyeb zeabur coolify dokku rancher forge " +
    "envoyer ploi plesk kinsta flywheel pantheon classy patreon substack revue kahoot teachable kajabi podia indeed " +
    "upwork fiverr toptal freelancer lever greenhouse workable gusto rippling deel oyster personio namely lattice " +
    "trinet route narvar postmates uber lyft instacart yelp expedia booking airbnb amadeus sabre duffel resy meetup " +
    "here esri radar enode whoop oura garmin fitbit strava dexcom epic cerner redox healthie validic expo fastlane diawi " +
    "moodle blackboard coursera udemy duolingo quizlet canvas glide bubble softr budibase retool make zapier n8n tines " +
    "workato tray pipedream postman insomnia stoplight kong apigee tyk mulesoft miro mural figma sketch adobe canva zeplin " +
    "webflow wix squarespace wordpress ghost contentful strapi prismic directus crowdin transifex evernote todoist height " +
    "shortcut teamwork podio favro asana trello jira confluence clickup airtable smartsheet wrike monday atlassian"
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

const FIELDS = new Set(["id", "name", "aliases"]);

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
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail(at(), `services[${i}]`, "expected a mapping {id, name, aliases}");
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!FIELDS.has(key)) fail(at(key), where(key), "unknown field (id, name, aliases)");
    const { id, name, aliases = [] } = entry;
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
    services.push({ id: id as string, name: name as string, aliases: aliases as string[] });
  });
  return indexServices(file, services);
}

function indexServices(file: string, services: Service[]): ServiceNames {
  const byTerm = new Map<string, Service>();
  let longest = 1;
  for (const s of services) {
    for (const name of [s.name, s.id, ...s.aliases]) {
      const t = term(name);
      // Two-letter names (do, nr, dd) match too much; the service's longer names remain.
      if (t.length < 3 || byTerm.has(t)) continue;
      byTerm.set(t, s);
      longest = Math.max(longest, Math.min(4, words(name).length));
    }
  }
  return {
    file,
    services,
    find(text: string, keyOnly = false): Service | undefined {
      const w = words(text);
      for (let i = 0; i < w.length; i++) {
        // Longest run first: "google cloud" before "google".
        for (let n = Math.min(longest, w.length - i); n >= 1; n--) {
          const t = w.slice(i, i + n).join("");
          const s = byTerm.get(t);
          if (s && (keyOnly || !COMMON_WORDS.has(t))) return s;
        }
      }
      return undefined;
    },
  };
}

let builtin: ServiceNames | undefined;

/** The built-in service names, loaded and validated on first use. */
export function builtinServiceNames(): ServiceNames {
  builtin ??= parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
  return builtin;
}
