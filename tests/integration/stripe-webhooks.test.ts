/**
 * `POST /webhooks/stripe` against the real local stack and the fake Stripe API: signatures (tampered bodies,
 * wrong secrets, missing headers, stale timestamps get 400 and change nothing), once per event id, unknown types
 * and foreign prices ignored, a subscription event before its checkout event, a failed write answered 5xx and
 * processed on redelivery, and the email change.
 */
import { describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { saveSubscriber } from "../helpers/factories";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { checkoutSession, customer, event, invoice, signed, subscription, WEBHOOK_SECRETS } from "../helpers/stripe-objects";
import { request } from "../helpers/http";
import { isPatronWrite } from "../helpers/patron-writes";

useLocalStack();
const stripe = useFakeStripe();

const patronByEmail = async (email: string) => {
  const subscriber = await Db.Subscribers.getByEmail(email);
  return { subscriber, patron: subscriber && (await Db.Patrons.get(subscriber.id)) };
};

describe("signatures", () => {
  const arrange = () => {
    const email = uniqueEmail("sig");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    return { email, evt: event("customer.subscription.created", sub) };
  };

  const refused = async (init: { body: string; headers: Record<string, string> }) => {
    const response = await request("/webhooks/stripe", { method: "POST", ...init });
    expect(response.status).toBe(400);
    expect((await body(response)).error.code).toBe("invalid_signature");
  };

  it("refuses tampered bodies, wrong secrets, missing or garbled headers, stale and future timestamps; nothing changes", async () => {
    const { email, evt } = arrange();
    const good = signed(evt);
    const tampered = good.body.replace('"active"', '"trialing"');
    expect(tampered).not.toBe(good.body);
    await refused({ body: tampered, headers: good.headers });
    await refused({ body: `${good.body} `, headers: good.headers });
    await refused(signed(evt, { secret: "whsec_someone_else" }));
    await refused({ body: good.body, headers: { "content-type": "application/json" } });
    await refused({ body: good.body, headers: { "content-type": "application/json", "stripe-signature": "nonsense" } });
    await refused({ body: good.body, headers: { ...good.headers, "stripe-signature": good.headers["stripe-signature"].replace(/v1=[0-9a-f]+/, "v1=00") } });
    await refused(signed(evt, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    await refused(signed(evt, { timestamp: Math.floor(Date.now() / 1000) + 3600 }));

    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
    // The refused deliveries left no trace of the event id: the genuine one is processed.
    const response = await deliver(evt);
    expect(await response.json()).toEqual({ received: true, outcome: "processed" });
    expect((await patronByEmail(email)).patron?.status).toBe("active");
  });

  it("accepts the previous secret while it is rolled, and a timestamp within 300 s", async () => {
    const { email, evt } = arrange();
    const response = await deliver(evt, { secret: WEBHOOK_SECRETS[1], timestamp: Math.floor(Date.now() / 1000) - 290 });
    expect(response.status).toBe(200);
    expect((await patronByEmail(email)).patron?.status).toBe("active");
  });
});

describe("events", () => {
  it("acknowledges unknown event types and changes nothing", async () => {
    const response = await deliver(event("payment_intent.succeeded", { object: "payment_intent" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "ignored" });
  });

  it("ignores subscriptions at prices that are not configured tiers: no subscriber, no patron, no email", async () => {
    const email = uniqueEmail("foreign");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, {
      email,
      subscription: { status: "active", priceId: "price_somebody_elses_product" },
    });
    for (const evt of [
      event("customer.subscription.created", sub),
      event("checkout.session.completed", checkoutSession({ customer: cus.id, subscription: sub.id })),
      event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })),
    ]) {
      const response = await deliver(evt);
      expect(response.status).toBe(200);
    }
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    expect(await Db.Patrons.byCustomer(cus.id)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("processes an event id once: duplicates, even concurrent ones, send one welcome", async () => {
    const email = uniqueEmail("dup");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const evt = event("customer.subscription.created", sub);
    const answers = await Promise.all([1, 2, 3, 4].map(async () => deliver(evt)));
    const outcomes = await Promise.all(answers.map(async (a) => (a.status === 200 ? (await body(a)).outcome : a.status)));
    // One processes it; one arriving meanwhile is told to come back (503: in flight), one arriving after is a duplicate.
    expect(outcomes.filter((o) => o === "processed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate" || o === 503)).toHaveLength(3);
    expect((await body(await deliver(evt))).outcome).toBe("duplicate");
    // Other events about the same membership change nothing more and send nothing more.
    await deliver(event("invoice.paid", invoice({ customer: sub.customer as string, subscription: sub.id })));
    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
  });

  it("a subscription event before its checkout event creates the patron of the subscriber who checked out", async () => {
    // The subscriber checks out: client_reference_id and metadata name them, and the customer has their address
    // (the checkout's customer_email). A name the customer doesn't agree with is ignored: stripe-customers.test.ts.
    const reader = await saveSubscriber({ email: uniqueEmail("reader") });
    const cus = customer({ email: reader.email });
    stripe.fake.customers.set(cus.id, cus);
    const sub = subscription({ customer: cus.id, status: "active", priceId: "price_cocreator", metadata: { subscriberId: reader.id, tierId: "co-creator" } });
    stripe.fake.put(sub);

    expect((await deliver(event("customer.subscription.created", sub))).status).toBe(200);
    const patron = await Db.Patrons.get(reader.id);
    expect(patron).toMatchObject({ status: "active", tierId: "co-creator", stripeCustomerId: cus.id, stripeSubscriptionId: sub.id });

    const session = checkoutSession({ customer: cus.id, subscription: sub.id, clientReferenceId: reader.id, metadata: { subscriberId: reader.id } });
    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);
    expect(await Db.Patrons.get(reader.id)).toMatchObject({ status: "active", tierId: "co-creator", stripeCustomerId: cus.id });
  });

  it("without metadata, finds the subscriber by the customer's email; someone unknown becomes an active subscriber", async () => {
    const known = await saveSubscriber({ email: uniqueEmail("known"), status: "active" });
    const a = stripeMember(stripe.fake, { email: known.email, subscription: { status: "active", priceId: "price_yearly" } });
    await deliver(event("customer.subscription.updated", a.subscription));
    expect(await Db.Patrons.get(known.id)).toMatchObject({ status: "active", tierId: "yearly" });

    const stranger = uniqueEmail("stranger");
    const b = stripeMember(stripe.fake, { email: stranger.toUpperCase(), subscription: { status: "trialing", priceId: "price_coffee" } });
    await deliver(event("invoice.paid", invoice({ customer: b.customer.id, subscription: b.subscription.id })));
    const { subscriber, patron } = await patronByEmail(stranger);
    expect(subscriber).toMatchObject({ status: "active", email: stranger, consent: { source: "stripe" } });
    expect(patron).toMatchObject({ status: "active", tierId: "coffee" });
  });

  it("a pending sign-up who pays becomes active (a patron's record must not expire)", async () => {
    const pending = await saveSubscriber({
      email: uniqueEmail("pending"),
      status: "pending",
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      optIn: { requestedAt: new Date().toISOString(), topics: ["climate"], frequency: "daily", consent: { requestedAt: new Date().toISOString(), source: "api", textVersion: "t" } },
    });
    const { subscription: sub } = stripeMember(stripe.fake, { email: pending.email, subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", sub));
    expect(await Db.Subscribers.get(pending.id)).toMatchObject({ status: "active", topics: ["climate"], frequency: "daily" });
    expect((await Db.Subscribers.get(pending.id))?.expiresAt).toBeUndefined();
  });

  it("a failed call answers 5xx and leaves nothing behind; Stripe's redelivery is processed", async () => {
    const email = uniqueEmail("retry");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const evt = event("customer.subscription.created", sub);
    stripe.fake.failNext({ method: "GET", path: /^\/v1\/subscriptions$/ }, 500);
    const failed = await deliver(evt);
    expect(failed.status).toBe(500);
    expect((await body(failed)).error.code).toBe("internal");
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();

    const retried = await deliver(evt);
    expect(await retried.json()).toEqual({ received: true, outcome: "processed" });
    expect((await patronByEmail(email)).patron?.status).toBe("active");
  });

  it("a failed Stripe call on a known patron is retried too; the email the change owes goes out once", async () => {
    const email = uniqueEmail("retry2");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", sub));
    // A renewal fails; the second listing (inside the write loop) fails once.
    stripe.fake.put({ ...sub, status: "past_due" });
    const evt = event("invoice.payment_failed", invoice({ customer: cus.id, subscription: sub.id, status: "open" }));
    stripe.fake.failNext({ method: "GET", path: /^\/v1\/subscriptions$/ }, 503);
    expect((await deliver(evt)).status).toBe(500);
    expect((await patronByEmail(email)).patron?.status).toBe("active");
    expect((await deliver(evt)).status).toBe(200);
    expect((await deliver(evt)).status).toBe(200);
    expect((await patronByEmail(email)).patron?.status).toBe("grace");
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings", "Your Tidings payment didn't go through"]);
  });

  /** Makes DynamoDB refuse the next `times` patron writes with a transient fault; answers how many it refused. */
  function failPatronWrites(times: number) {
    const client = Db.db();
    const send = client.send.bind(client);
    const failed = { writes: 0 };
    const spy = vi.spyOn(client, "send").mockImplementation(((command: any, ...rest: any[]) => {
      if (isPatronWrite(command)) {
        if (++failed.writes >= times) spy.mockRestore();
        return Promise.reject(Object.assign(new Error("Service unavailable"), { name: "ServiceUnavailable" }));
      }
      return (send as any)(command, ...rest);
    }) as any);
    return failed;
  }

  it("a transient DynamoDB fault is waited out: the delivery writes the patron and sends the welcome once", async () => {
    const email = uniqueEmail("dbblip");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const failed = failPatronWrites(1);
    expect(await (await deliver(event("customer.subscription.created", sub))).json()).toEqual({ received: true, outcome: "processed" });
    expect(failed.writes).toBe(1);
    expect((await patronByEmail(email)).patron?.status).toBe("active");
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
  });

  it("a failed DynamoDB write answers 5xx; the redelivery writes the patron and sends the welcome once", async () => {
    const email = uniqueEmail("dbfail");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const evt = event("customer.subscription.created", sub);
    // DynamoDB keeps failing past the SDK's retries and every one of the write's own attempts.
    const failedWrites = failPatronWrites(Db.MAX_ATTEMPTS);
    const failed = await deliver(evt);
    expect(failed.status).toBe(500);
    expect(failedWrites.writes).toBe(Db.MAX_ATTEMPTS);
    expect((await patronByEmail(email)).patron).toBeUndefined();

    expect(await (await deliver(evt)).json()).toEqual({ received: true, outcome: "processed" });
    expect((await patronByEmail(email)).patron?.status).toBe("active");
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
  });

  it("a slow delivery holding older news never overwrites a newer one, even when the newer one changed nothing", async () => {
    const email = uniqueEmail("race");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", sub));
    // A renewal fails; its event is processed slowly: Stripe's answer (past due) is held on the way.
    stripe.fake.put({ ...sub, status: "past_due" });
    const held = stripe.fake.holdNext({ method: "GET", path: /^\/v1\/subscriptions$/ });
    const slow = deliver(event("invoice.payment_failed", invoice({ customer: cus.id, subscription: sub.id, status: "open" })));
    await held.reached;
    // Meanwhile the patron pays: Stripe is active again, as the stored patron already is.
    stripe.fake.put({ ...sub, status: "active" });
    expect((await deliver(event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })))).status).toBe(200);
    held.release();
    expect((await slow).status).toBe(200);
    expect((await patronByEmail(email)).patron?.status).toBe("active");
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
  });

  it("customer.updated asks the customer's new address to confirm; the subscriber's address waits for it", async () => {
    const email = uniqueEmail("old");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", sub));
    const { subscriber } = await patronByEmail(email);

    const fresh = uniqueEmail("new");
    stripe.fake.customers.set(cus.id, { ...cus, email: fresh.toUpperCase() });
    // The event's payload is stale (the old address): the customer is fetched again.
    expect((await deliver(event("customer.updated", cus))).status).toBe(200);

    expect((await Db.Subscribers.get(subscriber!.id))?.email).toBe(email);
    expect((await mailTo(fresh)).map((m) => m.subject)).toEqual(["Confirm your new address for Tidings"]);
    // The confirmation and what follows it: stripe-email-change.test.ts.
  });
});
