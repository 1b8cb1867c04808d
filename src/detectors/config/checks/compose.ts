/**
 * Compose semantics: published ports (short `"[ip:]host:container[/proto]"`
 * and long `{target, published, host_ip}` syntax) and volume mounts (short
 * `src:dst[:mode]` and long `{type: bind, source}` syntax).
 */
import type { Pos, TreeNode } from "../model.js";
import type { RuleContext } from "../report.js";
import { get, str } from "../tree.js";
import { composeServices } from "./containers.js";
import { listItems } from "./util.js";

/** Container ports of services that must not face the network without auth and TLS. */
const SENSITIVE_PORTS = new Map<number, string>([
  [6379, "Redis"],
  [6380, "Redis"],
  [26379, "Redis Sentinel"],
  [27017, "MongoDB"],
  [27018, "MongoDB"],
  [27019, "MongoDB"],
  [5432, "PostgreSQL"],
  [3306, "MySQL/MariaDB"],
  [33060, "MySQL X"],
  [1433, "SQL Server"],
  [1521, "Oracle"],
  [9200, "Elasticsearch"],
  [9300, "Elasticsearch transport"],
  [11211, "Memcached"],
  [2375, "Docker API"],
  [5672, "RabbitMQ"],
  [15672, "RabbitMQ management"],
  [5984, "CouchDB"],
  [9042, "Cassandra"],
  [7000, "Cassandra"],
  [8086, "InfluxDB"],
  [2379, "etcd"],
  [2380, "etcd"],
  [8500, "Consul"],
  [9092, "Kafka"],
  [2181, "ZooKeeper"],
  [7474, "Neo4j"],
  [7687, "Neo4j"],
  [8529, "ArangoDB"],
  [28015, "RethinkDB"],
  [50000, "Jenkins agent"],
  [4369, "Erlang EPMD"],
  [8091, "Couchbase"],
  [6432, "PgBouncer"],
  [9000, "MinIO/ClickHouse"],
  [8123, "ClickHouse"],
  [61616, "ActiveMQ"],
  [1883, "MQTT"],
]);

/** Images whose every published port is sensitive (web UIs without auth by default, generic ports). */
const SENSITIVE_IMAGES =
  /(^|\/)(redis|mongo|postgres|postgis|mysql|mariadb|elasticsearch|opensearch|memcached|rabbitmq|couchdb|cassandra|influxdb|etcd|consul|jenkins|docker|dind|minio|clickhouse|neo4j|mssql|kibana|adminer|phpmyadmin|mongo-express|pgadmin4?)([:@/-]|$)/i;

/** Server programs whose presence in a service's command identifies it (the image may be custom). */
const SERVER_COMMANDS =
  /(?:^|[\s/"'])(redis-server|redis-sentinel|mongod|mongos|postgres|mysqld|mariadbd|memcached|elasticsearch|rabbitmq-server|etcd|consul|dockerd|influxd|couchdb|cassandra|zkServer\.sh|kafka-server-start\.sh|clickhouse-server|minio)(?=[\s"']|$)/;

interface Port {
  hostIp: string | undefined;
  published: string | undefined;
  target: number;
  pos: Pos;
  text: string;
}

/** Parses one entry of `ports:`; undefined when it is not a literal port mapping. */
function parsePort(node: TreeNode): Port | undefined {
  if (node.type === "scalar") {
    const written = node.value.trim();
    // `${VAR:-default}` publishes the default unless overridden; `${VAR}` alone is unknown (kept as "?").
    const text = written.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, d: string | undefined) =>
      d !== undefined && d !== "" ? d : "?",
    );
    if (/\$\w/.test(text)) return undefined;
    // [ip:]host:container[/proto]; ip may be a bracketed IPv6 address.
    let rest = text.replace(/\/\w+$/, "");
    let hostIp: string | undefined;
    const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
    if (v6) {
      hostIp = v6[1];
      rest = v6[2] as string;
    }
    const parts = rest.split(":");
    const target = parts.pop() as string;
    const published = parts.pop();
    if (parts.length > 0) hostIp = parts.join(":");
    // An unknown host address may be anything: only a mapping without one is surely on all interfaces.
    if (hostIp?.includes("?")) return undefined;
    if (!/^(\d+(-\d+)?|\?)$/.test(target) || (published !== undefined && !/^(\d*(-\d+)?|\?)$/.test(published))) return undefined;
    return { hostIp, published, target: target === "?" ? 0 : Number.parseInt(target, 10), pos: node.pos, text: written };
  }
  if (node.type === "map") {
    const target = Number(str(get(node, "target")) ?? Number.NaN);
    if (!Number.isFinite(target)) return undefined;
    return {
      hostIp: str(get(node, "host_ip")),
      published: str(get(node, "published")),
      target,
      pos: node.pos,
      text: `${str(get(node, "host_ip")) ?? ""}${str(get(node, "host_ip")) ? ":" : ""}${str(get(node, "published")) ?? ""}:${target}`,
    };
  }
  return undefined;
}

