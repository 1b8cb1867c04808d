/**
 * `packs lint`: a rule still holding the scaffold's TODO placeholders
 * (`gitward packs new`) is not finished. Each field that still says TODO is
 * named, so a pack cannot ship with "TODO one line naming the credential" as
 * its description or docs.
 */
import type { RuleSpec } from "./pack-types.js";

const TODO = /\bTODO\b/;

export interface PlaceholderProblem {
  /** Path of the field within the rule, for the problem's line. */
  field: (string | number)[];
  message: string;
}

export function placeholderProblems(rule: RuleSpec): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      if (TODO.test(value)) {
        problems.push({ field: path, message: `${fieldName(path)}: still holds the scaffold's TODO placeholder; fill it in` });
      }
    } else if (Array.isArray(value)) {
      // One problem per list (keywords, references, examples), named by the list.
      const first = value.findIndex((v) => typeof v === "string" && TODO.test(v));
      if (first !== -1)
        problems.push({
          field: [...path, first],
          message: `${fieldName(path)}: still holds the scaffold's TODO placeholder; fill it in`,
        });
      value.forEach((v, i) => {
        if (typeof v !== "string") visit(v, [...path, i]);
      });
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(rule, []);
  return problems;
}

function fieldName(path: (string | number)[]): string {
  return path.filter((p) => typeof p === "string").join(".");
}
