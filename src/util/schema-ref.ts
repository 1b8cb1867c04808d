/**
 * Where a file gitward writes (a starter config, a pack scaffold) points its
 * `$schema`, so editors validate it: the schema shipped in the package, as a
 * path relative to the file. The project's install (node_modules/gitward,
 * nearest first walking up) is preferred, as it travels with the project;
 * else the copy beside the running gitward.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const OWN_SCHEMAS = fileURLToPath(new URL("../../patterns/schemas/", import.meta.url));

export function schemaRef(fromDir: string, schema: "config.schema.json" | "pack.schema.json"): string {
  let target = join(OWN_SCHEMAS, schema);
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const installed = join(dir, "node_modules", "gitward", "patterns", "schemas", schema);
    if (existsSync(installed)) {
      target = installed;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const rel = relative(fromDir, target).split(sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}
