import { writeSync } from "node:fs";
import type { Reporter, TestModule, TestRunEndReason, Vitest } from "vitest/node";

/**
 * Ends the run with the plain line `N passed, N failed` (`, N skipped` when any), which CI reads; vitest's own
 * summary is decorated and spread over several lines. A file that failed outside any test (an import error,
 * a failing `beforeAll`), an unhandled error and a run that failed before any test (the global setup) each
 * count as one failure, so a red run never reads "0 failed".
 */
export default class SummaryReporter implements Reporter {
  private watching = false;
  private summary = "";

  onInit(vitest: Vitest): void {
    this.watching = vitest.config.watch;
    // Written at exit, so the line comes after whatever vitest prints late (errors of the global setup).
    if (!this.watching) process.once("exit", () => this.summary && writeSync(1, this.summary));
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      let failedHere = 0;
      for (const test of testModule.children.allTests()) {
        const { state } = test.result();
        if (state === "passed") passed++;
        else if (state === "failed") failedHere++;
        else if (state === "skipped") skipped++;
      }
      failed += failedHere || (testModule.state() === "failed" ? 1 : 0);
    }
    if (reason === "failed" && failed === 0) failed = 1;
    this.summary = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
    if (this.watching) process.stdout.write(this.summary);
  }
}
