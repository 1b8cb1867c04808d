import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests spawn git and the built binary; give slow CI machines room without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test (it.only) must never pass CI silently.
    allowOnly: false,
    pool: "forks",
  },
});
