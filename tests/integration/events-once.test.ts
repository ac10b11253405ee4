/**
 * Claiming an outside event once, when DynamoDB's answer is lost: the put happened, the caller saw a dropped
 * connection, and the SDK's retry met the first attempt's own write. That claim is still the caller's, not a
 * duplicate (else the event would be acknowledged and never processed). And when even taking the claim back fails,
 * the claim left is a lease that redeliveries are told to wait out (503), never a "duplicate". Faults come from a
 * proxy in front of DynamoDB Local (`helpers/dynamodb-proxy.ts`).
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { startDynamoDbProxy, type DynamoDbProxy } from "../helpers/dynamodb-proxy";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

let proxy: DynamoDbProxy;
beforeEach(async () => {
  proxy = await startDynamoDbProxy();
});
afterEach(async () => {
  await proxy.stop();
});

describe("claiming an event once when DynamoDB's answer is lost", () => {
  it("answers true to the claimant whose put was written but whose answer was dropped, false to a duplicate", async () => {
    const id = `evt_${randomUUID()}`;
    proxy.failNext("drop-after", /^PutItem$/);
    expect(await Db.Events.once("stripe", id, 120)).toBe(true);
    expect(proxy.counts.injected["drop-after"]).toBe(1);
    expect(await Db.Events.once("stripe", id, 120)).toBe(false);
  });

  it("takes back a claim it wrote but could not confirm (every attempt's answer lost), so the retry can claim", async () => {
    const id = `evt_${randomUUID()}`;
    for (let i = 0; i < 4; i++) proxy.failNext("drop-after", /^PutItem$/); // every attempt the SDK makes for DynamoDB (4)
    await expect(Db.Events.once("stripe", id, 120)).rejects.toThrow();
    expect(proxy.counts.injected["drop-after"]).toBe(4);
    expect(await Db.Events.once("stripe", id, 120)).toBe(true);
  });

  it("processes a webhook whose claim's answer was lost, instead of acknowledging it as a duplicate", async () => {
    const subscriber = await saveSubscriber();
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    proxy.failNext("drop-after", /^PutItem$/); // the first write of a webhook is its claim
    const answer = await deliver(event("customer.subscription.created", subscription));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true, outcome: "processed" });
    expect(proxy.counts.injected["drop-after"]).toBe(1);
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "coffee" });
  });

  it("a claim written whose answers and take-back were all lost is only a lease: redeliveries get 503, not duplicate", async () => {
    const subscriber = await saveSubscriber();
    const { subscription } = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "canceled", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    const evt = event("customer.subscription.deleted", subscription);
    // The claim is written, every answer the SDK waits for is lost, and so is the take-back after it.
    for (let i = 0; i < 4; i++) proxy.failNext("drop-after", /^PutItem$/);
    for (let i = 0; i < 4; i++) proxy.failNext("500", /^DeleteItem$/);
    expect((await deliver(evt)).status).toBe(500);
    expect(proxy.counts.injected).toMatchObject({ "drop-after": 4, "500": 4 });
    expect(await Db.Events.processed("stripe", evt.id)).toBe(false);

    // Stripe's retry meets that stray claim: told to come back (a 200 "duplicate" would lose the cancellation).
    const retried = await deliver(evt);
    expect(retried.status).toBe(503);
    expect(await retried.json()).toMatchObject({ error: { code: "event_in_flight" } });

    // Once the lease has ended (here: taken back for it), the next retry processes the event.
    await Db.Events.release("stripe", evt.id);
    expect(await (await deliver(evt)).json()).toEqual({ received: true, outcome: "processed" });
    expect(await Db.Events.processed("stripe", evt.id)).toBe(true);
  });
});
