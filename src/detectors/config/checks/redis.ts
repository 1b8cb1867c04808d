/**
 * Redis semantics that a single setting does not capture. Redis uses the last
 * occurrence of a setting; with no `bind` it listens on every interface, and
 * protected mode only guards that case (no bind, no password).
 */
import type { Directive } from "../model.js";
import type { RuleContext } from "../report.js";
import { items } from "../values.js";
import { isLoopback } from "./util.js";

interface RedisState {
  bind?: Directive;
  protectedMode?: Directive;
  /** A directive that sets a password (requirepass, aclfile, ACL user with >password). */
  password?: Directive;
  /** `user default on nopass`: explicitly no password. */
  nopass?: Directive;
}

function last(ds: Directive[], key: string): Directive | undefined {
  let out: Directive | undefined;
  for (const d of ds) if (d.key.toLowerCase() === key) out = d;
  return out;
}

function state(ctx: RuleContext): RedisState {
  const ds = ctx.doc.directives ?? [];
  const s: RedisState = {};
  const bind = last(ds, "bind");
  if (bind) s.bind = bind;
  const pm = last(ds, "protected-mode");
  if (pm) s.protectedMode = pm;
  const requirepass = last(ds, "requirepass");
  if (requirepass && requirepass.value !== "") s.password = requirepass;
  const aclfile = last(ds, "aclfile");
  if (!s.password && aclfile) s.password = aclfile;
  for (const d of ds) {
    if (d.key.toLowerCase() !== "user") continue;
    const args = d.args.slice(1);
    if (args.some((a) => a.startsWith(">") || a.startsWith("#"))) {
      if (d.args[0] === "default" || !s.password) s.password = d;
    }
    if (d.args[0] === "default" && args.includes("nopass") && args.includes("on")) s.nopass = d;
  }
  if (s.nopass && s.password?.key.toLowerCase() === "user" && s.password.args[0] === "default" && s.password.line < s.nopass.line)
    delete s.password;
  return s;
}

/** Addresses Redis listens on: none given means every interface. */
function exposure(s: RedisState): "all" | "network" | "loopback" {
  if (!s.bind) return "all";
  const addrs = items(s.bind.value);
  if (addrs.some((a) => /^(0\.0\.0\.0|\*|::|::\*)$/.test(a))) return "all";
  return addrs.every(isLoopback) ? "loopback" : "network";
}

const protectedOff = (s: RedisState) => s.protectedMode !== undefined && /^no$/i.test(s.protectedMode.value);

export function redisUnauthenticatedExposure(ctx: RuleContext): void {
  const s = state(ctx);
  if (s.password && !s.nopass) return;
  const exp = exposure(s);
  if (exp === "loopback") return;
  // An explicit bind disables protected mode's guard; without bind, protected mode must be off too.
  const reachable = s.bind ? true : protectedOff(s);
  if (!reachable) return;
  const at = s.bind ?? s.protectedMode;
  if (!at) return;
  const related = [s.bind?.line, s.protectedMode?.line].filter((l): l is number => l !== undefined && l !== at.line);
  ctx.report({
    line: at.line,
    evidence: `${at.key} ${at.value}`,
    related,
    message: `Redis accepts unauthenticated connections from the network (${s.bind ? `bind ${s.bind.value}` : "no bind"}${s.protectedMode ? `, protected-mode ${s.protectedMode.value}` : ""}, no requirepass/ACL password): anyone who reaches the port can read data and run CONFIG to write files. Bind to 127.0.0.1 or a private address and set requirepass or ACL users.`,
  });
}

export function redisNoPassword(ctx: RuleContext): void {
  const s = state(ctx);
  if (s.password && !s.nopass) return;
  if (exposure(s) === "loopback") return;
  if (s.nopass) {
    ctx.report({
      line: s.nopass.line,
      evidence: `user ${s.nopass.value}`,
      message:
        "The Redis default user is enabled with nopass: clients authenticate without a password. Give it a password (`user default on >secret ...`) or disable it.",
    });
    return;
  }
  ctx.report({
    line: 1,
    evidence: "missing requirepass",
    fileLevel: true,
    touch: ["requirepass", "bind", "user ", "aclfile"],
    message: `Redis listens on ${s.bind ? `\`bind ${s.bind.value}\`` : "every interface (no bind)"} without a password: add \`requirepass <strong secret>\` or ACL users with passwords (\`user app on >secret ~* +@all\`).`,
  });
}

const DANGEROUS = ["flushall", "flushdb", "config", "debug", "shutdown", "keys", "eval", "module", "save", "bgsave"];

export function redisDangerousCommands(ctx: RuleContext): void {
  const ds = ctx.doc.directives ?? [];
  for (const d of ds) {
    const k = d.key.toLowerCase();
    if (
      (k === "enable-debug-command" || k === "enable-module-command" || k === "enable-protected-configs") &&
      /^yes$/i.test(d.value)
    ) {
      ctx.report({
        line: d.line,
        evidence: `${d.key} ${d.value}`,
        message: `\`${d.key} yes\` lets any client run ${k.replace(/^enable-|-command$|-configs$/g, "").toUpperCase()} commands remotely. Use \`${d.key} local\` or \`no\`.`,
      });
    }
  }
  const s = state(ctx);
  if (exposure(s) === "loopback") return;
  const renamed = new Set(ds.filter((d) => d.key.toLowerCase() === "rename-command").map((d) => (d.args[0] ?? "").toLowerCase()));
  const aclRestricts = ds.some(
    (d) => d.key.toLowerCase() === "user" && /-@(dangerous|admin|all)|-config|-flushall/i.test(d.value),
  );
  if (aclRestricts || s.password?.key.toLowerCase() === "aclfile") return;
  const open = DANGEROUS.filter((c) => !renamed.has(c)).slice(0, 4);
  if (renamed.has("config") && renamed.has("flushall")) return;
  ctx.report({
    line: 1,
    evidence: "missing rename-command",
    fileLevel: true,
    touch: ["rename-command", "bind"],
    message: `Redis is reachable beyond localhost and dangerous commands (${open.map((c) => c.toUpperCase()).join(", ")}) are available to every client: disable them with \`rename-command CONFIG ""\` (and FLUSHALL, FLUSHDB, DEBUG) or restrict them with ACLs (\`-@dangerous\`).`,
  });
}
