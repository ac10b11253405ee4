import { describe, expect, it } from "vitest";
import { currentPeriod, isoWeek, isValidPeriod } from "../../../core/digests/period";

describe("digest periods", () => {
  it("names ISO weeks across year boundaries", () => {
    expect(isoWeek(new Date("2026-11-30T10:00:00Z"))).toBe("2026-W49");
    expect(isoWeek(new Date("2026-11-29T23:59:59Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2021-01-03T00:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2024-12-30T00:00:00Z"))).toBe("2025-W01");
  });

  it("defaults to the current day or week", () => {
    const now = new Date("2026-11-30T10:00:00Z");
    expect(currentPeriod("daily", now)).toBe("2026-11-30");
    expect(currentPeriod("weekly", now)).toBe("2026-W49");
  });

  it("accepts only periods that exist", () => {
    expect(isValidPeriod("weekly", "2020-W53")).toBe(true);
    expect(isValidPeriod("weekly", "2026-W53")).toBe(true);
    expect(isValidPeriod("weekly", "2025-W53")).toBe(false);
    expect(isValidPeriod("weekly", "2026-W00")).toBe(false);
    expect(isValidPeriod("daily", "2024-02-29")).toBe(true);
    expect(isValidPeriod("daily", "2026-02-29")).toBe(false);
    expect(isValidPeriod("daily", "2026-W48")).toBe(false);
  });
});
