/**
 * Terraform firewall rules open to the whole internet on administrative,
 * database and cache ports, across AWS (inline ingress blocks, security group
 * rules, VPC ingress rules, the security-group module), GCP firewalls and
 * Azure network security rules.
 */
import type { MapNode, Pos, TreeNode } from "../model.js";
import type { RuleContext } from "../report.js";
import { get, str } from "../tree.js";
import { entries, listItems } from "./util.js";

const PORTS = new Map<number, string>([
  [22, "SSH"],
  [3389, "RDP"],
  [23, "Telnet"],
  [21, "FTP"],
  [445, "SMB"],
  [5900, "VNC"],
  [5985, "WinRM"],
  [5986, "WinRM"],
  [3306, "MySQL"],
  [5432, "PostgreSQL"],
  [1433, "SQL Server"],
  [1521, "Oracle"],
  [27017, "MongoDB"],
  [6379, "Redis"],
  [11211, "Memcached"],
  [9200, "Elasticsearch"],
  [9300, "Elasticsearch"],
  [5984, "CouchDB"],
  [9042, "Cassandra"],
  [2375, "Docker API"],
  [2379, "etcd"],
  [6443, "Kubernetes API"],
  [10250, "kubelet"],
  [8086, "InfluxDB"],
  [5601, "Kibana"],
]);

const OPEN_CIDR = /^(0\.0\.0\.0\/0|::\/0|\*|internet|any)$/i;

export interface Resource {
  type: string;
  name: string;
  body: MapNode;
}

export function resources(ctx: RuleContext, kind = "resource"): Resource[] {
  const out: Resource[] = [];
  for (const tree of ctx.doc.trees ?? []) {
    for (const r of entries(tree)) {
      if (r.key !== kind) continue;
      for (const t of entries(r.value)) {
        if (kind === "module") {
          if (t.value.type === "map") out.push({ type: "module", name: t.key, body: t.value });
          continue;
        }
        for (const n of entries(t.value)) if (n.value.type === "map") out.push({ type: t.key, name: n.key, body: n.value });
      }
    }
  }
  return out;
}

