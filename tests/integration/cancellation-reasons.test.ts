/**
 * Cancellation reasons against the real local stack and the fake Stripe, through the signed webhook: what Stripe
 * collects (`cancellation_details`, `canceled_at`) is kept on the patron and counted once on the day it was asked
 * for, whatever the order and number of `customer.subscription.updated` and `.deleted` deliveries (each handler
 * re-fetches the subscription); taken back, it is marked and counted as withdrawn; a rejoin's later cancellation
 * counts again. Each test counts on days of its own, so the file's tests share one table without sharing counts.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { daysBetween } from "../../core/db/cancellation-days";
import * as Patrons from "../../core/patrons";
import { cancellationSummary } from "../../core/patrons/cancellations";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, subscription as makeSubscription } from "../helpers/stripe-objects";
import { Sender } from "../helpers/webhook-sender";

useLocalStack();
const stripe = useFakeStripe();

const seconds = (iso: string) => Date.parse(iso) / 1000;
const details = (fields: Partial<Stripe.Subscription.CancellationDetails>) =>
  ({ reason: "cancellation_requested", feedback: null, comment: null, feedback_option: null, ...fields }) as Stripe.Subscription.CancellationDetails;

/** An active patron through the webhook, as after a checkout. */
async function patron(name: string) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name) });
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active" });
  return { subscriber, ...member };
}

/** What Stripe holds for `id` now, changed by `fields` (a copy: events carry snapshots). */
function atStripe(id: string, fields: Partial<Stripe.Subscription>): Stripe.Subscription {
  const next = { ...structuredClone(stripe.fake.subscriptions.get(id)!), ...fields };
  stripe.fake.put(next);
  return structuredClone(next);
}

const day = async (date: string) => (await daysBetween(date, date))[0];
const ok = async (e: Stripe.Event) => expect((await deliver(e)).status).toBe(200);

