/**
 * Which changes the day's counters count: subscribers join by becoming active and leave by stopping being active;
 * patrons join by starting to pay (a trial's end, a return) and leave by stopping (lapsed, or a comp in place of
 * paying). And the history's range: defaults, both ends included, real dates only, at most 400 days.
 */
import { describe, expect, it } from "vitest";
import { VisibleError } from "../../../core/errors";
import type { Patron } from "../../../core/patrons/types";
import { patronCounts, subscriberCounts, sumCounts } from "../../../core/stats/counted";
import { isDate, rangeOf } from "../../../core/stats/history";

const patron = (overrides: Partial<Patron>): Patron => ({
  subscriberId: "sub_1",
  status: "active",
  tierId: "coffee",
  stripeSubscriptionId: "sub_stripe",
  subscriptionStatus: "active",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  version: 1,
  ...overrides,
});

describe("subscribers joining and leaving", () => {
  it.each([
    [undefined, "active", { subscribersJoined: 1 }],
    ["pending", "active", { subscribersJoined: 1 }],
    ["unsubscribed", "active", { subscribersJoined: 1 }],
    ["active", "unsubscribed", { subscribersChurned: 1 }],
    ["active", "bounced", { subscribersChurned: 1 }],
    ["active", "complained", { subscribersChurned: 1 }],
    ["active", "active", {}],
    [undefined, "pending", {}],
    ["pending", "unsubscribed", {}],
    ["bounced", "complained", {}],
  ] as const)("%s → %s counts %o", (before, after, counts) => {
    expect(subscriberCounts(before, after)).toEqual(counts);
  });
});

describe("patrons joining and leaving", () => {
  const paying = patron({});
  it("a first paid period joins; a second write of the same membership counts nothing", () => {
    expect(patronCounts(undefined, paying)).toEqual({ patronsJoined: 1 });
    expect(patronCounts(paying, { ...paying, version: 2 })).toEqual({});
  });

  it("grace is still paying; lapsing leaves; coming back joins again", () => {
    const grace = patron({ status: "grace", subscriptionStatus: "past_due" });
    const lapsed = patron({ status: "lapsed", subscriptionStatus: "canceled" });
    expect(patronCounts(paying, grace)).toEqual({});
    expect(patronCounts(grace, lapsed)).toEqual({ patronsChurned: 1 });
    expect(patronCounts(lapsed, paying)).toEqual({ patronsJoined: 1 });
  });

  it("a trial joins when it converts, not when it starts; a trial cancelled never joined nor leaves", () => {
    const trial = patron({ subscriptionStatus: "trialing" });
    expect(patronCounts(undefined, trial)).toEqual({});
    expect(patronCounts(trial, paying)).toEqual({ patronsJoined: 1 });
    expect(patronCounts(trial, patron({ status: "lapsed", subscriptionStatus: "canceled" }))).toEqual({});
  });

  it("a comp alone is not paying: granted counts nothing, granted in place of paying leaves", () => {
    const comped = patron({ status: "comped", stripeSubscriptionId: undefined, subscriptionStatus: undefined });
    expect(patronCounts(undefined, comped)).toEqual({});
    expect(patronCounts(paying, patron({ status: "comped", subscriptionStatus: "canceled" }))).toEqual({ patronsChurned: 1 });
  });

  it("sums an import's counts into one change", () => {
    expect(sumCounts([{ subscribersJoined: 1 }, {}, { subscribersJoined: 1 }])).toEqual({ subscribersJoined: 2 });
    expect(sumCounts([])).toEqual({});
  });
});

describe("the history's range", () => {
  const now = new Date("2026-03-31T15:00:00Z");
  const refusal = (asked: { from?: string; to?: string }) => {
    try {
      rangeOf(asked, now);
    } catch (error) {
      expect(error).toBeInstanceOf(VisibleError);
      return (error as VisibleError).details?.fields;
    }
    throw new Error("not refused");
  };

  it("defaults to the 90 days up to today (UTC), both ends included", () => {
    expect(rangeOf({}, now)).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(rangeOf({ to: "2026-03-01" }, now)).toEqual({ from: "2025-12-02", to: "2026-03-01" });
    expect(rangeOf({ from: "2026-03-30" }, now)).toEqual({ from: "2026-03-30", to: "2026-03-31" });
    expect(rangeOf({ from: "2026-03-31", to: "2026-03-31" }, now)).toEqual({ from: "2026-03-31", to: "2026-03-31" });
  });

  it("takes 400 days and refuses 401, a `from` after `to`, and anything but a real yyyy-mm-dd", () => {
    expect(rangeOf({ from: "2024-01-01", to: "2025-02-03" }, now)).toEqual({ from: "2024-01-01", to: "2025-02-03" });
    expect(refusal({ from: "2024-01-01", to: "2025-02-04" })).toHaveProperty("from");
    expect(refusal({ from: "2026-03-02", to: "2026-03-01" })).toHaveProperty("from");
    expect(refusal({ to: "2026-02-29" })).toHaveProperty("to");
    expect(refusal({ from: "26-03-01" })).toHaveProperty("from");
  });

  it("knows real dates from look-alikes", () => {
    expect(["2024-02-29", "2026-12-31", "2026-01-01"].every(isDate)).toBe(true);
    expect(["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-1", "2026-01-01T00:00:00Z", "", " 2026-01-01"].some(isDate)).toBe(false);
  });
});
