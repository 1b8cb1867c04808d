/**
 * One error class for everything the user must fix (bad pack, bad config, bad
 * arguments, unreadable input). The CLI prints `message` as is and exits 2, so
 * messages name the culprit: file, position, rule and field.
 */
export class GitwardError extends Error {
  override readonly name: string = "GitwardError";
  constructor(
    message: string,
    readonly code: "usage" | "pack" | "config" | "git" | "io" | "internal" = "internal",
  ) {
    super(message);
  }
}

export const ExitCode = {
  /** No blocking findings and everything asked for was scanned. */
  Clean: 0,
  /** At least one blocking finding. */
  Findings: 1,
  /** Usage, config, pack or runtime error, or something could not be scanned. */
  Error: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
