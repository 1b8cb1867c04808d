/**
 * The service-name data file, `patterns/services/services.yaml`, parsed and
 * validated entry by entry: a broken entry is a GitwardError naming file, line
 * and field. The build runs this and writes the result to
 * `dist/service-names.json`, which scans read (service-names.ts); kept apart so
 * that no scan loads the YAML parser for it.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { isMap, isSeq } from "yaml";
import { GitwardError } from "../errors.js";
import { parseYamlSource } from "../util/yaml-source.js";
import {
  indexServices,
  SERVICES_CACHE_FILE,
  SERVICES_FILE,
  type Service,
  type ServiceNames,
  type ServicesCache,
  serviceIndex,
  term,
} from "./service-names.js";

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

/** Validates the built-in file and writes dist/service-names.json (the build runs this). */
export function writeServicesCache(): number {
  const st = statSync(SERVICES_FILE);
  const { services } = parseServiceNames(SERVICES_FILE, readFileSync(SERVICES_FILE, "utf8"));
  const cache: ServicesCache = { size: st.size, mtimeMs: st.mtimeMs, services, index: serviceIndex(services) };
  writeFileSync(SERVICES_CACHE_FILE, JSON.stringify(cache));
  return services.length;
}
