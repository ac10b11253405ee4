/**
 * Grace that ends: it counts from the first unpaid invoice of the debt, so a Stripe account that leaves
 * subscriptions past due across several renewals does not move a lapsed patron back to grace (with another
 * payment-failed email and votes counted again) each time a period starts without being paid.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import * as Votes from "../../core/votes";
import { createTopic, saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, invoice } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const DAY = 24 * 60 * 60 * 1000;
const seconds = (ms: number) => Math.floor(ms / 1000);
const paymentFailedEmails = async (email: string) => (await mailTo(email)).filter((m) => /didn't go through/.test(m.subject)).length;

/** A patron whose renewal `daysAgo` days ago failed: past due at Stripe with that open invoice; one counted vote. */
async function pastDue(name: string, daysAgo: number) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name) });
  const failedAt = Date.now() - daysAgo * DAY;
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", periodStart: new Date(failedAt), metadata: { subscriberId: subscriber.id } },
  });
  await deliver(event("customer.subscription.created", member.subscription));
  const topic = await createTopic({ status: "open" });
  await Votes.vote(subscriber.id, topic.id);
  const first = invoice({ customer: member.customer.id, subscription: member.subscription.id, status: "open", created: seconds(failedAt) });
  stripe.fake.invoices.set(first.id, first);
  stripe.fake.put({ ...member.subscription, status: "past_due" });
  expect((await deliver(event("invoice.payment_failed", first))).status).toBe(200);
  return { subscriber, ...member, topic, failedAt };
}

/** The next period starts, and its invoice fails too: Stripe leaves the subscription past due. */
async function renewalFails(subscriptionId: string, customerId: string) {
  const renewed = structuredClone(stripe.fake.subscriptions.get(subscriptionId)!);
  const item = renewed.items.data[0]!;
  item.current_period_start = seconds(Date.now() - 60_000);
  item.current_period_end = item.current_period_start + 30 * 24 * 3600;
  stripe.fake.put(renewed);
  const next = invoice({ customer: customerId, subscription: subscriptionId, status: "open", created: item.current_period_start });
  stripe.fake.invoices.set(next.id, next);
  expect((await deliver(event("invoice.payment_failed", next))).status).toBe(200);
  expect((await deliver(event("customer.subscription.updated", renewed))).status).toBe(200);
}

describe("grace across renewals of one debt", () => {
  it("a failure 3 days ago: grace until 7 days after it; the next renewal failing keeps that date and sends nothing more", async () => {
    const { subscriber, subscription: sub, customer: cus, failedAt } = await pastDue("grace-kept", 3);
    const graceUntil = new Date(seconds(failedAt) * 1000 + 7 * DAY).toISOString();
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "grace", graceUntil });

    await renewalFails(sub.id, cus.id);

    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "grace", graceUntil, unpaidSince: new Date(seconds(failedAt) * 1000).toISOString() });
    expect(await paymentFailedEmails(subscriber.email)).toBe(1);
  });

  it("lapsed for a debt 10 days old: renewals that fail again leave them lapsed, with no new email, votes not counted", async () => {
    const { subscriber, subscription: sub, customer: cus, topic } = await pastDue("grace-ended", 10);
    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(false);

    await renewalFails(sub.id, cus.id);
    await renewalFails(sub.id, cus.id);

    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    expect(await paymentFailedEmails(subscriber.email)).toBe(0);
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(false);
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 0, voters: 0 });

    // Paying the debt ends it: active again, welcomed back, and the next failure starts a new grace.
    for (const open of [...stripe.fake.invoices.values()].filter((i) => i.customer === cus.id)) open.status = "paid";
    stripe.fake.put({ ...stripe.fake.subscriptions.get(sub.id)!, status: "active" });
    expect((await deliver(event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })))).status).toBe(200);
    const paid = await Patrons.get(subscriber.id);
    expect(paid?.status).toBe("active");
    expect(paid?.unpaidSince).toBeUndefined();
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(true);
    stripe.fake.put({ ...stripe.fake.subscriptions.get(sub.id)!, status: "past_due" });
    await renewalFails(sub.id, cus.id);
    expect((await Patrons.get(subscriber.id))?.status).toBe("grace");
    expect(await paymentFailedEmails(subscriber.email)).toBe(1);
  });

  it("the expiry job lapses a grace at the end counted from the debt's start, not from the latest renewal", async () => {
    const { subscriber, subscription: sub, customer: cus, failedAt } = await pastDue("grace-expiry", 5);
    await renewalFails(sub.id, cus.id);

    await Patrons.expire(new Date(failedAt + 7 * DAY + 60_000));

    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
  });
});
