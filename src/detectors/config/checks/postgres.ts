/**
 * pg_hba.conf records: `local DATABASE USER METHOD [OPTIONS]` and
 * `host* DATABASE USER ADDRESS [MASK] METHOD [OPTIONS]`.
 */
import type { Directive } from "../model.js";
import type { RuleContext } from "../report.js";

interface HbaRecord {
  d: Directive;
  type: string;
  address: string;
  method: string;
}

const HOST_TYPES = /^host(ssl|nossl|gssenc|nogssenc)?$/i;

function records(ctx: RuleContext): HbaRecord[] {
  const out: HbaRecord[] = [];
  for (const d of ctx.doc.directives ?? []) {
    const type = d.key.toLowerCase();
    if (type === "include" || type.startsWith("include_")) continue;
    if (!HOST_TYPES.test(type)) continue;
    const [, , address = "", maybeMask = "", ...rest] = d.args;
    // An IPv4 address without a CIDR suffix is followed by a separate netmask column.
    const hasMask = /^\d+\.\d+\.\d+\.\d+$/.test(address) && /^\d+\.\d+\.\d+\.\d+$/.test(maybeMask);
    const method = (hasMask ? rest[0] : maybeMask) ?? "";
    const addr = hasMask ? `${address}/${maybeMask}` : address;
    out.push({ d, type, address: addr, method: method.toLowerCase() });
  }
  return out;
}

export function postgresHbaTrust(ctx: RuleContext): void {
  for (const r of records(ctx)) {
    if (r.method !== "trust") continue;
    ctx.report({
      line: r.d.line,
      evidence: `${r.d.key} ${r.d.value}`,
      message: `pg_hba.conf allows ${r.type} connections from ${r.address} with \`trust\`: anyone who can connect logs in as any database user, without a password. Use scram-sha-256 (or cert) instead of trust.`,
    });
  }
}

const OPEN = /^(0\.0\.0\.0\/0|::\/0|0\.0\.0\.0\/0\.0\.0\.0|all|0\.0\.0\.0)$/i;
const WEAK = /^(trust|password|md5|ident)$/;

export function postgresHbaOpenAddress(ctx: RuleContext): void {
  for (const r of records(ctx)) {
    if (!OPEN.test(r.address) || !WEAK.test(r.method)) continue;
    if (r.type === "hostssl" && r.method !== "trust") continue;
    ctx.report({
      line: r.d.line,
      evidence: `${r.d.key} ${r.d.value}`,
      message: `pg_hba.conf accepts ${r.type} connections from any address (${r.address}) with the weak method \`${r.method}\`. Restrict the address range to your application network and use hostssl with scram-sha-256.`,
    });
  }
}
