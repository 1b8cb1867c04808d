/**
 * The Docker daemon API on a TCP socket without TLS client verification,
 * wherever the daemon is configured: daemon.json, systemd units and drop-ins,
 * /etc/default/docker and /etc/sysconfig/docker (DOCKER_OPTS, OPTIONS),
 * scripts and Dockerfiles that start dockerd or write those files, and
 * Compose/Kubernetes containers that run dockerd (docker:dind) with `-H tcp://`.
 *
 * What makes it safe is `--tlsverify` (or `"tlsverify": true`) with client
 * certificates: `--tls` alone encrypts but lets any client in. A file that
 * turns tlsverify on anywhere (DOCKER_OPTS are often built over several lines)
 * is treated as safe.
 */
import type { RuleContext } from "../report.js";
import { get, str } from "../tree.js";
import { isTruthy } from "../values.js";
import { containers } from "./containers.js";
import { maskComments } from "./tls-off.js";
import { listItems } from "./util.js";

const MESSAGE = (where: string) =>
  `The Docker daemon listens on ${where} without TLS client verification: anyone who reaches the port gets root on the host. Use the unix socket (or SSH), or enable --tlsverify with --tlscacert/--tlscert/--tlskey on port 2376 (--tls alone does not check clients).`;

/** A host flag with a TCP address: `-H tcp://...`, `--host=tcp://...`, `"-H", "tcp://..."`. */
const HOST_FLAG = /(?:^|[\s"'[,(])(?:-H|--host)(?:\s+|=|["']\s*,\s*["']|\s*["']\s+["']?)["']?(tcp:\/\/[^\s"',\]]+)/;
/** The flag is given to the daemon (not to a docker client talking to a remote daemon). */
const DAEMON_CONTEXT =
  /\bdockerd\b|\bdocker\s+(?:daemon|-d)\b|\bDOCKER_OPTS\b|\bDOCKER_OPTIONS\b|\bDOCKERD_OPTS\b|^\s*(?:export\s+)?OPTIONS=|\bother_args\b|\bExecStart\s*=/;
const TLSVERIFY_FLAG = /--tlsverify(?!=(?:false|0))\b/;
/** daemon.json written by a script or a config-management template. */
const JSON_HOSTS = /"hosts"\s*:\s*\[[^\]]*?"(tcp:\/\/[^"]+)"/;
const JSON_TLSVERIFY = /"tlsverify"\s*:\s*true\b/;

export function dockerDaemonTcpWithoutTls(ctx: RuleContext): void {
  if (ctx.fileType === "compose" || ctx.fileType === "kubernetes") {
    daemonContainers(ctx);
    return;
  }
  if (ctx.doc.trees && ctx.fileType === "docker-daemon") {
    for (const root of ctx.doc.trees) {
      if (isTruthy(str(get(root, "tlsverify")))) continue;
      for (const h of listItems(get(root, "hosts"))) {
        if (h.type !== "scalar" || !/^tcp:\/\//i.test(h.value)) continue;
        ctx.report({
          line: h.pos.line,
          col: h.pos.col,
          endCol: h.pos.endCol,
          evidence: `hosts ${h.value}`,
          message: MESSAGE(h.value),
        });
      }
    }
    return;
  }
  const lines = maskComments(ctx.doc.lines, "hash");
  const whole = lines.join("\n");
  if (TLSVERIFY_FLAG.test(whole) || JSON_TLSVERIFY.test(whole)) return;
  // Join continuation lines so that `ExecStart=/usr/bin/dockerd \` + `  -H tcp://...` is one command.
  for (let i = 0; i < lines.length; i++) {
    let logical = lines[i] as string;
    const first = i;
    while (logical.endsWith("\\") && i + 1 < lines.length) logical = `${logical.slice(0, -1)} ${lines[++i]}`;
    const m = HOST_FLAG.exec(logical) ?? JSON_HOSTS.exec(logical);
    if (!m) continue;
    if (!JSON_HOSTS.test(logical) && !DAEMON_CONTEXT.test(logical)) continue;
    const addr = m[1] as string;
    const line = findLine(ctx.doc.lines, first, i, addr);
    const text = ctx.doc.lines[line - 1] ?? "";
    const col = text.indexOf(addr) + 1;
    ctx.report({
      line,
      col: col > 0 ? col : 1,
      ...(col > 0 ? { endCol: col + addr.length } : {}),
      evidence: m[0].trim(),
      message: MESSAGE(addr),
    });
  }
}

function findLine(lines: string[], from: number, to: number, needle: string): number {
  for (let l = from; l <= to; l++) if ((lines[l] ?? "").includes(needle)) return l + 1;
  return from + 1;
}

/** Compose services and Kubernetes containers that run dockerd (docker:dind) on a TCP host. */
function daemonContainers(ctx: RuleContext): void {
  for (const c of containers(ctx.doc, ctx.fileType)) {
    const joined = c.words.map((w) => w.text).join(" ");
    const dind = /(^|\/)docker:[^\s]*dind|(^|\/)dind\b|(^|\/)docker:.*-dind/i.test(c.image) || /\bdockerd\b/.test(joined);
    if (!dind || TLSVERIFY_FLAG.test(joined)) continue;
    for (let i = 0; i < c.words.length; i++) {
      const w = c.words[i] as (typeof c.words)[number];
      const m = /^(?:(?:-H|--host)=)?(tcp:\/\/\S+)$/.exec(w.text);
      if (!m) continue;
      const prev = c.words[i - 1]?.text;
      if (!/^(-H|--host)=/.test(w.text) && prev !== "-H" && prev !== "--host") continue;
      ctx.report({
        line: w.line,
        col: w.col,
        endCol: w.endCol,
        evidence: `${c.name}: ${prev === "-H" || prev === "--host" ? `${prev} ` : ""}${w.text}`,
        message: MESSAGE(m[1] as string),
      });
    }
  }
}
