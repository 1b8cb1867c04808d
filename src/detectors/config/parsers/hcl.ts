/**
 * A small HCL2 (Terraform) parser producing the position-carrying tree.
 *
 * Why our own: the HCL parsers on npm either wrap the Go implementation in
 * WASM/GopherJS (megabytes to load on the pre-commit path) or return plain JSON
 * without positions; config findings must point at the offending line.
 *
 * Scope: bodies of attributes and blocks (`type "label" ident { ... }`),
 * strings with `${}`/`%{}` templates, heredocs (`<<EOF`, `<<-EOF`), lists,
 * objects, numbers, booleans, null, and `#`, `//`, `/* *\/` comments. Anything
 * that is not a literal (references, calls, conditionals, for-expressions) is
 * kept as an expression scalar holding its source text, so rules can still
 * see e.g. `cidr_blocks = var.open ? ["0.0.0.0/0"] : []`.
 *
 * A block becomes nested maps keyed by its type and labels, so
 * `resource "aws_s3_bucket" "b" { acl = "public-read" }` is at the path
 * `resource.aws_s3_bucket.b.acl`; the innermost map also records the block.
 */
import type { MapEntry, MapNode, ParsedDocument, ParseProblem, Pos, TreeNode } from "../model.js";

const IDENT = /[A-Za-z0-9_\-.*]/;

export function parseHcl(text: string, lines: string[]): ParsedDocument {
  const p = new HclParser(text);
  let root: MapNode;
  try {
    root = p.parseBody(false);
  } catch (err) {
    const at = p.position(p.offset);
    p.problems.push({ message: err instanceof Error ? err.message : String(err), line: at.line, col: at.col });
    return { format: "hcl", lines, trees: [], problems: p.problems };
  }
  return { format: "hcl", lines, trees: p.problems.length ? [] : [root], problems: p.problems };
}

class HclError extends Error {}