function allInterfaces(ip: string | undefined): boolean {
  return ip === undefined || ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "*";
}

export function composeSensitivePortExposed(ctx: RuleContext): void {
  for (const svc of composeServices(ctx.doc)) {
    const image = str(get(svc.node, "image")) ?? "";
    // What the service is: its image, its name, or the server its command starts (a redis cluster node
    // built locally runs `redis-server --port 7000`).
    const command = [get(svc.node, "entrypoint"), get(svc.node, "command")]
      .flatMap((n) => listItems(n))
      .map((n) => str(n) ?? "")
      .join(" ");
    const server = SERVER_COMMANDS.exec(command)?.[1];
    const known = SENSITIVE_IMAGES.test(image) ? image : SENSITIVE_IMAGES.test(svc.name) ? svc.name : server;
    for (const item of listItems(get(svc.node, "ports"))) {
      const p = parsePort(item);
      if (!p || !allInterfaces(p.hostIp)) continue;
      const service = known ?? SENSITIVE_PORTS.get(p.target);
      if (!service) continue;
      const shown = item.type === "scalar" ? `"${p.text}"` : `target ${p.target}`;
      ctx.report({
        line: p.pos.line,
        col: p.pos.col,
        ...(p.pos.endLine === p.pos.line ? { endCol: p.pos.endCol } : {}),
        evidence: `${svc.name} ports ${p.text}`,
        message: `Service ${svc.name} publishes ${service} port ${p.target || p.text} on all interfaces (${shown}): it is reachable from the network and Docker bypasses host firewalls. Publish on loopback ("127.0.0.1:${p.published || p.target}:${p.target}") or remove the mapping and use the Compose network.`,
      });
    }
  }
}

interface Mount {
  source: string;
  pos: Pos;
}

function mounts(node: TreeNode | undefined): Mount[] {
  const out: Mount[] = [];
  for (const item of listItems(node)) {
    if (item.type === "scalar") {
      const source = item.value.split(":")[0] ?? "";
      if (item.value.includes(":")) out.push({ source, pos: item.pos });
    } else if (item.type === "map") {
      const source = str(get(item, "source"));
      const type = str(get(item, "type"));
      if (source && (type === undefined || type === "bind")) out.push({ source, pos: get(item, "source")?.pos ?? item.pos });
    }
  }
  return out;
}

const DOCKER_SOCKET = /(^|\/)(docker|podman|containerd|crio|cri-dockerd)\.sock$/;
const SENSITIVE_PATHS =
  /^(\/|\/etc|\/etc\/(shadow|sudoers|ssh|kubernetes)|\/root|\/root\/\.ssh|\/proc|\/sys|\/boot|\/dev|\/var\/lib\/docker|\/var\/lib\/kubelet|\/var\/run|\/run|\/home|~\/\.ssh|~\/\.aws|~\/\.kube|\/var\/lib\/containerd)\/?$/;

function reportMounts(ctx: RuleContext, pick: (source: string) => boolean, message: (svc: string, m: Mount) => string): void {
  for (const svc of composeServices(ctx.doc)) {
    for (const m of mounts(get(svc.node, "volumes"))) {
      if (!pick(m.source)) continue;
      ctx.report({ line: m.pos.line, col: m.pos.col, evidence: `${svc.name} volume ${m.source}`, message: message(svc.name, m) });
    }
  }
}

export function composeDockerSocketMount(ctx: RuleContext): void {
  reportMounts(
    ctx,
    (s) => DOCKER_SOCKET.test(s),
    (svc, m) =>
      `Service ${svc} mounts the container runtime socket ${m.source}: whoever controls the container controls the host (root). Remove the mount, or put a filtering proxy (e.g. docker-socket-proxy) in front of it.`,
  );
}

export function composeSensitiveHostPath(ctx: RuleContext): void {
  reportMounts(
    ctx,
    (s) => SENSITIVE_PATHS.test(s) && !DOCKER_SOCKET.test(s),
    (svc, m) =>
      `Service ${svc} mounts the sensitive host path ${m.source}: a compromised container can read or change host credentials and system files. Mount only the specific files it needs, read-only.`,
  );
}
