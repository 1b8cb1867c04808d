/**
 * Maps offsets in a fragment's text to file lines and columns. Built lazily:
 * most fragments have no match and never need it.
 */
import type { Fragment } from "../types.js";

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly fragment: Pick<Fragment, "startLine" | "lineNumbers">,
  ) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** 0-based index of the text line containing `offset`. */
  textLine(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** File line (1-based) of a text line. */
  fileLine(textLine: number): number {
    const mapped = this.fragment.lineNumbers?.[textLine];
    return mapped ?? this.fragment.startLine + textLine;
  }

  /** File position of an offset: 1-based line and column. */
  position(offset: number): { line: number; column: number; textLine: number } {
    const textLine = this.textLine(offset);
    return { line: this.fileLine(textLine), column: offset - (this.starts[textLine] as number) + 1, textLine };
  }

  lineText(textLine: number): string {
    const start = this.starts[textLine] ?? this.text.length;
    const next = this.starts[textLine + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }

  /** Text of lines [from, to] (0-based text lines, clamped), joined by "\n". */
  window(from: number, to: number): string {
    const a = Math.max(0, from);
    const b = Math.min(this.starts.length - 1, to);
    const start = this.starts[a] as number;
    const next = this.starts[b + 1];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1);
  }

  /** Offset of the first character of a text line. */
  lineStart(textLine: number): number {
    return this.starts[textLine] ?? this.text.length;
  }

  /** Offset just past a text line's last character (its "\n", or the end of the text). */
  lineEnd(textLine: number): number {
    const next = this.starts[textLine + 1];
    return next === undefined ? this.text.length : next - 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