class HclParser {
  offset = 0;
  readonly problems: ParseProblem[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(private readonly src: string) {
    for (let i = 0; i < src.length; i++) if (src[i] === "\n") this.lineStarts.push(i + 1);
  }

  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (this.lineStarts[lo] as number) + 1 };
  }

  private span(start: number, end: number): Pos {
    const a = this.position(start);
    const b = this.position(end);
    return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }

  private get ch(): string {
    return this.src[this.offset] ?? "";
  }

  private fail(message: string): never {
    throw new HclError(message);
  }

  /** Skips spaces, comments and (when `newlines`) line breaks. */
  private skip(newlines: boolean): void {
    for (;;) {
      const c = this.ch;
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) {
        this.offset++;
      } else if (c === "#" || (c === "/" && this.src[this.offset + 1] === "/")) {
        while (this.offset < this.src.length && this.ch !== "\n") this.offset++;
      } else if (c === "/" && this.src[this.offset + 1] === "*") {
        const end = this.src.indexOf("*/", this.offset + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.offset = end + 2;
      } else {
        return;
      }
    }
  }

  private ident(): string {
    const start = this.offset;
    while (this.offset < this.src.length && IDENT.test(this.ch)) this.offset++;
    return this.src.slice(start, this.offset);
  }

  parseBody(closing: boolean): MapNode {
    const bodyStart = this.offset;
    const entries: MapEntry[] = [];
    for (;;) {
      this.skip(true);
      if (this.offset >= this.src.length) {
        if (closing) this.fail("unexpected end of file: missing }");
        break;
      }
      if (this.ch === "}") {
        if (!closing) this.fail("unexpected }");
        this.offset++;
        break;
      }
      const keyStart = this.offset;
      const name = this.ch === '"' ? this.stringLiteral().value : this.ident();
      if (!name) this.fail(`unexpected character ${JSON.stringify(this.ch)}`);
      const keyPos = this.span(keyStart, this.offset);
      this.skip(false);
      if ((this.ch === "=" && this.src[this.offset + 1] !== "=") || this.ch === ":") {
        this.offset++;
        entries.push({ key: name, keyPos, value: this.expression() });
        continue;
      }
      const labels: { text: string; pos: Pos }[] = [];
      while (this.ch === '"' || IDENT.test(this.ch)) {
        const s = this.offset;
        const text = this.ch === '"' ? this.stringLiteral().value : this.ident();
        labels.push({ text, pos: this.span(s, this.offset) });
        this.skip(false);
      }
      if (this.ch !== "{") this.fail(`expected = or { after ${name}`);
      const braceAt = this.offset;
      this.offset++;
      const body = this.parseBody(true);
      body.pos = this.span(braceAt, this.offset);
      body.block = { type: name, labels: labels.map((l) => l.text) };
      let value: TreeNode = body;
      for (let i = labels.length - 1; i >= 0; i--) {
        const l = labels[i] as { text: string; pos: Pos };
        value = { type: "map", entries: [{ key: l.text, keyPos: l.pos, value }], pos: this.span(keyStart, this.offset) };
      }
      entries.push({ key: name, keyPos, value });
    }
    return { type: "map", entries, pos: this.span(bodyStart, this.offset) };
  }

  /** An expression up to the end of the line (or `,`/closing bracket inside brackets). */
  private expression(): TreeNode {
    this.skip(false);
    const start = this.offset;
    let node = this.primary();
    this.skip(false);
    if (!this.atTerminator()) {
      // Operators, indexes, conditionals: keep the whole expression as text.
      this.raw();
      node = {
        type: "scalar",
        value: this.src.slice(start, this.offset).trim(),
        expression: true,
        pos: this.span(start, this.offset),
      };
    }
    return node;
  }

  private atTerminator(): boolean {
    const c = this.ch;
    return (
      c === "" ||
      c === "\n" ||
      c === "," ||
      c === "]" ||
      c === "}" ||
      c === ")" ||
      c === "#" ||
      (c === "/" && (this.src[this.offset + 1] === "/" || this.src[this.offset + 1] === "*"))
    );
  }

  private primary(): TreeNode {
    const start = this.offset;
    const c = this.ch;
    if (c === '"') {
      const s = this.stringLiteral();
      return { type: "scalar", value: s.value, ...(s.template ? { expression: true } : {}), pos: this.span(start, this.offset) };
    }
    if (c === "<" && this.src[this.offset + 1] === "<") return this.heredoc();
    if (c === "[" && !/^\[\s*for\s/.test(this.src.slice(this.offset, this.offset + 12))) return this.list();
    if (c === "{" && !/^\{\s*for\s/.test(this.src.slice(this.offset, this.offset + 12))) return this.object();
    const lit = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?![A-Za-z0-9_.\-([])/.exec(
      this.src.slice(this.offset, this.offset + 64),
    );
    if (lit) {
      this.offset += (lit[1] as string).length;
      return { type: "scalar", value: lit[1] === "null" ? "" : (lit[1] as string), pos: this.span(start, this.offset) };
    }
    this.raw();
    if (this.offset === start) this.fail(`unexpected character ${JSON.stringify(c)}`);
    return {
      type: "scalar",
      value: this.src.slice(start, this.offset).trim(),
      expression: true,
      pos: this.span(start, this.offset),
    };
  }

  private list(): TreeNode {
    const start = this.offset;
    this.offset++;
    const items: TreeNode[] = [];
    for (;;) {
      this.skip(true);
      if (this.ch === "]") {
        this.offset++;
        break;
      }
      if (this.offset >= this.src.length) this.fail("unexpected end of file: missing ]");
      items.push(this.expression());
      this.skip(true);
      if (this.ch === ",") this.offset++;
      else if (this.ch !== "]") this.fail(`expected , or ] in list, found ${JSON.stringify(this.ch)}`);
    }
    return { type: "list", items, pos: this.span(start, this.offset) };
  }

  private object(): TreeNode {
    const start = this.offset;
    this.offset++;
    const entries: MapEntry[] = [];
    for (;;) {
      this.skip(true);
      if (this.ch === "}") {
        this.offset++;
        break;
      }
      if (this.offset >= this.src.length) this.fail("unexpected end of file: missing }");
      const keyStart = this.offset;
      let key: string;
      if (this.ch === '"') key = this.stringLiteral().value;
      else if (this.ch === "(") {
        this.raw();
        key = this.src.slice(keyStart, this.offset);
      } else key = this.ident();
      if (!key) this.fail(`unexpected character ${JSON.stringify(this.ch)} in object`);
      const keyPos = this.span(keyStart, this.offset);
      this.skip(false);
      if (this.ch !== "=" && this.ch !== ":") this.fail(`expected = or : after object key ${key}`);
      this.offset++;
      entries.push({ key, keyPos, value: this.expression() });
      this.skip(false);
      if ((this.ch as string) === ",") this.offset++;
    }
    return { type: "map", entries, pos: this.span(start, this.offset) };
  }

  /** A quoted string; `${...}` and `%{...}` templates are kept verbatim. */
  private stringLiteral(): { value: string; template: boolean } {
    this.offset++;
    let value = "";
    let template = false;
    for (;;) {
      const c = this.ch;
      if (c === "" || c === "\n") this.fail("unterminated string");
      if (c === '"') {
        this.offset++;
        return { value, template };
      }
      if (c === "\\") {
        const n = this.src[this.offset + 1] ?? "";
        value += n === "n" ? "\n" : n === "t" ? "\t" : n;
        this.offset += 2;
        continue;
      }
      if ((c === "$" || c === "%") && this.src[this.offset + 1] === "{") {
        if (this.src[this.offset - 1] === c && this.src[this.offset - 2] !== c) {
          // `$${` is an escaped literal `${`.
          value = `${value.slice(0, -1)}${c}{`;
          this.offset += 2;
          continue;
        }
        template = true;
        const s = this.offset;
        this.offset += 2;
        this.balanced("}");
        value += this.src.slice(s, this.offset);
        continue;
      }
      value += c;
      this.offset++;
    }
  }

  /** Skips to the matching `close`, through nested brackets and strings. */
  private balanced(close: string): void {
    const stack = [close];
    while (stack.length > 0) {
      const c = this.ch;
      if (c === "") this.fail(`unexpected end of file: missing ${stack[stack.length - 1]}`);
      if (c === '"') {
        this.stringLiteral();
        continue;
      }
      if (c === "{") stack.push("}");
      else if (c === "[") stack.push("]");
      else if (c === "(") stack.push(")");
      else if (c === stack[stack.length - 1]) stack.pop();
      this.offset++;
    }
  }

  private heredoc(): TreeNode {
    const start = this.offset;
    const m = /^<<(-?)\s*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(this.src.slice(this.offset, this.offset + 80));
    if (!m) this.fail("malformed heredoc");
    const word = m[2] as string;
    this.offset += m[0].length;
    const bodyStart = this.offset;
    for (;;) {
      if (this.offset >= this.src.length) this.fail(`unterminated heredoc ${word}`);
      let eol = this.src.indexOf("\n", this.offset);
      if (eol < 0) eol = this.src.length;
      const line = this.src.slice(this.offset, eol);
      if (line.trim() === word) {
        const body = this.src.slice(bodyStart, this.offset);
        this.offset = eol;
        return { type: "scalar", value: body, pos: this.span(start, this.offset) };
      }
      this.offset = eol + 1;
    }
  }

  /** Skips a non-literal expression up to a terminator at bracket depth 0. */
  private raw(): void {
    for (;;) {
      if (this.atTerminator()) {
        const c = this.ch;
        // Brackets opened inside the expression are handled below; here a closer ends it.
        if (c === "" || c === "\n" || c === "," || c === "]" || c === "}" || c === ")" || c === "#" || c === "/") return;
      }
      const c = this.ch;
      if (c === '"') this.stringLiteral();
      else if (
        c === "<" &&
        this.src[this.offset + 1] === "<" &&
        /^<<-?[A-Za-z_]/.test(this.src.slice(this.offset, this.offset + 4))
      )
        this.heredoc();
      else if (c === "(" || c === "[" || c === "{") {
        this.offset++;
        this.balanced(c === "(" ? ")" : c === "[" ? "]" : "}");
      } else this.offset++;
    }
  }
}
