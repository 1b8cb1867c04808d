/**
 * Puppet autosigning turned on by whatever writes the server's config: a
 * `file` resource or an Ansible `copy` task whose content is a bare `*` for
 * autosign.conf, or an `ini_setting` that sets `autosign = true`. The resource
 * spans several lines, so the check looks at the lines around each mention.
 */
import type { RuleContext } from "../report.js";
import { maskComments } from "./tls-off.js";

const WINDOW = 8;
const WILDCARD_CONTENT = /\bcontent\s*(?:=>|:)\s*["']\*(?:\\n)?["']/;
const AUTOSIGN_TRUE = /\bvalue\s*(?:=>|:)\s*["']?true\b/;

export function puppetAutosignWriter(ctx: RuleContext): void {
  if (ctx.fileType === "puppet-autosign") return;
  const lines = maskComments(ctx.doc.lines, "hash");
  const seen = new Set<number>();
  lines.forEach((text, i) => {
    const file = /autosign\.conf\b/.test(text);
    const setting = /\bsetting\s*(?:=>|:)\s*["']?autosign["']?/.test(text);
    if (!file && !setting) return;
    const re = file ? WILDCARD_CONTENT : AUTOSIGN_TRUE;
    for (let j = Math.max(0, i - WINDOW); j < Math.min(lines.length, i + WINDOW + 1); j++) {
      const m = re.exec(lines[j] as string);
      if (!m || seen.has(j)) continue;
      seen.add(j);
      ctx.report({
        line: j + 1,
        col: m.index + 1,
        endCol: m.index + 1 + m[0].length,
        evidence: m[0],
        related: [i + 1],
        message: file
          ? "autosign.conf is written with `*`: the Puppet server signs every certificate request, so any machine that reaches it becomes a trusted node and receives catalogs. List exact certnames or use policy-based autosigning."
          : "`autosign = true` is written to puppet.conf: the Puppet server signs every certificate request. Use `autosign = false` or policy-based autosigning.",
      });
    }
  });
}
