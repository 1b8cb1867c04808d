/**
 * A text source yields fragments. It reports what it skipped (binary, too
 * large, unreadable...) through the context, so the pipeline can say what was
 * scanned and fail closed when something was not.
 */
import type { Fragment, ScanWarning, SkipNotice } from "../types.js";

export interface SourceContext {
  skip(notice: SkipNotice): void;
  warn(warning: ScanWarning): void;
  /** Counted by sources: files (or file versions) read and bytes/lines of text handed on. */
  countFile(bytes: number, lines: number): void;
  countCommit(): void;
}

export interface TextSource {
  /** For the summary line: "files", "staged files", "commits". */
  readonly description: string;
  fragments(ctx: SourceContext): AsyncIterable<Fragment>;
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") ? n - 1 : n;
}
