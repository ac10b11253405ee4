import { describe, expect, it } from "vitest";
import { nextRuns } from "../../../core/digests/schedule";

describe("the next scheduled digests", () => {
  it("daily at 06:00 and weekly on Monday at 06:00, in the schedules' timezone, soonest first", () => {
    // Friday 4 December 2026, 07:30 UTC (09:30 in Kyiv, UTC+2 in winter).
    const now = new Date("2026-12-04T07:30:00Z");
    expect(nextRuns(now, "UTC").map((run) => [run.frequency, run.at.toISOString()])).toEqual([
      ["daily", "2026-12-05T06:00:00.000Z"],
      ["weekly", "2026-12-07T06:00:00.000Z"],
    ]);
    expect(nextRuns(now, "Europe/Kyiv").map((run) => [run.frequency, run.at.toISOString()])).toEqual([
      ["daily", "2026-12-05T04:00:00.000Z"],
      ["weekly", "2026-12-07T04:00:00.000Z"],
    ]);
    // Half-hour offsets, and a run that is due later today.
    expect(nextRuns(new Date("2026-12-04T00:00:00Z"), "Asia/Kolkata")[0]!.at.toISOString()).toBe("2026-12-04T00:30:00.000Z");
  });

  it("skips the run of this very minute (it is going out now)", () => {
    expect(nextRuns(new Date("2026-12-05T06:00:00Z"), "UTC")[0]!.at.toISOString()).toBe("2026-12-06T06:00:00.000Z");
  });
});