describe("a cancellation kept with the patron", () => {
  it("at the period's end with the survey's answer, then ended: one record, one count, whatever the order and repeats", async () => {
    const { subscriber, subscription } = await patron("reasons-order");
    const asked = "2025-01-06T09:15:00.000Z";
    // Stripe's latest state first: the period ended; the update that scheduled it arrives after the deletion.
    const cancelling = atStripe(subscription.id, {
      cancel_at_period_end: true,
      canceled_at: seconds(asked),
      cancellation_details: details({ feedback: "too_expensive", comment: "Money is tight this winter" }),
    });
    const ended = atStripe(subscription.id, { status: "canceled", ended_at: seconds("2025-01-31T00:00:00Z") });
    const updated = event("customer.subscription.updated", cancelling);
    const deleted = event("customer.subscription.deleted", ended);

    await ok(deleted);
    await ok(updated);
    await ok(deleted); // a duplicate of the same event
    await ok(event("customer.subscription.updated", cancelling)); // the stale payload again, as a new event

    const after = await Patrons.get(subscriber.id);
    expect(after).toMatchObject({ status: "lapsed" });
    expect(after!.cancellation).toEqual({
      subscriptionId: subscription.id,
      requestedAt: asked,
      reason: "cancellation_requested",
      feedback: "too_expensive",
      comment: "Money is tight this winter",
    });
    expect(await day("2025-01-06")).toEqual({
      date: "2025-01-06",
      total: 1,
      withdrawn: 0,
      byReason: { cancellation_requested: 1 },
      byFeedback: { too_expensive: 1 },
    });
  });

  it("the same events delivered at once, several times each: still one count", async () => {
    const { subscriber, subscription } = await patron("reasons-parallel");
    const asked = "2025-01-13T20:00:00.000Z";
    const cancelling = atStripe(subscription.id, { cancel_at_period_end: true, canceled_at: seconds(asked), cancellation_details: details({ feedback: "unused" }) });
    const events = [
      ...Array.from({ length: 3 }, () => event("customer.subscription.updated", cancelling)),
      ...Array.from({ length: 3 }, () => event("customer.subscription.updated", subscription)), // older payloads
    ];
    const sender = new Sender();
    await sender.deliverAll([...events, ...events], 6);

    expect((await Patrons.get(subscriber.id))!.cancellation).toMatchObject({ requestedAt: asked, feedback: "unused" });
    expect(await day("2025-01-13")).toMatchObject({ total: 1, byFeedback: { unused: 1 } });
  });

  it("many patrons' cancellations of one day delivered at once, twice each: every one counted exactly once", async () => {
    const patrons = await Promise.all(Array.from({ length: 5 }, (_, i) => patron(`reasons-burst-${i}`)));
    const events = patrons.map(({ subscription }, i) => {
      const ended = atStripe(subscription.id, {
        status: "canceled",
        canceled_at: seconds(`2025-01-20T0${i}:00:00Z`),
        ended_at: seconds(`2025-01-20T0${i}:00:00Z`),
        cancellation_details: details({ reason: "payment_failed" }),
      });
      return event("customer.subscription.deleted", ended);
    });
    await new Sender().deliverAll([...events, ...events.map((e) => ({ ...e, id: `${e.id}_again` }))], 10);

    expect(await day("2025-01-20")).toEqual({ date: "2025-01-20", total: 5, withdrawn: 0, byReason: { payment_failed: 5 }, byFeedback: { none: 5 } });
  });

  it("taken back before the period ends: marked withdrawn (kept), counted once; asked again, a new one counts on its own day", async () => {
    const { subscriber, subscription } = await patron("reasons-withdrawn");
    const cancelling = atStripe(subscription.id, {
      cancel_at_period_end: true,
      canceled_at: seconds("2025-02-03T10:00:00Z"),
      cancellation_details: details({ feedback: "missing_features" }),
    });
    await ok(event("customer.subscription.updated", cancelling));

    // The portal's "Don't cancel": Stripe clears the request and its details.
    const renewed = atStripe(subscription.id, { cancel_at_period_end: false, cancel_at: null, canceled_at: null, cancellation_details: details({ reason: null }) });
    await ok(event("customer.subscription.updated", renewed));
    await ok(event("customer.subscription.updated", cancelling)); // the older event, late: Stripe's state is what counts
    const withdrawn = (await Patrons.get(subscriber.id))!;
    expect(withdrawn.status).toBe("active");
    expect(withdrawn.cancellation).toMatchObject({ requestedAt: "2025-02-03T10:00:00.000Z", feedback: "missing_features", withdrawnAt: expect.any(String) });
    await ok(event("customer.subscription.updated", renewed));
    expect((await Patrons.get(subscriber.id))!.cancellation).toEqual(withdrawn.cancellation);
    expect(await day("2025-02-03")).toMatchObject({ total: 1, withdrawn: 1, byFeedback: { missing_features: 1 } });

    const again = atStripe(subscription.id, {
      cancel_at_period_end: true,
      canceled_at: seconds("2025-02-10T08:00:00Z"),
      cancellation_details: details({ feedback: "switched_service", comment: "Found a podcast I like more" }),
    });
    await ok(event("customer.subscription.updated", again));
    expect((await Patrons.get(subscriber.id))!.cancellation).toEqual({
      subscriptionId: subscription.id,
      requestedAt: "2025-02-10T08:00:00.000Z",
      reason: "cancellation_requested",
      feedback: "switched_service",
      comment: "Found a podcast I like more",
    });
    expect(await day("2025-02-10")).toMatchObject({ total: 1, withdrawn: 0 });
    expect(await day("2025-02-03")).toMatchObject({ total: 1, withdrawn: 1 });
  });

  it("a patron who rejoins keeps the last cancellation until the new subscription's own, which counts again", async () => {
    const { subscriber, subscription, customer } = await patron("reasons-rejoin");
    const first = atStripe(subscription.id, {
      status: "canceled",
      canceled_at: seconds("2025-03-03T12:00:00Z"),
      ended_at: seconds("2025-03-03T12:00:00Z"),
      cancellation_details: details({ feedback: "too_expensive" }),
    });
    await ok(event("customer.subscription.deleted", first));
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed", cancellation: { subscriptionId: subscription.id } });

    const rejoined = makeSubscription({ customer: customer.id, status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } });
    stripe.fake.put(rejoined);
    await ok(event("customer.subscription.created", rejoined));
    const back = (await Patrons.get(subscriber.id))!;
    expect(back).toMatchObject({ status: "active", stripeSubscriptionId: rejoined.id });
    expect(back.cancellation).toMatchObject({ subscriptionId: subscription.id, requestedAt: "2025-03-03T12:00:00.000Z" });
    expect(back.cancellation?.withdrawnAt).toBeUndefined();

    // Stripe ends the new one after its retries fail: a reason, no survey.
    const second = atStripe(rejoined.id, {
      status: "canceled",
      canceled_at: seconds("2025-03-20T06:00:00Z"),
      ended_at: seconds("2025-03-20T06:00:00Z"),
      cancellation_details: details({ reason: "payment_failed" }),
    });
    await ok(event("customer.subscription.deleted", second));
    await ok(event("customer.subscription.deleted", first)); // the old one's event again changes nothing
    expect((await Patrons.get(subscriber.id))!.cancellation).toEqual({
      subscriptionId: rejoined.id,
      requestedAt: "2025-03-20T06:00:00.000Z",
      reason: "payment_failed",
    });

    const march = await cancellationSummary({ from: "2025-03-01", to: "2025-03-31" });
    expect(march).toEqual({
      from: "2025-03-01",
      to: "2025-03-31",
      total: 2,
      withdrawn: 0,
      byReason: { cancellation_requested: 1, payment_failed: 1 },
      byFeedback: { too_expensive: 1, none: 1 },
    });
    // Days outside the period are not counted.
    expect(await cancellationSummary({ from: "2025-03-04", to: "2025-03-19" })).toMatchObject({ total: 0, byReason: {}, byFeedback: {} });
    expect(await cancellationSummary({ from: "2025-03-20", to: "2025-03-20" })).toMatchObject({ total: 1, byReason: { payment_failed: 1 } });
  });
});
