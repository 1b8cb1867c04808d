/**
 * A Dockerfile instruction parser: keyword + arguments, with `\` (or the
 * `# escape=` character) continuation lines joined, comment lines inside a
 * continuation skipped (as BuildKit does), and `<<EOF` heredoc bodies appended.
 * Written here rather than using dockerfile-ast because findings need the
 * physical line of a match inside a long RUN, and the rules need nothing else.
 */
import type { Instruction, ParsedDocument } from "../model.js";

const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

export function parseDockerfile(_text: string, lines: string[]): ParsedDocument {
  let escapeChar = "\\";
  const instructions: Instruction[] = [];
  let stage = -1;
  let i = 0;
  // Parser directives (`# escape=`) come before anything else.
  for (const l of lines) {
    const d = /^#\s*escape\s*=\s*(\S)/i.exec(l.trim());
    if (d) escapeChar = d[1] as string;
    else if (!/^#\s*\w+\s*=/.test(l.trim())) break;
  }
  while (i < lines.length) {
    const first = lines[i] as string;
    const trimmed = first.trim();
    if (!trimmed || trimmed.startsWith("#")) {
      i++;
      continue;
    }
    const m = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(first);
    if (!m) {
      i++;
      continue;
    }
    const keyword = (m[2] as string).toUpperCase();
    const startLine = i + 1;
    const segments: Instruction["segments"] = [];
    let args = "";
    let rest = first.slice(m[0].length);
    let col = m[0].length + 1;
    let line = i;
    for (;;) {
      const cont = rest.trimEnd().endsWith(escapeChar);
      const piece = cont ? rest.trimEnd().slice(0, -1) : rest;
      if (args) args += " ";
      segments.push({ offset: args.length, line: line + 1, col });
      args += piece;
      line++;
      if (!cont) break;
      // Skip comment and blank lines inside a continuation.
      while (line < lines.length && /^\s*(#.*)?$/.test(lines[line] as string)) line++;
      if (line >= lines.length) break;
      rest = lines[line] as string;
      col = 1;
    }
    // Heredocs: the body lines up to the terminator belong to this instruction.
    for (const h of args.matchAll(HEREDOC)) {
      const word = h[2] as string;
      while (line < lines.length) {
        const body = lines[line] as string;
        line++;
        if (body.trim() === word) break;
        args += "\n";
        segments.push({ offset: args.length, line, col: 1 });
        args += body;
      }
    }
    if (keyword === "FROM") stage++;
    instructions.push({ keyword, args, line: startLine, endLine: line, segments, stage: Math.max(stage, 0) });
    i = line;
  }
  return { format: "dockerfile", lines, instructions, problems: [] };
}

/** The file position of offset `at` in `ins.args`. */
export function instructionPosition(ins: Instruction, at: number): { line: number; col: number } {
  let seg = ins.segments[0];
  for (const s of ins.segments) {
    if (s.offset <= at) seg = s;
    else break;
  }
  if (!seg) return { line: ins.line, col: 1 };
  return { line: seg.line, col: seg.col + (at - seg.offset) };
}