function num(node: TreeNode | undefined): number | undefined {
  const v = str(node);
  if (v === undefined || node?.type !== "scalar" || node.expression) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Literal open CIDRs in an attribute (list or string), with their positions. */
function openCidrs(node: TreeNode | undefined): { value: string; pos: Pos }[] {
  return listItems(node).flatMap((n) =>
    n.type === "scalar" && !n.expression && OPEN_CIDR.test(n.value.trim()) ? [{ value: n.value, pos: n.pos }] : [],
  );
}

/** The risky ports within a range; `all` when the rule opens every port. */
function riskyPorts(from: number | undefined, to: number | undefined, protocol: string | undefined): string | undefined {
  const p = (protocol ?? "tcp").toLowerCase();
  if (p === "-1" || p === "all" || p === "*") return "all ports";
  if (p === "icmp" || p === "icmpv6" || p === "58" || p === "1") return undefined;
  if (from === undefined) return undefined;
  const hi = to ?? from;
  if (from <= 0 && hi >= 65535) return "all ports";
  const hits = [...PORTS].filter(([port]) => port >= from && port <= hi).map(([port, name]) => `${port} (${name})`);
  return hits.length ? hits.slice(0, 3).join(", ") + (hits.length > 3 ? ", ..." : "") : undefined;
}

function portRange(text: string): [number, number] | undefined {
  const t = text.trim();
  if (t === "*") return [0, 65535];
  const m = /^(\d+)(?:-(\d+))?$/.exec(t);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

function report(ctx: RuleContext, res: Resource, cidr: { value: string; pos: Pos }, ports: string): void {
  ctx.report({
    line: cidr.pos.line,
    col: cidr.pos.col,
    ...(cidr.pos.endLine === cidr.pos.line ? { endCol: cidr.pos.endCol } : {}),
    evidence: `${res.type}.${res.name} ${cidr.value} ${ports}`,
    message: `${res.type}.${res.name} allows inbound traffic from ${cidr.value} (the whole internet) to ${ports}. Restrict the source to known ranges (VPN, bastion, load balancer security group) or use SSM/IAP instead of open admin ports.`,
  });
}

function awsRule(ctx: RuleContext, res: Resource, body: TreeNode): void {
  const ports = riskyPorts(
    num(get(body, "from_port")),
    num(get(body, "to_port")),
    str(get(body, "protocol")) ?? str(get(body, "ip_protocol")),
  );
  if (!ports) return;
  for (const attr of ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"]) {
    for (const c of openCidrs(get(body, attr))) report(ctx, res, c, ports);
  }
}

/** terraform-aws-modules/security-group named rules. */
const MODULE_RULES =
  /^(ssh-tcp|rdp-tcp|rdp-udp|mysql-tcp|postgresql-tcp|mssql-tcp|oracle-db-tcp|redis-tcp|mongodb-27017-tcp|memcached-tcp|elasticsearch-rest-tcp|elasticsearch-java-tcp|docker-swarm-mngmt-tcp|winrm-http-tcp|winrm-https-tcp|all-all|all-tcp)$/;

export function terraformOpenIngress(ctx: RuleContext): void {
  for (const res of resources(ctx)) {
    const b = res.body;
    switch (res.type) {
      case "aws_security_group":
      case "aws_default_security_group":
        for (const e of b.entries) if (e.key === "ingress") for (const item of listItems(e.value)) awsRule(ctx, res, item);
        break;
      case "aws_security_group_rule":
        if (str(get(b, "type")) === "ingress") awsRule(ctx, res, b);
        break;
      case "aws_vpc_security_group_ingress_rule":
        awsRule(ctx, res, b);
        break;
      case "google_compute_firewall": {
        if ((str(get(b, "direction")) ?? "INGRESS").toUpperCase() !== "INGRESS") break;
        const cidrs = openCidrs(get(b, "source_ranges"));
        if (!cidrs.length) break;
        for (const allow of b.entries.filter((e) => e.key === "allow").flatMap((e) => listItems(e.value))) {
          const protocol = str(get(allow, "protocol"));
          const portList = listItems(get(allow, "ports")).flatMap((p) => (p.type === "scalar" ? [p.value] : []));
          const ranges = portList.length ? portList.map(portRange) : [[0, 65535] as [number, number]];
          const hit = ranges
            .map((r) => (r ? riskyPorts(r[0], r[1], protocol === "all" ? "all" : "tcp") : undefined))
            .find(Boolean);
          const ports = protocol === "all" ? "all ports" : hit;
          if (ports) for (const c of cidrs) report(ctx, res, c, ports);
        }
        break;
      }
      case "azurerm_network_security_rule":
      case "azurerm_network_security_group":
        for (const rule of res.type === "azurerm_network_security_rule"
          ? [b]
          : b.entries.filter((e) => e.key === "security_rule").flatMap((e) => listItems(e.value))) {
          if (!/^inbound$/i.test(str(get(rule, "direction")) ?? "") || !/^allow$/i.test(str(get(rule, "access")) ?? "")) continue;
          const cidrs = [...openCidrs(get(rule, "source_address_prefix")), ...openCidrs(get(rule, "source_address_prefixes"))];
          const portTexts = [
            ...listItems(get(rule, "destination_port_range")),
            ...listItems(get(rule, "destination_port_ranges")),
          ].flatMap((p) => (p.type === "scalar" ? [p.value] : []));
          const ports = portTexts
            .map(portRange)
            .map((r) => (r ? riskyPorts(r[0], r[1], str(get(rule, "protocol")) === "*" ? "tcp" : "tcp") : undefined))
            .find(Boolean);
          if (ports) for (const c of cidrs) report(ctx, res, c, ports);
        }
        break;
    }
  }
  for (const mod of resources(ctx, "module")) {
    const cidrs = [...openCidrs(get(mod.body, "ingress_cidr_blocks")), ...openCidrs(get(mod.body, "ingress_ipv6_cidr_blocks"))];
    if (!cidrs.length) continue;
    const named = listItems(get(mod.body, "ingress_rules")).flatMap((n) =>
      n.type === "scalar" && MODULE_RULES.test(n.value) ? [n.value] : [],
    );
    if (named.length) for (const c of cidrs) report(ctx, mod, c, named.join(", "));
  }
}
