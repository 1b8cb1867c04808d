/**
 * What a file is, from its content. File names vary (a MongoDB server config
 * may be `mongod.conf`, a Kubernetes Deployment may be `mongodb.yaml`, a
 * redis *client* settings file may be `redis-client.conf`), so a rule that
 * reports a *missing* setting must know the file's kind from the directives
 * only that server has, and never read an orchestration file (Kubernetes
 * manifest, Ansible playbook, Helm template, Compose file) as a server config.
 *
 * Every test here is a handful of anchored regexes over the text: they run
 * only for files whose path already made them candidates.
 */

/** A Kubernetes API object (or a list of them): `apiVersion:` and `kind:` at a line start. */
export function isKubernetesManifest(text: string): boolean {
  return /^\s*"?apiVersion"?\s*:/m.test(text) && /^\s*"?kind"?\s*:\s*"?[A-Z]/m.test(text);
}

/** The first line that is not blank, a comment or a YAML document marker. */
function firstContentLine(text: string): string {
  const re = /^[^\n]*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = m[0].replace(/\r$/, "");
    if (!/^\s*(#.*|---\s*|%YAML.*|)$/.test(line)) return line;
    if (re.lastIndex === m.index) re.lastIndex++;
  }
  return "";
}

/**
 * An Ansible playbook, task or handler file (a YAML list of plays or tasks), or
 * a file of Ansible variables for a role. Server configs in YAML are maps at
 * the top level; playbooks and task files are lists.
 */
export function isAnsible(text: string): boolean {
  if (/^\s*-\s/.test(firstContentLine(text))) return true;
  return (
    /^\s*-?\s*(hosts|import_playbook|include_tasks|import_tasks|gather_facts|become)\s*:/m.test(text) &&
    /^\s*-?\s*(tasks|roles|handlers|pre_tasks|post_tasks)\s*:/m.test(text)
  );
}

/** A Helm chart template (Go templates over `.Values`/`.Release`, or in a chart's templates/ folder). */
export function isHelmTemplate(text: string, path = ""): boolean {
  if (/(^|\/)templates\/[^/]+\.(ya?ml|tpl|txt)$/i.test(path) && text.includes("{{")) return true;
  return /\{\{-?\s*(\.Values|\.Release|\.Chart|include\s|template\s|toYaml|if\s+\.Values)/.test(text);
}

/** A Compose file (a `services:` map at the top level with image/build entries). */
export function isCompose(text: string): boolean {
  return /^services\s*:/m.test(text) && /^\s+(image|build)\s*:/m.test(text);
}

/** Orchestration files that mention a server but are never that server's own config. */
export function isOrchestration(text: string, path = ""): boolean {
  return isKubernetesManifest(text) || isAnsible(text) || isHelmTemplate(text, path) || isCompose(text);
}

/** Distinct directive names of `names` that start a line as `name value` (space separated, not `=`). */
function distinctDirectives(text: string, names: RegExp): Set<string> {
  const out = new Set<string>();
  const re = new RegExp(`^[ \\t]*(${names.source})[ \\t]+[^\\s=]`, "gim");
  for (let m = re.exec(text); m; m = re.exec(text)) out.add((m[1] as string).toLowerCase());
  return out;
}

/** Directives only a Redis (or Sentinel) server reads. Clients have host/port/password/db. */
const REDIS_SERVER =
  /bind|protected-mode|daemonize|dbfilename|appendonly|appendfilename|appendfsync|save|requirepass|masterauth|maxmemory|maxmemory-policy|tcp-backlog|tcp-keepalive|cluster-enabled|cluster-config-file|cluster-node-timeout|rename-command|aclfile|replicaof|slaveof|supervised|unixsocket|io-threads|notify-keyspace-events|activerehashing|stop-writes-on-bgsave-error|rdbcompression|rdbchecksum|slowlog-log-slower-than|latency-monitor-threshold|enable-debug-command|lua-time-limit|repl-diskless-sync|hash-max-ziplist-entries|sentinel|user/;
const REDIS_COMMON = /port|dir|logfile|pidfile|loglevel|databases|timeout|include/;

/**
 * A Redis server config: at least one server-only directive and two distinct
 * Redis directives in Redis's own `name value` syntax, and no orchestration
 * file. A client settings file (`host`, `port`, `password`) is not one.
 */
export function isRedisServerConfig(text: string, path = ""): boolean {
  if (isOrchestration(text, path)) return false;
  const strong = distinctDirectives(text, REDIS_SERVER);
  // `user` and `save` are common words: count them only next to another server directive.
  const specific = [...strong].filter((d) => d !== "user" && d !== "save");
  // A `.conf` not named for Redis (`6379.conf`, `cache.conf`) needs more evidence than `redis.conf`.
  if (!/redis|sentinel|(^|\/)\d{4,5}\.conf/i.test(path)) return specific.length >= 3;
  if (specific.length === 0) return false;
  return strong.size + distinctDirectives(text, REDIS_COMMON).size >= 2;
}

const MONGOD_SECTIONS =
  /^(net|storage|systemLog|security|replication|processManagement|operationProfiling|sharding|setParameter|auditLog)\s*:/m;
const MONGOD_LEGACY =
  /^[ \t]*(dbpath|bind_ip|bind_ip_all|port|logpath|logappend|fork|auth|noauth|journal|nojournal|replSet|keyFile|nohttpinterface|rest|smallfiles|oplogSize|directoryperdb|quiet|pidfilepath|storageEngine|httpinterface|nounixsocket|maxConns)[ \t]*=/im;

/** Legacy (2.4-style) `key = value` lines in a mongod config, alone or mixed with YAML. */
export function hasMongodLegacyLines(text: string): boolean {
  return MONGOD_LEGACY.test(text);
}

/** A mongod server config: its YAML sections at the top level or its legacy `key = value` options. */
export function isMongodConfig(text: string, path = ""): boolean {
  if (isOrchestration(text, path)) return false;
  return MONGOD_SECTIONS.test(text) || MONGOD_LEGACY.test(text);
}

/** Settings only elasticsearch.yml / opensearch.yml have (flat dotted keys or their nested form). */
const ES_SETTINGS =
  /^("?)(cluster\.(name|initial_master_nodes|routing)|node\.(name|roles|master|data|ingest|attr)|network\.(host|bind_host|publish_host)|http\.(port|cors|host)|transport\.(port|host|tcp)|path\.(data|logs|repo)|discovery\.|xpack\.|bootstrap\.|gateway\.|plugins\.security\.|action\.(destructive|auto_create))/m;
const ES_NESTED = /^(cluster|node|network|discovery|xpack|bootstrap|plugins\.security)\s*:\s*(#.*)?$/m;

/** An Elasticsearch/OpenSearch node config, not a playbook or manifest named after it. */
export function isElasticsearchConfig(text: string, path = ""): boolean {
  if (isOrchestration(text, path)) return false;
  return ES_SETTINGS.test(text) || ES_NESTED.test(text);
}

/** A kubeconfig (`clusters:` with `cluster:` entries), whatever the file is named. */
export function isKubeconfig(text: string): boolean {
  return /^clusters\s*:/m.test(text) && /^\s*(-\s+)?cluster\s*:/m.test(text);
}

/** The interpreter a `#!` line names (sh, bash, python3...), or undefined. */
export function shebang(text: string): string | undefined {
  const m = /^#![ \t]*(\S+)(?:[ \t]+(?:-\S+[ \t]+)*(\S+))?/.exec(text);
  if (!m) return undefined;
  const prog = (m[1] as string).split("/").pop() as string;
  const interp = prog === "env" ? (m[2] ?? "") : prog;
  return interp.split("/").pop();
}

export function isShellScript(text: string): boolean {
  return /^(ba|da|k|z|a)?sh$/.test(shebang(text) ?? "");
}

export function isPythonScript(text: string): boolean {
  return /^python[\d.]*$/.test(shebang(text) ?? "");
}
