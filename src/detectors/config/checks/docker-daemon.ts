/** The Docker daemon API on a TCP socket without TLS client verification. */
import type { RuleContext } from "../report.js";
import { get, str } from "../tree.js";
import { isTruthy } from "../values.js";
import { listItems } from "./util.js";

const MESSAGE = (where: string) =>
  `The Docker daemon listens on ${where} without TLS client verification: anyone who reaches the port gets root on the host. Use the unix socket (or SSH), or enable --tlsverify with client certificates on port 2376.`;

export function dockerDaemonTcpWithoutTls(ctx: RuleContext): void {
  if (ctx.doc.trees) {
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
  ctx.doc.lines.forEach((line, i) => {
    if (/^\s*#/.test(line) || !/dockerd|docker\s+daemon|DOCKER_OPTS|OPTIONS=/.test(line)) return;
    const m = /(?:-H|--host)(?:\s+|=)['"]?(tcp:\/\/[^\s'"]+)/.exec(line);
    if (!m || /--tlsverify(?!=false)/.test(line)) return;
    ctx.report({
      line: i + 1,
      col: m.index + 1,
      endCol: m.index + 1 + m[0].length,
      evidence: m[0],
      message: MESSAGE(m[1] as string),
    });
  });
}
