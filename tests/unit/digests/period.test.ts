import { beforeAll, describe, expect, it } from "vitest";
import * as I18n from "../../../core/i18n";
import { currentPeriod, isoWeek, isValidPeriod, weekDays } from "../../../core/digests/period";
import { periodInWords } from "../../../core/digests/words";

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

describe("a period in words", () => {
  beforeAll(() => I18n.load());
  /** Intl's narrow and non-breaking spaces as plain ones. */
  const plain = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");

  it("finds an ISO week's Monday and Sunday, across year boundaries", () => {
    const days = (period: string) => Object.values(weekDays(period)!).map((day) => day.toISOString().slice(0, 10));
    expect(days("2026-W49")).toEqual(["2026-11-30", "2026-12-06"]);
    expect(days("2026-W53")).toEqual(["2026-12-28", "2027-01-03"]);
    expect(days("2027-W01")).toEqual(["2027-01-04", "2027-01-10"]);
    expect(days("2020-W53")).toEqual(["2020-12-28", "2021-01-03"]);
    expect(weekDays("2026-12-05")).toBeUndefined();
  });

  it("writes a week as a range of days and a day as a date, in each language through Intl", () => {
    expect(plain(periodInWords("weekly", "2026-W50", "en"))).toBe("7 – 13 December 2026");
    expect(plain(periodInWords("weekly", "2026-W50", "uk"))).toBe("7–13 грудня 2026 р.");
    expect(plain(periodInWords("weekly", "2026-W53", "uk"))).toBe("28 грудня 2026 – 3 січня 2027 рр.");
    expect(plain(periodInWords("daily", "2026-12-05", "en"))).toBe("5 December 2026");
    expect(plain(periodInWords("daily", "2026-12-05", "uk"))).toBe("5 грудня 2026 р.");
  });
});

