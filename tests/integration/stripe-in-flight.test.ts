/**
 * Claims held by a delivery still at work, against the local stack and the fake Stripe. A second delivery of an
 * event (Stripe's retry after a timeout, or a duplicate) that meets a claim not yet processed must get a 5xx, not a
 * 200 "duplicate": Stripe never retries a 200, so if the first delivery then failed or died the event would be
 * lost. Likewise a patron email claimed and not yet sent: a crash in between leaves a lease that expires, and an
 * attempt meeting a live one fails rather than take the email for sent. Deliveries are paused deterministically by
 * holding the fake Stripe's answer open (`holdNext`), never by load or sleeps.
 */
import type Stripe from "stripe";
import { describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import { CLAIM_LEASE_SECONDS, PATRON_EMAIL_CLAIMS, patronEmailClaim } from "../../core/patrons/notify";
import { reconcile } from "../../core/patrons/reconcile";
import { saveSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { event, invoice } from "../helpers/stripe-objects";
import { isPatronWrite } from "../helpers/patron-writes";

useLocalStack();
const stripe = useFakeStripe();

const WELCOME = "Welcome, patron of Tidings";

/** Makes DynamoDB refuse the next `times` patron writes (past the write's own retries, the delivery fails). */
function failPatronWrites(times: number) {
  const client = Db.db();
  const send = client.send.bind(client);
  let failed = 0;
  const spy = vi.spyOn(client, "send").mockImplementation(((command: any, ...rest: any[]) => {
    if (isPatronWrite(command)) {
      if (++failed >= times) spy.mockRestore();
      return Promise.reject(Object.assign(new Error("Service unavailable"), { name: "ServiceUnavailable" }));
    }
    return (send as any)(command, ...rest);
  }) as any);
}

/** Stripe's side: delivers `evt` again after every 5xx (up to `max` times); answers the 200's outcome. */
async function deliverUntilAnswered(evt: Stripe.Event, max = 20): Promise<string> {
  for (let i = 0; i < max; i++) {
    const answer = await deliver(evt);
    if (answer.status === 200) return (await body(answer)).outcome;
    expect(answer.status).toBeGreaterThanOrEqual(500);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${evt.id} still answered 5xx after ${max} deliveries`);
}

describe("a delivery meeting another delivery's claim", () => {
  const arrange = (label: string) => {
    const email = uniqueEmail(label);
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    return { email, evt: event("customer.subscription.created", sub) };
  };

  it("answers 503 while the first is still processing; after the first fails, the redelivery processes the event", async () => {
    const { email, evt } = arrange("inflight-fail");
    // The first delivery claims the event, then waits on Stripe's answer.
    const held = stripe.fake.holdNext({ method: "GET", path: /^\/v1\/subscriptions$/ });
    const first = deliver(evt);
    await held.reached;

    // Stripe, having given up waiting, delivers the event again: not a 200, or it would never retry.
    const second = await deliver(evt);
    expect(second.status).toBe(503);
    expect((await body(second)).error.code).toBe("event_in_flight");
    expect(second.headers.get("retry-after")).toBe("120");

    // The first delivery then fails (DynamoDB refusing the patron's write past every retry): its claim is released.
    failPatronWrites(Db.MAX_ATTEMPTS);
    held.release();
    expect((await first).status).toBe(500);
    expect(await Db.Subscribers.getByEmail(email).then((s) => s && Db.Patrons.get(s.id))).toBeUndefined();

    // Stripe's retry of the second delivery processes the event.
    expect(await (await deliver(evt)).json()).toEqual({ received: true, outcome: "processed" });
    const subscriber = await Db.Subscribers.getByEmail(email);
    expect(await Db.Patrons.get(subscriber!.id)).toMatchObject({ status: "active", tierId: "coffee" });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual([WELCOME]);
  });

  it("answers 503 while the first is still processing; once the first succeeded, a redelivery is a duplicate", async () => {
    const { email, evt } = arrange("inflight-ok");
    const held = stripe.fake.holdNext({ method: "GET", path: /^\/v1\/subscriptions$/ });
    const first = deliver(evt);
    await held.reached;
    expect((await deliver(evt)).status).toBe(503);
    held.release();
    expect(await (await first).json()).toEqual({ received: true, outcome: "processed" });
    expect(await (await deliver(evt)).json()).toEqual({ received: true, outcome: "duplicate" });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual([WELCOME]);
  });

  it("a claim left by a delivery that died (no release) holds redeliveries off with 503 until its lease ends", async () => {
    const { email, evt } = arrange("inflight-dead");
    // A delivery claimed the event and died (a Lambda timeout): only its lease is left.
    expect(await Db.Events.once("stripe", evt.id, 120)).toBe(true);
    expect((await deliver(evt)).status).toBe(503);
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    // The lease ended (claimed 121 s ago): the redelivery takes the event over and processes it.
    await Db.Events.release("stripe", evt.id);
    expect(await Db.Events.once("stripe", evt.id, 120, new Date(Date.now() - 121_000))).toBe(true);
    expect(await (await deliver(evt)).json()).toEqual({ received: true, outcome: "processed" });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual([WELCOME]);
  });
});

describe("patron emails claimed under a lease", () => {
  const arrange = async (label: string) => {
    const subscriber = await saveSubscriber({ email: uniqueEmail(label) });
    const member = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    // The welcome the first write (version 1) owes.
    return { subscriber, ...member, claim: patronEmailClaim(subscriber.id, 1, "welcome") };
  };

  it("a crash between claiming and sending loses nothing: once the lease ends, the next delivery sends it once", async () => {
    const { subscriber, subscription: sub, claim } = await arrange("crash-email");
    // An attempt claimed the welcome and died before sending: its lease ended a minute ago.
    const crashedAt = new Date(Date.now() - (CLAIM_LEASE_SECONDS + 60) * 1000);
    expect(await Db.Events.once(PATRON_EMAIL_CLAIMS, claim, CLAIM_LEASE_SECONDS, crashedAt)).toBe(true);

    expect(await (await deliver(event("customer.subscription.created", sub))).json()).toEqual({ received: true, outcome: "processed" });
    expect((await mailTo(subscriber.email)).map((m) => m.subject)).toEqual([WELCOME]);
    expect((await Db.Patrons.get(subscriber.id))?.notice).toBeUndefined();
    expect(await Db.Events.processed(PATRON_EMAIL_CLAIMS, claim)).toBe(true);
    // Later deliveries about the membership send nothing more.
    expect((await deliver(event("invoice.paid", invoice({ customer: sub.customer as string, subscription: sub.id })))).status).toBe(200);
    expect((await mailTo(subscriber.email)).map((m) => m.subject)).toEqual([WELCOME]);
  });

  it("an email claimed and not yet sent is not taken for sent: the notice is kept, and a later write sends it once", async () => {
    const { subscriber, customer: cus, subscription: sub, claim } = await arrange("live-email");
    // Another attempt holds the welcome's claim, still sending.
    expect(await Db.Events.once(PATRON_EMAIL_CLAIMS, claim, CLAIM_LEASE_SECONDS)).toBe(true);
    const answer = await deliver(event("customer.subscription.created", sub));
    expect(await answer.json()).toEqual({ received: true, outcome: "processed" });
    expect((await Db.Patrons.get(subscriber.id))?.notice).toMatchObject({ kind: "welcome", version: 1 });
    expect(await mailTo(subscriber.email)).toHaveLength(0);

    // That attempt failed to send and gave the claim back: the next event about the patron sends the welcome.
    await Db.Events.release(PATRON_EMAIL_CLAIMS, claim);
    const later = event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id }));
    expect(await (await deliver(later)).json()).toEqual({ received: true, outcome: "processed" });
    expect((await mailTo(subscriber.email)).map((m) => m.subject)).toEqual([WELCOME]);
    expect((await Db.Patrons.get(subscriber.id))?.notice).toBeUndefined();
  });

  it("an email whose sender died is sent by the nightly reconciliation, once, when nothing else touches the patron", async () => {
    const { subscriber, subscription: sub, claim } = await arrange("owed-email");
    expect(await Db.Events.once(PATRON_EMAIL_CLAIMS, claim, CLAIM_LEASE_SECONDS)).toBe(true);
    expect((await deliver(event("customer.subscription.created", sub))).status).toBe(200);
    expect(await mailTo(subscriber.email)).toHaveLength(0);

    // The sender died; its lease has run out by the night.
    await Db.Events.release(PATRON_EMAIL_CLAIMS, claim);
    await reconcile();
    await reconcile();
    expect((await mailTo(subscriber.email)).map((m) => m.subject)).toEqual([WELCOME]);
    expect((await Db.Patrons.get(subscriber.id))?.notice).toBeUndefined();
  });

  it("concurrent deliveries of different events about one new patron send one welcome", async () => {
    const { subscriber, customer: cus, subscription: sub } = await arrange("concurrent-email");
    const events = [
      event("customer.subscription.created", sub),
      event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })),
      event("customer.subscription.updated", sub),
    ];
    const outcomes = await Promise.all([...events, ...events].map((evt) => deliverUntilAnswered(evt)));
    expect(outcomes.filter((o) => o === "processed")).toHaveLength(3);
    expect((await mailTo(subscriber.email)).map((m) => m.subject)).toEqual([WELCOME]);
    expect((await Db.Patrons.get(subscriber.id))?.notice).toBeUndefined();
  });
});
