// Placeholder until this command lands; replaced by its implementation.
import { GitwardError } from "../../errors.js";
import type { CliIO } from "../io.js";
export async function installCommand(_args: Record<string, unknown>, _io: CliIO): Promise<number> {
  throw new GitwardError("install: not available in this build", "usage");
}
export async function uninstallCommand(_args: Record<string, unknown>, _io: CliIO): Promise<number> {
  throw new GitwardError("install: not available in this build", "usage");
}
