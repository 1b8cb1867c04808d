// Placeholder until this command lands; replaced by its implementation.
import { GitwardError } from "../../errors.js";
import type { CliIO } from "../io.js";
export async function initCommand(_args: Record<string, unknown>, _io: CliIO): Promise<number> {
  throw new GitwardError("init: not available in this build", "usage");
}
