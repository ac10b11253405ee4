/** The membership rules of product.md as pure functions: status from Stripe, the deciding subscription, emails. */
import { beforeAll, describe, expect, it } from "vitest";
import * as I18n from "../../../core/i18n";
import { choose, derive, noticeFor, paidStatus, readsAsPatron, type PaidMembership } from "../../../core/patrons/rules";
import { priceInWords } from "../../../core/patrons/prices";
import type { Patron } from "../../../core/patrons/types";

const now = new Date("2026-11-30T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const membership = (fields: Partial<PaidMembership> = {}): PaidMembership => ({
  subscriptionId: "sub_1",
  customerId: "cus_1",
  priceId: "price_coffee",
  tierId: "coffee",
  status: "active",
  periodStart: new Date(now.getTime() - 2 * DAY).toISOString(),
  periodEnd: new Date(now.getTime() + 28 * DAY).toISOString(),
  cancelAtPeriodEnd: false,
  created: 100,
  ...fields,
});
const patron = (fields: Partial<Patron> = {}): Patron => ({
  subscriberId: "sub_a",
  status: "active",
  tierId: "coffee",
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  version: 3,
  ...fields,
});

beforeAll(() => I18n.load());

describe("paidStatus: Stripe's subscription status → patron status", () => {
  it.each([
    ["active", "active"],
    ["trialing", "active"],
    ["canceled", "lapsed"],
    ["unpaid", "lapsed"],
    ["incomplete_expired", "lapsed"],
    ["paused", "lapsed"],
  ])("%s → %s", (status, expected) => {
    expect(paidStatus(membership({ status }), now, 7)?.status).toBe(expected);
  });

  it("incomplete → not a patron yet", () => {
    expect(paidStatus(membership({ status: "incomplete" }), now, 7)).toBeUndefined();
  });

  it("past_due → grace until GRACE_DAYS after the failed renewal, lapsed after", () => {
    expect(paidStatus(membership({ status: "past_due" }), now, 7)).toEqual({
      status: "grace",
      graceUntil: new Date(now.getTime() + 5 * DAY).toISOString(),
    });
    expect(paidStatus(membership({ status: "past_due" }), now, 2)).toEqual({ status: "lapsed" });
  });
});

describe("choose: the subscription that decides", () => {
  it("prefers paying over failing over ended over never paid, then the newest", () => {
    const old = membership({ subscriptionId: "sub_old", status: "canceled", created: 1 });
    const rejoined = membership({ subscriptionId: "sub_new", status: "active", created: 2 });
    const failing = membership({ subscriptionId: "sub_fail", status: "past_due", created: 3 });
    const attempt = membership({ subscriptionId: "sub_try", status: "incomplete", created: 4 });
    expect(choose([old, rejoined, failing, attempt])?.subscriptionId).toBe("sub_new");
    expect(choose([old, failing, attempt])?.subscriptionId).toBe("sub_fail");
    expect(choose([old, attempt])?.subscriptionId).toBe("sub_old");
    expect(choose([old, membership({ subscriptionId: "sub_old2", status: "canceled", created: 9 })])?.subscriptionId).toBe("sub_old2");
    expect(choose([])).toBeUndefined();
  });
});

describe("noticeFor: the email a change owes", () => {
  it.each([
    [undefined, "active", "welcome"],
    ["lapsed", "active", "welcome"],
    [undefined, "comped", "welcome"],
    ["grace", "active", undefined],
    ["active", "active", undefined],
    ["active", "grace", "payment_failed"],
    [undefined, "grace", "payment_failed"],
    ["grace", "grace", undefined],
    ["active", "lapsed", "lapsed"],
    ["grace", "lapsed", "lapsed"],
    ["comped", "lapsed", "lapsed"],
    [undefined, "lapsed", undefined],
    ["active", "comped", undefined],
  ] as const)("%s → %s: %s", (from, to, kind) => {
    expect(noticeFor(from, to)).toBe(kind);
  });
});

describe("derive", () => {
  it("a new paying patron: active, the tier, Stripe's ids and period, a welcome owed", () => {
    expect(derive(undefined, membership(), "sub_a", now, 7)).toMatchObject({
      subscriberId: "sub_a",
      status: "active",
      tierId: "coffee",
      stripeCustomerId: "cus_1",
      stripeSubscriptionId: "sub_1",
      subscriptionStatus: "active",
      notice: { kind: "welcome", version: 1 },
    });
  });

  it("never paid (incomplete, incomplete_expired) makes no patron", () => {
    expect(derive(undefined, membership({ status: "incomplete" }), "sub_a", now, 7)).toBeUndefined();
    expect(derive(undefined, membership({ status: "incomplete_expired" }), "sub_a", now, 7)).toBeUndefined();
  });

  it("a running comp outranks anything but an active subscription, and lapses when it ends", () => {
    const grant = { tierId: "yearly", until: new Date(now.getTime() + DAY).toISOString() };
    expect(derive(patron(), membership({ status: "canceled" }), "sub_a", now, 7, grant)).toMatchObject({ status: "comped", tierId: "yearly" });
    expect(derive(patron(), membership(), "sub_a", now, 7, grant)).toMatchObject({ status: "active", tierId: "coffee", compTierId: "yearly" });
    const comped = patron({ status: "comped", tierId: "yearly", compTierId: "yearly", compedUntil: new Date(now.getTime() - 1).toISOString() });
    expect(derive(comped, undefined, "sub_a", now, 7)).toMatchObject({ status: "lapsed", notice: { kind: "lapsed", version: 4 } });
  });

  it("a tier change follows the price; cancel at period end stays active", () => {
    expect(derive(patron(), membership({ tierId: "yearly", priceId: "price_yearly", cancelAtPeriodEnd: true }), "sub_a", now, 7)).toMatchObject({
      status: "active",
      tierId: "yearly",
      cancelAtPeriodEnd: true,
    });
  });
});

describe("readsAsPatron", () => {
  it("active, comped until its end and grace until its end read the patron variant", () => {
    const later = new Date(now.getTime() + 1).toISOString();
    const earlier = new Date(now.getTime() - 1).toISOString();
    expect(readsAsPatron(patron(), now)).toBe(true);
    expect(readsAsPatron(patron({ status: "comped", compedUntil: later }), now)).toBe(true);
    expect(readsAsPatron(patron({ status: "comped", compedUntil: earlier }), now)).toBe(false);
    expect(readsAsPatron(patron({ status: "grace", graceUntil: later }), now)).toBe(true);
    expect(readsAsPatron(patron({ status: "grace", graceUntil: earlier }), now)).toBe(false);
    expect(readsAsPatron(patron({ status: "lapsed" }), now)).toBe(false);
    expect(readsAsPatron(undefined, now)).toBe(false);
  });
});

it("prices in words", () => {
  expect(priceInWords({ amount: 500, currency: "eur", interval: "month" })).toBe("€5 a month");
  expect(priceInWords({ amount: 4999, currency: "usd", interval: "year" })).toBe("US$49.99 a year");
});
