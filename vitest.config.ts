import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Separate processes, so each test file's `process.env` (its TABLE_NAME) stays its own.
    pool: "forks",
    // Three files at a time, whatever the cores (vitest's default is one fewer than the cores: one, on a 2-core CI
    // machine). Integration files spend much of their time waiting on the stand-ins (DynamoDB Local's JVM, the
    // emulators), so files overlap their waits: measured on 2 cores, the whole suite (1,277 tests) took 10 min 12 s
    // with two and 8 min 33 s with three; long ago, 4 min 20 s with two and about 8 min with one.
    maxWorkers: 3,
    // Generous: integration tests talk to a JVM on a 2-core CI machine, and DynamoDB Local slows down as a run
    // writes more (a safety net against hangs, not a speed check).
    // `npm run test:long` (TIDINGS_LONG=1) runs the adversarial suites at full size: minutes, not seconds.
    testTimeout: process.env.TIDINGS_LONG === "1" ? 3_600_000 : 120_000,
    hookTimeout: process.env.TIDINGS_LONG === "1" ? 600_000 : 120_000,
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
  },
});
