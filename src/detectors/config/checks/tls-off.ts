/**
 * TLS certificate verification turned off, in every file type where it is
 * written: commands (shell scripts, Dockerfile RUN/ENV, CI steps, Jenkins job
 * steps, Ansible shell tasks, Puppet exec), code (Python, JavaScript/TypeScript,
 * Go, Java/Kotlin, Ruby) and tool config files (.curlrc, yum .repo, apt.conf).
 *
 * Each file type names the comment syntax of its language; comments are
 * blanked (columns kept) before the vocabulary is searched, so commented-out
 * lines and documentation comments are not findings. Shell line continuations
 * are joined so `curl \` + `  -k URL` is one command.
 */
import type { RuleContext } from "../report.js";
import { fillTemplate } from "../report.js";

type Comments = "hash" | "c" | "xml" | "none";

/** Comment syntax per file type (the rule's file types). */
const COMMENTS: Record<string, Comments> = {
  shell: "hash",
  "shell-shebang": "hash",
  "ci-yaml": "hash",
  "ansible-tasks": "hash",
  "puppet-manifest": "hash",
  python: "hash",
  "python-shebang": "hash",
  ruby: "hash",
  "tool-tls-config": "hash",
  dockerfile: "hash",
  kubeconfig: "hash",
  kubernetes: "hash",
  "docker-service": "hash",
  compose: "hash",
  javascript: "c",
  go: "c",
  jvm: "c",
};

