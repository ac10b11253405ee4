import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Separate processes, so each test file's `process.env` (its TABLE_NAME) stays its own.
    pool: "forks",
    // Generous: integration tests talk to a JVM on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
  },
});
