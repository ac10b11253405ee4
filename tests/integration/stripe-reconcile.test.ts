/**
 * The daily reconciliation against the fake Stripe: it reads Stripe's subscription list page by page, repairs
 * every patron that differs (and creates the ones a lost webhook never made), leaves foreign prices and correct
 * patrons alone, and reports what it changed; a second run changes nothing.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
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

    const listCalls = () => stripe.fake.requests.filter((r) => r.path === "/v1/subscriptions" && !r.query.customer).length;
    const before = listCalls();
    const report = await handler({});
    expect(listCalls() - before).toBe(2);
    expect(report.pages).toBe(2);
    expect(report.subscriptions).toBe(154);
    expect(report.customers).toBe(4);
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

    const again = await handler({});
    expect(again.changed).toEqual([]);
    expect(again.unmatched).toEqual([]);
  });
});