/** What turns verification off, per language. Each regex finds the setting as written. */
export const VOCABULARY: Record<string, RegExp[]> = {
  shell: [
    /\bcurl\b[^|;&\n]*?\s(?:-[a-zA-Z]*k[a-zA-Z]*|--insecure)(?=[\s"'`)]|$)/,
    /\bwget\b[^|;&\n]*?\s--no-check-certificate\b/,
    /\b(?:npm|yarn|pnpm)\s+(?:config\s+)?set\s+strict[-_]ssl(?:\s+|=)["']?false\b/,
    /--strict-ssl(?:=|\s+)false\b/,
    /\bnpm_config_strict_ssl["']?\s*[=:]\s*["']?false\b/i,
    /\bGIT_SSL_NO_VERIFY["']?\s*[=:\s]\s*["']?(?:1|true|yes)\b/,
    /\bgit\b[^|;&\n]*?\bhttp\.(?:\S*\.)?sslverify(?:\s+|=)["']?(?:false|0|no|off)\b/i,
    /\bNODE_TLS_REJECT_UNAUTHORIZED["']?\s*[=:\s]\s*["']?0\b/,
    /\bPYTHONHTTPSVERIFY["']?\s*[=:\s]\s*["']?0\b/,
    /\b(?:pip3?|python3?\s+-m\s+pip|uv\s+pip|pipenv|poetry)\b[^|;&\n]*?\s--trusted-host\b/,
    /\bPIP_TRUSTED_HOST["']?\s*[=:]\s*["']?\w/,
    /\bpip3?\s+config\s+set\s+\S*trusted-host\b/,
    /--insecure-skip-tls-verify(?:=true)?(?![=\w-])/,
    /\binsecure-skip-tls-verify\s*:\s*["']?true\b/,
    /\baws\b[^|;&\n]*?\s--no-verify-ssl\b/,
    /--tls-verify(?:=|\s+)false\b/,
    /--trust-server-cert(?:-failures)?\b/,
    /\bcomposer\b[^|;&\n]*?\bconfig\b[^|;&\n]*?\b(?:disable-tls\s+true|secure-http\s+false)\b/,
    /\bconda\s+config\s+--set\s+ssl_verify\s+(?:false|no|0)\b/,
    /Acquire::https?::(?:[^:\s]+::)?Verify-(?:Peer|Host)["'\s=]*"?false\b/i,
    /\bcheck_certificate\s*=\s*off\b/,
    /\becho\s+["']?(?:-k|--insecure|insecure)["']?\s*>>?\s*\S*\.curlrc\b/,
    // yum/dnf on the command line (a bare `sslverify = false` in a heredoc may be a git config test).
    /--setopt[= ]\S*sslverify=(?:0|false|no)\b/i,
    /\bVAULT_SKIP_VERIFY["']?\s*[=:\s]\s*["']?(?:1|true)\b/,
  ],
  python: [
    /\bverify\s*=\s*False\b/,
    /\bssl\._create_unverified_context\b/,
    /\bcheck_hostname\s*=\s*False\b/,
    // A setting, not a comparison (`if ctx.verify_mode == ssl.CERT_NONE`).
    /\b(?:verify_mode|cert_reqs|ssl_cert_reqs)\s*=\s*(?:ssl\.)?["']?CERT_NONE\b/,
    /["'](?:cert_reqs|ssl_cert_reqs)["']\s*:\s*(?:ssl\.)?["']?CERT_NONE\b/,
    /\b(?:verify_ssl|ssl_verify)\s*=\s*False\b/,
    /\bSSL_VERIFY(?:PEER|HOST)\s*,\s*(?:0|False)\b/,
    /\benviron\s*\[\s*["'](?:PYTHONHTTPSVERIFY|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)["']\s*\]\s*=\s*["']0?["']/,
  ],
  javascript: [
    /\brejectUnauthorized["']?\s*[:=]\s*false\b/,
    /\bNODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*["'`]?0\b/,
    /\benv\s*\[\s*["'`]NODE_TLS_REJECT_UNAUTHORIZED["'`]\s*\]\s*=\s*["'`]?0\b/,
    /\bstrictSSL["']?\s*:\s*false\b/,
    /\bcheckServerIdentity\s*:\s*\(\s*\)\s*=>\s*(?:undefined|null|\{\s*\})/,
  ],
  go: [/\bInsecureSkipVerify\s*[:=]\s*true\b/],
  jvm: [
    /\bALLOW_ALL_HOSTNAME_VERIFIER\b/,
    /\bnew\s+(?:Noop|AllowAll)HostnameVerifier\s*\(|\bNoopHostnameVerifier\.INSTANCE\b/,
    /\bInsecureTrustManagerFactory\.INSTANCE\b/,
    /\bTrustAllStrategy\b|\bloadTrustMaterial\s*\([^;]*?->\s*true\b/,
    /\b(?:setHostnameVerifier|hostnameVerifier|setDefaultHostnameVerifier)\s*[({]\s*(?:\{\s*)?\(?\s*\w*\s*,\s*\w*\s*\)?\s*->\s*true\b/,
    /\bHostnameVerifier\s*\{\s*\w+\s*,\s*\w+\s*->\s*true\s*\}/,
    /\bboolean\s+verify\s*\(\s*(?:final\s+)?String\s+\w+\s*,\s*(?:final\s+)?SSLSession\s+\w+\s*\)\s*\{\s*return\s+true\s*;?\s*\}/,
    /\bfun\s+verify\s*\([^)]*SSLSession[^)]*\)\s*(?::\s*Boolean\s*)?(?:=\s*true\b|\{\s*return\s+true\s*\})/,
    /\bcheckServerTrusted\s*\([^)]*\)\s*(?::\s*Unit\s*)?(?:throws\s+[\w.,\s]+)?\{\s*\}/,
  ],
  ruby: [
    /\bVERIFY_NONE\b/,
    /\bssl\s*(?::|=>)\s*\{[^}]*\bverify\s*(?::|=>)\s*false\b/,
    /\b(?:verify_ssl|ssl_verify)\s*(?::|=>|=)\s*false\b/,
    /(?:^|[\s,({])verify:\s*false\b/,
  ],
  puppet: [
    /\b(?:sslverify|ssl_verify|verify_ssl|verify_peer|validate_certs|check_certificate)\s*=>\s*["']?(?:false|0|no|off)\b["']?/i,
    /\b(?:allow_insecure|insecure)\s*=>\s*["']?true\b["']?/,
  ],
  toolConfig: [
    /^\s*(?:-k|--?insecure)\s*$/m,
    /^\s*check_certificate\s*=\s*off\b/m,
    /^\s*ssl_verify\s*:\s*(?:false|no)\b/m,
    /:ssl_verify_mode:\s*0\b/,
    /^\s*sslverify\s*=\s*(?:0|false|no)\b/im,
    /Verify-(?:Peer|Host)\s*"?false"?/i,
    /"strict-ssl"\s*:\s*false\b/,
    /^\s*strict-ssl\s+["']?false\b/m,
  ],
};

/** Vocabularies of programming languages: settings written in code, not in string literals. */
const CODE = new Set(["python", "javascript", "go", "jvm", "ruby"]);

/** Blanks comments (keeping every other character where it is), line by line, per comment syntax. */
export function maskComments(lines: string[], style: Comments, python = false, strings = false): string[] {
  if (style === "none") return lines;
  const out: string[] = [];
  let block = false; // inside /* */ or <!-- --> or a Python triple-quoted string
  let triple = "";
  for (const line of lines) {
    const chars = [...line];
    let quote = "";
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      const rest = line.slice(i);
      if (block) {
        const end = style === "xml" ? "-->" : style === "c" ? "*/" : triple;
        if (rest.startsWith(end)) {
          for (let k = 0; k < end.length; k++) chars[i + k] = " ";
          i += end.length - 1;
          block = false;
        } else chars[i] = " ";
        continue;
      }
      if (quote) {
        if (c === "\\") {
          if (strings) chars[i] = " ";
          i++;
          if (strings && i < chars.length) chars[i] = " ";
        } else if (c === quote) quote = "";
        else if (strings) chars[i] = " ";
        continue;
      }
      if (style === "xml") {
        if (rest.startsWith("<!--")) {
          block = true;
          chars[i] = " ";
        }
        continue;
      }
      if (python && (rest.startsWith('"""') || rest.startsWith("'''"))) {
        // Docstrings and other triple-quoted text are prose here.
        triple = rest.slice(0, 3);
        block = true;
        for (let k = 0; k < 3; k++) chars[i + k] = " ";
        i += 2;
        continue;
      }
      if (c === '"' || c === "'" || (c === "`" && style === "c")) {
        quote = c;
        continue;
      }
      if (style === "hash" && c === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) {
        for (let k = i; k < chars.length; k++) chars[k] = " ";
        break;
      }
      if (style === "c" && rest.startsWith("//")) {
        for (let k = i; k < chars.length; k++) chars[k] = " ";
        break;
      }
      if (style === "c" && rest.startsWith("/*")) {
        block = true;
        chars[i] = " ";
        chars[i + 1] = " ";
        i++;
      }
    }
    out.push(chars.join(""));
  }
  return out;
}

export interface TextHit {
  line: number;
  col: number;
  endCol: number;
  text: string;
}

/**
 * Searches `patterns` over the file's text with comments blanked; continuation
 * backslashes are joined (same length) so a command split over lines matches.
 * One hit per line: the first pattern that matches there.
 */
export function searchText(
  lines: string[],
  style: Comments,
  patterns: RegExp[],
  opts: { python?: boolean; tail?: boolean; codeOnly?: boolean } = {},
): TextHit[] {
  const python = opts.python ?? false;
  const masked = maskComments(lines, style, python);
  // Code: a match must start in code, not inside a string literal (a message or a test fixture
  // that mentions the setting); commands in scripts live in strings and are matched anywhere.
  const code = opts.codeOnly ? maskComments(lines, style, python, true).join("\n") : undefined;
  const starts: number[] = [];
  let offset = 0;
  for (const l of masked) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const text = masked.join("\n").replace(/\\\n/g, "  ");
  const lineOf = (i: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const byLine = new Map<number, TextHit>();
  for (const p of patterns) {
    const re = new RegExp(p.source, p.flags.includes("g") ? p.flags : `${p.flags}g`);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0] === "") {
        re.lastIndex++;
        continue;
      }
      if (code !== undefined && code[m.index] !== text[m.index]) continue;
      // Commands: report where the offending flag is (the end of the match), not where a long
      // or continued command starts. Code: where the construct starts.
      const tail = /\S+\s*$/.exec(m[0].replace(/["'`\s]+$/, ""));
      const at =
        m.index +
        (opts.tail && (m[0].length > 60 || lineOf(m.index) !== lineOf(m.index + m[0].length - 1)) && tail ? tail.index : 0);
      const li = lineOf(at);
      const col = at - (starts[li] as number) + 1;
      const lineText = lines[li] ?? "";
      const matched =
        text
          .slice(at, m.index + m[0].length)
          .split("\n")[0]
          ?.trim() ?? "";
      if (byLine.has(li + 1)) continue;
      byLine.set(li + 1, {
        line: li + 1,
        col,
        endCol: Math.min(lineText.length + 1, col + Math.max(matched.length, 1)),
        text: matched.replace(/\s{2,}/g, " "),
      });
    }
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/** `check: tls-verification-disabled`, options `{ vocabulary: [shell, python, ...] }`. */
export function tlsVerificationDisabled(ctx: RuleContext): void {
  const names = (ctx.rule.options?.vocabulary as string[] | undefined) ?? ["shell"];
  const patterns = names.flatMap((n) => {
    const v = VOCABULARY[n];
    if (!v) throw new Error(`options.vocabulary: unknown vocabulary "${n}" (known: ${Object.keys(VOCABULARY).join(", ")})`);
    return v;
  });
  let style = COMMENTS[ctx.fileType] ?? "hash";
  if (ctx.fileType === "jenkins-job") style = /^\s*</.test(ctx.doc.lines.find((l) => l.trim()) ?? "") ? "xml" : "c";
  const python = ctx.fileType === "python" || ctx.fileType === "python-shebang";
  const tail = names.every((n) => n === "shell" || n === "puppet" || n === "toolConfig");
  const codeOnly = names.every((n) => CODE.has(n));
  for (const h of searchText(ctx.doc.lines, style, patterns, { python, tail, codeOnly })) {
    // Dockerfile ENV/ARG variables are container-env-tls-verification-disabled's (one finding per setting).
    if (ctx.fileType === "dockerfile" && /^\s*(ENV|ARG)\s/i.test(ctx.doc.lines[h.line - 1] ?? "")) continue;
    ctx.report({
      line: h.line,
      col: h.col,
      endCol: h.endCol,
      evidence: h.text,
      message: fillTemplate(ctx.rule.message ?? ctx.rule.description, { evidence: h.text, key: h.text, value: h.text }),
    });
  }
}
