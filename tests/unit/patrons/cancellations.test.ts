/**
 * Cancellation reasons as pure functions: what Stripe's subscription says (`cancellation_details`, `canceled_at`),
 * what the patron keeps after each fact (recorded, kept through the end, taken back, a rejoin's new subscription),
 * and what each write adds to the day's counters (once per cancellation, the difference when it changes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../../core/config";
import { cancellationTally } from "../../../core/db/cancellations";
import { cancellationAfter, cancellationOf } from "../../../core/patrons/cancelling";
import { derive, storedMembership, type PaidMembership } from "../../../core/patrons/rules";
import type { Cancellation, Patron } from "../../../core/patrons/types";
import { useLocalEnv } from "../../helpers/local";
import { subscription } from "../../helpers/stripe-objects";

// The counters name the table (no request is made).
beforeAll(() => {
  useLocalEnv();
  process.env.TABLE_NAME ??= "unit-cancellations";
  Config.reset();
});

const now = new Date("2026-11-30T12:00:00.000Z");
const at = now.toISOString();
const T1 = Date.parse("2026-11-20T09:30:00Z") / 1000;
const T2 = Date.parse("2026-11-28T18:00:00Z") / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const membership = (fields: Partial<PaidMembership> = {}): PaidMembership => ({
  subscriptionId: "sub_1",
  customerId: "cus_1",
  priceId: "price_coffee",
  tierId: "coffee",
  status: "active",
  cancelAtPeriodEnd: false,
  created: 100,
  ...fields,
});
const patron = (fields: Partial<Patron> = {}): Patron => ({
  subscriberId: "sub_a",
  status: "active",
  tierId: "coffee",
  stripeCustomerId: "cus_1",
  stripeSubscriptionId: "sub_1",
  subscriptionStatus: "active",
  createdAt: at,
  updatedAt: at,
  version: 3,
  ...fields,
});
const asked = { requestedAt: iso(T1), reason: "cancellation_requested", feedback: "too_expensive", comment: "Money is tight" };
const recorded: Cancellation = { subscriptionId: "sub_1", ...asked };

describe("cancellationOf: what Stripe's subscription says", () => {
  const base = () => subscription({ id: "sub_1", customer: "cus_1", status: "active", priceId: "price_coffee" });

  it("a subscription that goes on has none", () => {
    expect(cancellationOf(base())).toBeUndefined();
  });

  it("cancelling at the period's end: the request's time, reason, feedback and comment", () => {
    const sub = Object.assign(base(), {
      cancel_at_period_end: true,
      canceled_at: T1,
      cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive", comment: "  Money is tight  ", feedback_option: null },
    });
    expect(cancellationOf(sub)).toEqual(asked);
  });

  it("ended by failed payments, without a survey; an unknown word is kept as `other`, never as free text", () => {
    const sub = Object.assign(base(), { status: "canceled", canceled_at: T2, ended_at: T2, cancellation_details: { reason: "payment_failed", feedback: null, comment: null } });
    expect(cancellationOf(sub)).toEqual({ requestedAt: iso(T2), reason: "payment_failed" });
    const odd = Object.assign(base(), { status: "canceled", canceled_at: T2, cancellation_details: { reason: "cancellation_requested", feedback: "Nope <b>", comment: "" } });
    expect(cancellationOf(odd)).toEqual({ requestedAt: iso(T2), reason: "cancellation_requested", feedback: "other" });
  });

  it("an ending Stripe gives no time for records nothing", () => {
    expect(cancellationOf(Object.assign(base(), { status: "canceled", canceled_at: null, ended_at: null }))).toBeUndefined();
  });
});

describe("cancellationAfter: what the patron keeps", () => {
  it("records a cancellation, and keeps its first request's time while it stands (ended at once after asking for the period's end)", () => {
    expect(cancellationAfter(undefined, membership({ cancelAtPeriodEnd: true, cancellation: asked }), at)).toEqual(recorded);
    const endedNow = membership({ status: "canceled", cancellation: { ...asked, requestedAt: iso(T2) } });
    expect(cancellationAfter(recorded, endedNow, at)).toEqual(recorded);
  });

  it("taken back while live: withdrawnAt once, the rest kept", () => {
    const withdrawn = cancellationAfter(recorded, membership(), at);
    expect(withdrawn).toEqual({ ...recorded, withdrawnAt: at });
    expect(cancellationAfter(withdrawn, membership(), "2026-12-01T00:00:00.000Z")).toBe(withdrawn);
  });

  it("asked again after taking it back: a new cancellation at its own time", () => {
    const again = cancellationAfter({ ...recorded, withdrawnAt: at }, membership({ cancellation: { requestedAt: iso(T2), reason: "cancellation_requested" } }), at);
    expect(again).toEqual({ subscriptionId: "sub_1", requestedAt: iso(T2), reason: "cancellation_requested" });
  });

  it("a rejoin's new subscription, a subscription that vanished, or no subscription keep the last cancellation as it was", () => {
    expect(cancellationAfter(recorded, membership({ subscriptionId: "sub_2" }), at)).toBe(recorded);
    expect(cancellationAfter(recorded, membership({ status: "canceled" }), at)).toBe(recorded);
    expect(cancellationAfter(recorded, undefined, at)).toBe(recorded);
  });

  it("derive records it on the patron; rules applied from what is stored (expiry) change nothing", () => {
    const cancelling = derive(patron(), membership({ cancelAtPeriodEnd: true, cancellation: asked }), "sub_a", now, 7)!;
    expect(cancelling.cancellation).toEqual(recorded);
    const stored = storedMembership({ ...cancelling, cancelAtPeriodEnd: true }, [])!;
    expect(derive({ ...cancelling, cancelAtPeriodEnd: true }, stored, "sub_a", now, 7)!.cancellation).toEqual(recorded);
  });
});

describe("cancellationTally: the day's counters", () => {
  const adds = (previous: Patron | undefined, next: Patron) => {
    const [item] = cancellationTally(previous, next);
    if (!item) return {};
    const update = item.Update!;
    const names = update.ExpressionAttributeNames!;
    const values = update.ExpressionAttributeValues!;
    expect(update.Key).toEqual({ pk: "CANCELLATIONS", sk: expect.stringMatching(new RegExp(`^${next.cancellation!.requestedAt.slice(0, 10)}#[0-3]$`)) });
    return Object.fromEntries(Object.keys(names).filter((n) => n.startsWith("#c")).map((n) => [names[n], values[`:${n.slice(1)}`]]));
  };

  it("a new cancellation adds one, by reason and feedback, on its request's day", () => {
    expect(adds(patron(), patron({ cancellation: recorded }))).toEqual({ total: 1, reason_cancellation_requested: 1, feedback_too_expensive: 1 });
  });

  it("the same one written again adds nothing; taken back adds a withdrawal; feedback given later moves it", () => {
    expect(cancellationTally(patron({ cancellation: recorded }), patron({ cancellation: recorded, status: "lapsed" }))).toEqual([]);
    expect(adds(patron({ cancellation: recorded }), patron({ cancellation: { ...recorded, withdrawnAt: at } }))).toEqual({ withdrawn: 1 });
    const bare = { ...recorded, feedback: undefined };
    expect(adds(patron({ cancellation: bare }), patron({ cancellation: recorded }))).toEqual({ feedback_none: -1, feedback_too_expensive: 1 });
  });

  it("another subscription's, or a request after one taken back, counts again; none counts nothing", () => {
    const second = { subscriptionId: "sub_2", requestedAt: iso(T2), reason: "payment_failed" };
    expect(adds(patron({ cancellation: { ...recorded, withdrawnAt: at } }), patron({ cancellation: second }))).toEqual({
      total: 1,
      reason_payment_failed: 1,
      feedback_none: 1,
    });
    expect(cancellationTally(undefined, patron())).toEqual([]);
  });
});
