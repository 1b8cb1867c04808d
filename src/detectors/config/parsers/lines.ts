/**
 * Line-oriented config formats. They differ only in small ways, so one module:
 *
 * - `directives`: `key arg arg...` (redis.conf, pg_hba.conf, systemd units).
 * - `sshd`: the same, plus `Key=value`, and `Match` blocks that scope the
 *   settings after them (a setting inside `Match` is not global).
 * - `ini`: `[section]` headers and `key = value` (postgresql.conf, puppet.conf,
 *   .npmrc, .gitconfig, pip.conf, my.cnf); indented lines continue a value (pip).
 * - `nginx`: `directive args;` with `{}` blocks.
 * - `lines`: every non-comment line as-is (autosign.conf, env files).
 */
import type { Directive, Format, ParsedDocument } from "../model.js";

/** Splits on whitespace, respecting single and double quotes, and strips the quotes. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote = "";
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === "\\" && quote === '"' && i + 1 < text.length) {
        cur += text[++i];
      } else if (ch === quote) {
        quote = "";
      } else {
        cur += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** Index where a trailing `#`/`;` comment starts (preceded by whitespace, outside quotes), or -1. */
function commentStart(text: string, chars: string): number {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (chars.includes(ch) && (i === 0 || /\s/.test(text[i - 1] as string))) {
      return i;
    }
  }
  return -1;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) return t.slice(1, -1);
  return t;
}

export function parseLines(format: Format, _text: string, lines: string[]): ParsedDocument {
  if (format === "nginx") return { format, lines, directives: parseNginx(lines), problems: [] };
  const directives: Directive[] = [];
  let section: string | undefined;
  let match: string | undefined;
  const commentChars = format === "ini" ? "#;" : "#";
  lines.forEach((raw, i) => {
    const line = i + 1;
    const indent = raw.length - raw.trimStart().length;
    let body = raw.trim();
    if (!body || commentChars.includes(body[0] as string)) return;
    const cut = commentStart(body, commentChars);
    if (cut >= 0) body = body.slice(0, cut).trimEnd();
    if (!body) return;
    const endCol = indent + body.length + 1;
    if (format === "lines") {
      directives.push({ key: body, value: body, args: splitArgs(body), line, col: indent + 1, endCol });
      return;
    }
    if (format === "ini") {
      const sec = /^\[\s*([^\]]*?)\s*\]$/.exec(body);
      if (sec) {
        section = sec[1];
        return;
      }
      const prev = directives[directives.length - 1];
      if (indent > 0 && prev && prev.line === line - 1 && !/[=:]/.test(body)) {
        // pip.conf style continuation: `trusted-host =` followed by indented hosts.
        prev.args.push(...splitArgs(body));
        prev.value = `${prev.value} ${body}`.trim();
        return;
      }
      const kv = /^([^=\s]+)\s*(?:=\s*(.*)|\s+(.*))?$/.exec(body);
      const key = kv?.[1] ?? body;
      const value = unquote(kv?.[2] ?? kv?.[3] ?? "");
      const d: Directive = { key, value, args: splitArgs(value), line, col: indent + 1, endCol };
      if (section !== undefined) d.section = section;
      directives.push(d);
      return;
    }
    // directives / sshd
    const m = format === "sshd" ? /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(body) : /^(\S+)\s*(.*)$/.exec(body);
    const key = m?.[1] ?? body;
    const rest = (m?.[2] ?? "").trim();
    if (format === "sshd" && key.toLowerCase() === "match") {
      // `Match all` makes the following settings global again.
      match = /^all$/i.test(rest) ? undefined : rest;
      return;
    }
    const d: Directive = { key, value: unquote(rest), args: splitArgs(rest), line, col: indent + 1, endCol };
    if (match !== undefined) d.match = match;
    directives.push(d);
  });
  return { format, lines, directives, problems: [] };
}

/** nginx: words up to `;` are a directive, up to `{` open a block named by them. */
function parseNginx(lines: string[]): Directive[] {
  const out: Directive[] = [];
  const stack: string[] = [];
  let words: string[] = [];
  let start: { line: number; col: number } | undefined;
  for (let li = 0; li < lines.length; li++) {
    const text = lines[li] as string;
    let i = 0;
    while (i < text.length) {
      const ch = text[i] as string;
      if (/\s/.test(ch)) {
        i++;
        continue;
      }
      if (ch === "#") break;
      if (ch === ";" || ch === "{" || ch === "}") {
        if (ch === "}") {
          stack.pop();
        } else if (words.length > 0 && start) {
          const [key, ...args] = words;
          if (ch === "{") {
            stack.push(words.join(" "));
          } else {
            const d: Directive = {
              key: key as string,
              value: args.join(" "),
              args,
              line: start.line,
              col: start.col,
              endCol: text.length + 1,
            };
            if (stack.length) d.section = stack.join(">");
            out.push(d);
          }
        }
        words = [];
        start = undefined;
        i++;
        continue;
      }
      // A word: quoted or bare.
      if (!start) start = { line: li + 1, col: i + 1 };
      if (ch === '"' || ch === "'") {
        const end = text.indexOf(ch, i + 1);
        const stop = end < 0 ? text.length : end;
        words.push(text.slice(i + 1, stop));
        i = stop + 1;
      } else {
        let j = i;
        while (j < text.length && !/[\s;{}]/.test(text[j] as string)) j++;
        words.push(text.slice(i, j));
        i = j;
      }
    }
  }
  return out;
}
