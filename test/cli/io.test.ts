/**
 * The process IO of the CLI (src/cli/io.ts): standard output written straight
 * to the descriptor when it is a pipe or a file, in order, whole, and quiet
 * when the reader goes away. Runs the built module (npm test builds first) in
 * a child process whose stdout is a real pipe or file.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

const IO_MODULE = new URL("../../dist/cli/io.js", import.meta.url).href;

/** A node script writing 2 MB (multi-byte characters included) through processIO, then a line to stderr. */
const WRITER = `
import { processIO } from ${JSON.stringify(IO_MODULE)};
const io = processIO();
for (let i = 0; i < 2000; i++) io.stdout(String(i).padStart(6, "0") + " " + "é".repeat(500) + "\\n");
io.stderr("done tty=" + io.stdoutIsTTY + "\\n");
`;

function shell(command: string) {
  const r = spawnSync("bash", ["-o", "pipefail", "-c", command], {
    encoding: "utf8",
    env: { ...process.env, WRITER },
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("processIO", () => {
  it("writes everything, in order, to a pipe", () => {
    const r = shell(`"${process.execPath}" --input-type=module -e "$WRITER" | cat`);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2000);
    expect(lines.every((l, i) => l === `${String(i).padStart(6, "0")} ${"é".repeat(500)}`)).toBe(true);
    expect(r.stderr).toBe("done tty=false\n");
  });

  it("writes everything to a file", () => {
    const file = join(tempDir("gitward-io-"), "out.txt");
    const r = shell(`"${process.execPath}" --input-type=module -e "$WRITER" > "${file}"`);
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.length).toBe(2000 * 508);
    expect(text.endsWith(`001999 ${"é".repeat(500)}\n`)).toBe(true);
  });

  it("stops quietly when the reader closes the pipe early (| head), exit code unchanged", () => {
    const r = shell(`"${process.execPath}" --input-type=module -e "$WRITER" | head -c 100`);
    expect(r.code).toBe(0);
    // 100 bytes: "000000 " and 46½ two-byte "é".
    expect(r.stdout.startsWith(`000000 ${"é".repeat(46)}`)).toBe(true);
    expect(r.stderr).toBe("done tty=false\n");
  });
});
