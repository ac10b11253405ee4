/**
 * Stripe's webhooks keep votes true: a lapse stops a patron's votes counting at once, the same webhook processed
 * again (or a later event saying the same) changes the tallies once, and rejoining restores them.
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { useLocalStack } from "../helpers/local";
import { uniqueEmail } from "../helpers/mail";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

describe("votes through Stripe webhooks", () => {
  it("a cancelled subscription stops the votes once, however often its webhooks come; rejoining restores them", async () => {
    await Topics.upsert("webhook-votes", { title: "Webhook votes" });
    const email = uniqueEmail("voter");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_cocreator" } });
    await deliver(event("customer.subscription.created", sub));
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    await Votes.vote(subscriber.id, "webhook-votes");
    expect(await Db.Topics.tally("webhook-votes")).toEqual({ score: 3, voters: 1 });

    stripe.fake.put({ ...sub, status: "canceled" });
    const deleted = event("customer.subscription.deleted", { ...sub, status: "canceled" });
    await Promise.all([deliver(deleted), deliver(deleted)]);
    await deliver(event("customer.subscription.deleted", { ...sub, status: "canceled" }));
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed" });
    expect(await Db.Topics.tally("webhook-votes")).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get("webhook-votes", subscriber.id)).toMatchObject({ counted: false, weight: 3 });

    stripe.fake.put({ ...sub, status: "active" });
    await deliver(event("customer.subscription.updated", { ...sub, status: "active" }));
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active" });
    expect(await Db.Topics.tally("webhook-votes")).toEqual({ score: 3, voters: 1 });
  });
});
