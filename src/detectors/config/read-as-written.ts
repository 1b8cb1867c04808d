/**
 * Reads a config file in the format it really has, before deciding that it
 * is broken: YAML indented with tabs (which strict parsers reject, but whose
 * structure is plain) is read with the tabs expanded, and a template (Jinja,
 * ERB, Go templates outside Helm) is read with its template tags removed.
 * Either way the file is linted and a note says what was done; a file that
 * still does not parse is reported where it breaks (fail closed).
 */
import type { Format, ParsedDocument } from "./model.js";
import { parseDocument } from "./parse.js";

/** Template tags: Jinja/Go `{{ }}` (not GitHub's `${{ }}` expressions), `{% %}`, `{# #}`, ERB `<% %>`. */
export const TEMPLATE = /(?<!\$)\{\{|\{%|\{#|<%/;
const TAG = /(?<!\$)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>/g;
const TAG_ONLY_LINE = /^\s*(?:(?:(?<!\$)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>)\s*)+$/;

export interface Reading {
  doc: ParsedDocument;
  templated: boolean;
  /** What was done to read the file (tabs expanded, template tags removed). */
  adjusted?: string;
}

/** Template tags removed; tag-only lines become blank and inline tags a same-length placeholder. */
export function stripTemplate(text: string): string {
  return text
    .split("\n")
    .map((l) => (TAG_ONLY_LINE.test(l) ? "" : l.replace(TAG, (t) => "x".repeat(t.length))))
    .join("\n");
}

/** Leading tabs as `width` spaces each (tab stops for tabs after spaces). */
function expandTabs(text: string, width: number): string {
  return text.replace(/^[ \t]+/gm, (lead) => {
    let col = 0;
    for (const c of lead) col = c === "\t" ? (Math.floor(col / width) + 1) * width : col + 1;
    return " ".repeat(col);
  });
}

export async function readAsWritten(format: Format, text: string, typeId: string): Promise<Reading> {
  const doc = await parseDocument(format, text);
  const templated = TEMPLATE.test(text);
  if (doc.problems.length === 0 || (format !== "yaml" && format !== "mongod")) return { doc, templated };
  const keepLines = (d: ParsedDocument): ParsedDocument => ({ ...d, lines: doc.lines });
  if (doc.problems.some((p) => /tabs are not allowed as indentation/i.test(p.message))) {
    for (const width of [2, 4, 8]) {
      const d = await parseDocument(format, expandTabs(text, width));
      if (d.problems.length === 0)
        return {
          doc: keepLines(d),
          templated,
          adjusted: `indented with tabs, which strict YAML parsers reject; linted with a tab read as ${width} spaces (columns approximate)`,
        };
    }
  }
  // Helm charts render whole blocks from values: a Kubernetes template stays a listed, non-fatal skip.
  if (templated && typeId !== "kubernetes") {
    const d = await parseDocument(format, stripTemplate(text));
    if (d.problems.length === 0)
      return { doc: keepLines(d), templated, adjusted: "template: linted with its template tags removed" };
  }
  return { doc, templated };
}
