/**
 * A pause as the rules read it: Stripe keeps the subscription `active` with `pause_collection` until `resumes_at`;
 * the patron is `paused` (free variant, votes not counted) until then and `active` again after, by the clock alone;
 * a pause owes its "paused until" email, its end none; neither is leaving nor joining in the editors' figures.
 */
import { describe, expect, it } from "vitest";
import { pauseEnd } from "../../../core/patrons/pause";
import { derive, noticeFits, noticeFor, paidStatus, readsAsPatron, storedMembership, type PaidMembership } from "../../../core/patrons/rules";
import { isEligible, isMember, isPaying, type Patron } from "../../../core/patrons/types";
import { patronCounts } from "../../../core/stats/counted";
import { votesCount } from "../../../core/votes/types";

const now = new Date("2026-11-30T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const later = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
const membership = (fields: Partial<PaidMembership> = {}): PaidMembership => ({
  subscriptionId: "sub_1",
  customerId: "cus_1",
  priceId: "price_coffee",
  tierId: "coffee",
  status: "active",
  periodStart: later(-2),
  periodEnd: later(28),
  cancelAtPeriodEnd: false,
  created: 100,
  ...fields,
});
const active: Patron = {
  subscriberId: "sub_a",
  status: "active",
  tierId: "coffee",
  stripeCustomerId: "cus_1",
  stripeSubscriptionId: "sub_1",
  subscriptionStatus: "active",
  createdAt: later(-60),
  updatedAt: later(-1),
  version: 3,
};

describe("paidStatus and derive with a paused collection", () => {
  it("is paused while resumes_at is to come, active once it has passed (before Stripe says so), active without a pause", () => {
    expect(paidStatus(membership({ collectionPaused: true, pausedUntil: later(30) }), now, 7)).toEqual({ status: "paused" });
    expect(paidStatus(membership({ collectionPaused: true, pausedUntil: later(-1) }), now, 7)).toEqual({ status: "active" });
    expect(paidStatus(membership({ collectionPaused: true, pausedUntil: now.toISOString() }), now, 7)).toEqual({ status: "active" });
    expect(paidStatus(membership(), now, 7)).toEqual({ status: "active" });
    // Paused in Stripe's Dashboard with no end: paused until someone resumes it (no date to resume by).
    expect(paidStatus(membership({ collectionPaused: true }), now, 7)).toEqual({ status: "paused" });
    expect(paidStatus(membership({ status: "trialing", collectionPaused: true, pausedUntil: later(30) }), now, 7)).toEqual({ status: "paused" });
  });

  it("keeps pausedUntil on a paused patron, clears it otherwise; the pause owes its email, the end none", () => {
    const paused = derive(active, membership({ collectionPaused: true, pausedUntil: later(30) }), "sub_a", now, 7)!;
    expect(paused).toMatchObject({ status: "paused", pausedUntil: later(30), notice: { kind: "paused", version: 4 } });
    expect(noticeFits("paused", "paused")).toBe(true);
    expect(noticeFits("paused", "active")).toBe(false); // resumed before it went: the date it tells is gone
    const resumed = derive(paused, membership(), "sub_a", new Date(later(31)), 7)!;
    expect(resumed.status).toBe("active");
    expect(resumed.pausedUntil).toBeUndefined();
    expect(resumed.notice).toEqual(paused.notice); // nothing new owed (the pause's, if still unsent, no longer fits)
  });

  it("a paused patron whose subscription ends is lapsed, with the lapsed email", () => {
    const paused = derive(active, membership({ collectionPaused: true, pausedUntil: later(30) }), "sub_a", now, 7)!;
    const ended = derive(paused, membership({ status: "canceled", collectionPaused: true, pausedUntil: later(30) }), "sub_a", now, 7)!;
    expect(ended).toMatchObject({ status: "lapsed", lapsedAt: now.toISOString(), notice: { kind: "lapsed" } });
    expect(ended.pausedUntil).toBeUndefined();
  });

  it("expiry's stored membership resumes by the clock alone", () => {
    const paused: Patron = { ...active, status: "paused", pausedUntil: later(30) };
    const stored = storedMembership(paused, [])!;
    expect(derive(paused, stored, "sub_a", new Date(later(29)), 7)!.status).toBe("paused");
    expect(derive(paused, stored, "sub_a", new Date(later(30)), 7)!.status).toBe("active");
  });

  it("a running comp still wins over a paused collection", () => {
    const compedUntil = later(10);
    expect(derive(active, membership({ collectionPaused: true, pausedUntil: later(30) }), "sub_a", now, 7, { tierId: "coffee", until: compedUntil })!.status).toBe("comped");
  });

  it.each([
    ["active", "paused", "paused"],
    [undefined, "paused", undefined],
    ["paused", "active", undefined],
    ["paused", "lapsed", "lapsed"],
    ["paused", "grace", "payment_failed"],
    ["lapsed", "active", "welcome"],
  ] as const)("noticeFor %s → %s: %s", (from, to, kind) => {
    expect(noticeFor(from, to)).toBe(kind);
  });
});

describe("what a paused patron gets", () => {
  const paused: Patron = { ...active, status: "paused", pausedUntil: later(30) };

  it("reads the free variant until the pause ends, then the patron's (even before expiry runs)", () => {
    expect(readsAsPatron(paused, now)).toBe(false);
    expect(readsAsPatron(paused, new Date(later(30)))).toBe(true);
    expect(readsAsPatron({ ...paused, pausedUntil: undefined }, now)).toBe(false);
  });

  it("neither votes nor has votes counted; pays nothing now, yet is still a member", () => {
    expect(isEligible(paused)).toBe(false);
    expect(votesCount(paused)).toBe(false);
    expect(isPaying(paused)).toBe(false);
    expect(isMember(paused)).toBe(true);
  });

  it("a pause is not churn, its end not a join; lapsing from a pause is churn", () => {
    expect(patronCounts(active, paused)).toEqual({});
    expect(patronCounts(paused, { ...active, version: 5 })).toEqual({});
    expect(patronCounts(paused, { ...paused, status: "lapsed", subscriptionStatus: "canceled" })).toEqual({ patronsChurned: 1 });
  });
});

describe("pauseEnd: calendar months, UTC", () => {
  it.each([
    ["2026-11-30T12:00:00.000Z", 1, "2026-12-30T12:00:00.000Z"],
    ["2026-11-30T12:00:00.000Z", 3, "2027-02-28T12:00:00.000Z"],
    ["2027-01-31T08:00:00.000Z", 1, "2027-02-28T08:00:00.000Z"],
    ["2027-12-15T00:00:00.000Z", 2, "2028-02-15T00:00:00.000Z"],
  ])("%s + %i months → %s", (from, months, to) => {
    expect(pauseEnd(new Date(from), months).toISOString()).toBe(to);
  });
});
