import { relative } from "node:path";

/** A path as users should see it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

export interface PackProblem {
  file: string;
  line: number;
  ruleId?: string;
  field?: string;
  message: string;
}

/** "file:line: rule-id: field: message" — every pack and config error looks like this. */
export function formatProblem(p: PackProblem): string {
  const who = [p.ruleId, p.field].filter(Boolean).join(": ");
  return `${displayPath(p.file)}:${p.line}: ${who ? `${who}: ` : ""}${p.message}`;
}
