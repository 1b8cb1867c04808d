/**
 * A run that filled one of gitward's caches says so (util/code-cache-hint.ts), and
 * bin/gitward.cjs then leaves writing the V8 code cache to a later, typical run.
 * A cache that cannot be written is no such run: every later run does the same
 * work, and must still get a code cache.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coldRunReason } from "../../src/util/code-cache-hint.js";
import { writeValidated } from "../../src/util/validated-file-cache.js";
import { tempDir } from "../helpers/temp-repo.js";

describe("cold-run hint", () => {
  it("is set by a validated file that was stored, not by one that could not be", () => {
    // A cache directory below a regular file cannot be created.
    writeValidated(
      "config",
      "/repo/.gitward.yaml",
      "failOn: high\n",
      { failOn: "high" },
      { GITWARD_CACHE_DIR: "/dev/null/gitward" },
    );
    expect(coldRunReason()).toBeUndefined();
    const dir = tempDir("gitward-hint-");
    try {
      writeValidated(
        "config",
        "/repo/.gitward.yaml",
        "failOn: high\n",
        { failOn: "high" },
        { GITWARD_CACHE_DIR: join(dir, "cache") },
      );
      expect(coldRunReason()).toBe("validated config /repo/.gitward.yaml");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
