/**
 * The daily reconciliation against the fake Stripe: it reads Stripe's live subscriptions page by page, repairs
 * every patron that differs (and creates the ones a lost webhook never made), sweeps the paying patrons no live
 * list showed (a cancellation whose webhook was lost), leaves foreign prices and correct patrons alone, and
 * reports what it changed; the next day's cycle changes nothing. Cycles split over invocations, crashes and
 * leases: reconcile-cycles.test.ts.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { reconcile } from "../../core/patrons/reconcile";
import { handler } from "../../functions/cron/reconcile";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, subscription } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

describe("reconcile", () => {
  it("repairs drift, creates missing patrons, ignores foreign prices, reports what changed, and is idempotent", async () => {
    // In step: a patron whose webhooks all arrived.
    const fine = stripeMember(stripe.fake, { email: uniqueEmail("fine"), subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", fine.subscription));
    // Drifted: cancelled and changed tier at Stripe, the webhooks lost.
    const drifted = stripeMember(stripe.fake, { email: uniqueEmail("drift"), subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", drifted.subscription));
    stripe.fake.put({ ...drifted.subscription, status: "canceled" });
    const tier = stripeMember(stripe.fake, { email: uniqueEmail("tier"), subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", tier.subscription));
    const moved = structuredClone(tier.subscription);
    moved.items.data[0]!.price = { ...moved.items.data[0]!.price, id: "price_yearly" };
    stripe.fake.put(moved);
    // Missing: paid, but no webhook ever came.
    const missingEmail = uniqueEmail("missing");
    const missing = stripeMember(stripe.fake, { email: missingEmail, subscription: { status: "past_due", priceId: "price_cocreator" } });
    // Noise: 150 subscriptions of someone else's product, so the list takes several pages.
    for (let i = 0; i < 150; i++) stripe.fake.put(subscription({ customer: `cus_other${i}`, status: "active", priceId: "price_newspaper_print" }));

    const driftedId = (await Db.Patrons.byCustomer(drifted.customer.id))!.subscriberId;

    const listCalls = () => stripe.fake.requests.filter((r) => r.path === "/v1/subscriptions" && !r.query.customer);
    const before = listCalls().length;
    // The Lambda's context: ten minutes left, far more than this cycle takes, so one invocation finishes it.
    const report = await handler({}, { getRemainingTimeInMillis: () => 10 * 60_000 });
    expect(report.done).toBe(true);
    // One list per live status (two pages of active ones), never `all`: the cancelled subscription is not read.
    expect(listCalls().slice(before).map((r) => r.query.status)).toEqual(["active", "active", "trialing", "past_due", "unpaid", "paused"]);
    expect(report.pages).toBe(6);
    expect(report.subscriptions).toBe(153);
    expect(report.customers).toBe(3);
    // The patron whose cancellation was lost: no live list showed it, so the sweep synced it.
    expect(report.unmatched).toEqual([driftedId]);
    const changes = Object.fromEntries(report.changed.map((c) => [c.customerId, { from: c.from, to: c.to }]));
    expect(changes).toEqual({
      [drifted.customer.id]: { from: { status: "active", tierId: "coffee" }, to: { status: "lapsed", tierId: "coffee" } },
      [tier.customer.id]: { from: { status: "active", tierId: "coffee" }, to: { status: "active", tierId: "yearly" } },
      [missing.customer.id]: { from: null, to: { status: "grace", tierId: "co-creator" } },
    });
    const created = await Db.Subscribers.getByEmail(missingEmail);
    expect(created).toMatchObject({ status: "active", consent: { source: "stripe" } });
    expect(await Db.Patrons.get(created!.id)).toMatchObject({ status: "grace", stripeCustomerId: missing.customer.id });
    expect(await Db.Patrons.byCustomer("cus_other0")).toBeUndefined();

    // Run again at once, it has nothing to do; the next day's cycle finds nothing to change.
    expect(await handler({})).toMatchObject({ done: true, idle: "resting", pages: 0 });
    const again = await reconcile({ now: new Date(Date.now() + 24 * 3600 * 1000) });
    expect(again).toMatchObject({ done: true, changed: [], unmatched: [], failed: [] });
  });
});
