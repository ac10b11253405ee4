/**
 * Prices over time and subscriptions that stop being memberships: a tier lists its current and retired prices, and
 * a subscription on any of them follows Stripe; a Portal switch to a price in no tier, a deleted customer and a
 * purged one each end the membership by the usual rules (one lapsed email, votes no longer counted).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import { stats } from "../../core/subscribers/stats";
import * as Votes from "../../core/votes";
import { createTopic, saveSubscriber } from "../helpers/factories";
import { forgetCycle, untilDone } from "../helpers/reconcile";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, invoice } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

/** The tests' tiers after a price rise: coffee costs €6 now; €5 subscriptions go on, on the retired price. */
const TIERS = [
  {
    id: "coffee",
    name: "Coffee",
    voteWeight: 1,
    prices: [
      { id: "price_coffee_2027", amount: 600, currency: "eur", interval: "month" },
      { id: "price_coffee_yearly", amount: 6000, currency: "eur", interval: "year" },
      { id: "price_coffee", amount: 500, currency: "eur", interval: "month", retired: true },
    ],
  },
  { id: "co-creator", name: "Co-creator", priceId: "price_cocreator", amount: 1500, currency: "eur", interval: "month", voteWeight: 3 },
];

let previous: string | undefined;
beforeAll(() => {
  previous = process.env.TIERS;
  process.env.TIERS = JSON.stringify(TIERS);
  Config.reset();
});
afterAll(() => {
  process.env.TIERS = previous;
  Config.reset();
});

const lapsedEmails = async (email: string) => (await mailTo(email)).filter((m) => /membership has ended/.test(m.subject)).length;

/** A patron on `priceId`, as the webhooks leave them, with a counted vote. */
async function patronOn(name: string, priceId: string) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name) });
  const member = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId, metadata: { subscriberId: subscriber.id } },
  });
  expect((await deliver(event("customer.subscription.created", member.subscription))).status).toBe(200);
  const topic = await createTopic({ status: "open" });
  await Votes.vote(subscriber.id, topic.id);
  return { subscriber, ...member, topic };
}

describe("a tier's prices over time", () => {
  it("reads both TIERS shapes; the first current price is the one offered; a price in two tiers or no current price is refused", () => {
    const [coffee, cocreator] = Config.get().TIERS;
    expect(coffee).toMatchObject({ id: "coffee", priceId: "price_coffee_2027", amount: 600, interval: "month" });
    expect(coffee!.prices.map((p) => [p.id, p.retired])).toEqual([
      ["price_coffee_2027", false],
      ["price_coffee_yearly", false],
      ["price_coffee", true],
    ]);
    expect(cocreator!.prices).toEqual([{ id: "price_cocreator", amount: 1500, currency: "eur", interval: "month", retired: false }]);

    const env = { ...process.env };
    const twice = [{ ...TIERS[1], id: "other" }, TIERS[1]];
    expect(() => Config.load({ ...env, TIERS: JSON.stringify(twice) })).toThrow(/price_cocreator is listed twice/);
    const allRetired = [{ id: "old", name: "Old", voteWeight: 1, prices: [{ id: "p", amount: 1, currency: "eur", interval: "month", retired: true }] }];
    expect(() => Config.load({ ...env, TIERS: JSON.stringify(allRetired) })).toThrow(/every price is retired/);
  });

  it("a subscription on a retired price is a membership of its tier that follows Stripe: failing, then cancelled", async () => {
    const revenue = async () => (await stats()).monthlyRecurringRevenue.eur ?? 0;
    const before = await revenue();
    const { subscriber, subscription: sub, customer: cus } = await patronOn("retired-price", "price_coffee");
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "coffee", stripePriceId: "price_coffee" });
    // Revenue counts what they pay (the retired €5), not today's price.
    expect((await revenue()) - before).toBe(500);

    stripe.fake.put({ ...sub, status: "past_due" });
    expect((await deliver(event("invoice.payment_failed", invoice({ customer: cus.id, subscription: sub.id, status: "open" })))).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("grace");

    stripe.fake.put({ ...sub, status: "canceled" });
    expect((await deliver(event("customer.subscription.deleted", stripe.fake.subscriptions.get(sub.id)!))).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    expect(await lapsedEmails(subscriber.email)).toBe(1);
  });

  it("a yearly price of the same tier is as good as the monthly one", async () => {
    const { subscriber } = await patronOn("yearly-price", "price_coffee_yearly");
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "coffee", stripePriceId: "price_coffee_yearly" });
  });
});

describe("a subscription that stops being a membership", () => {
  it("a Portal switch to a price in no tier ends the membership: lapsed once, votes no longer counted", async () => {
    const { subscriber, subscription: sub, topic } = await patronOn("no-tier-price", "price_coffee_2027");
    const switched = structuredClone(stripe.fake.subscriptions.get(sub.id)!);
    switched.items.data[0]!.price = { ...switched.items.data[0]!.price, id: "price_print_edition" };
    stripe.fake.put(switched);

    expect((await deliver(event("customer.subscription.updated", switched))).status).toBe(200);
    expect((await deliver(event("customer.subscription.updated", switched))).status).toBe(200); // Stripe says it again

    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed", tierId: "coffee" });
    expect(await lapsedEmails(subscriber.email)).toBe(1);
    expect((await Db.Votes.get(topic.id, subscriber.id))?.counted).toBe(false);
    expect(await Db.Topics.tally(topic.id)).toEqual({ score: 0, voters: 0 });
  });

  it("customer.deleted: the customer's subscriptions end at Stripe, and so does the membership", async () => {
    const { subscriber, customer: cus } = await patronOn("customer-deleted", "price_coffee_2027");
    const stripeApi = await (await import("../../core/stripe")).stripe();
    const deleted = await stripeApi.customers.del(cus.id);

    expect((await deliver(event("customer.deleted", deleted))).status).toBe(200);

    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    expect(await lapsedEmails(subscriber.email)).toBe(1);
  });

  it("the reconciliation lapses a patron whose customer is gone at Stripe, or whose subscription left the tiers, once", async () => {
    const gone = await patronOn("reconcile-gone", "price_coffee_2027");
    stripe.fake.customers.delete(gone.customer.id);
    stripe.fake.subscriptions.delete(gone.subscription.id);
    const moved = await patronOn("reconcile-moved", "price_coffee_2027");
    const switched = structuredClone(stripe.fake.subscriptions.get(moved.subscription.id)!);
    switched.items.data[0]!.price = { ...switched.items.data[0]!.price, id: "price_print_edition" };
    stripe.fake.put(switched);

    await forgetCycle();
    await untilDone();
    await forgetCycle();
    await untilDone(); // a second cycle changes nothing more

    for (const { subscriber } of [gone, moved]) {
      expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
      expect(await lapsedEmails(subscriber.email)).toBe(1);
    }
  });

  it("a customer purged at Stripe (its subscriptions no longer listed) ends the membership when it is next synced", async () => {
    const { subscriber, customer: cus, subscription: sub } = await patronOn("customer-purged", "price_coffee_2027");
    stripe.fake.customers.delete(cus.id);
    stripe.fake.subscriptions.delete(sub.id);

    expect((await deliver(event("customer.deleted", { id: cus.id, object: "customer", deleted: true }))).status).toBe(200);

    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    expect(await lapsedEmails(subscriber.email)).toBe(1);
  });
});
