/**
 * One person, several Stripe customers (issue: a second checkout while signed out made a second customer, which
 * erasure missed and which brought the person back): a paying address gets a sign-in link instead of a second
 * checkout; every customer a subscriber pays through is tied to them and followed; each can be managed; erasure
 * ends all of them, and none brings the person back. A checkout's subscriber hint counts only when the customer
 * agrees with it (issue 17, item 3).
 */
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Patrons from "../../core/patrons";
import * as Privacy from "../../core/privacy";
import { drain } from "../../scripts/local-worker";
import { saveSubscriber, signedIn } from "../helpers/factories";
import { postJson, request } from "../helpers/http";
import { forgetCycle, untilDone } from "../helpers/reconcile";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { checkoutSession, customer, event, invoice, subscription } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const DAY_S = 24 * 60 * 60;
const seconds = () => Math.floor(Date.now() / 1000);

/** A subscriber who pays through one customer (coffee, active), as the webhooks leave them. */
async function payingPatron(name: string) {
  const subscriber = await saveSubscriber({ email: uniqueEmail(name) });
  const first = stripeMember(stripe.fake, {
    email: subscriber.email,
    subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id }, created: seconds() - 30 * DAY_S },
  });
  expect((await deliver(event("customer.subscription.created", first.subscription))).status).toBe(200);
  expect((await Patrons.get(subscriber.id))?.status).toBe("active");
  return { subscriber, first };
}

/** A second customer of the same person at Stripe, with a subscription (metadata naming them, or not). */
function secondCustomer(email: string, fields: { status: "active" | "past_due"; priceId: string; subscriberId?: string }) {
  const cus = customer({ email });
  stripe.fake.customers.set(cus.id, cus);
  const sub = subscription({
    customer: cus.id,
    status: fields.status,
    priceId: fields.priceId,
    metadata: fields.subscriberId ? { subscriberId: fields.subscriberId } : {},
  });
  stripe.fake.put(sub);
  return { customer: cus, subscription: sub };
}

describe("a checkout for an address that already pays", () => {
  it("signed out: no second checkout; that person gets a sign-in link, the visitor a page that says only 'check your email'", async () => {
    const { subscriber } = await payingPatron("pays-once");
    const sessionsBefore = stripe.fake.checkoutSessions.length;

    const response = await postJson("/api/membership/checkout", { tier: "co-creator", email: subscriber.email });

    expect(response.status).toBe(200);
    const { url } = await body(response);
    expect(url).toMatch(/\/join\/sent$/);
    expect(stripe.fake.checkoutSessions.length).toBe(sessionsBefore);
    await drain({ workers: 1 });
    const mail = await mailTo(subscriber.email);
    expect(mail.filter((m) => /sign in/i.test(m.subject))).toHaveLength(1);
  });

  it("the page it sends the visitor to says nothing about the address", async () => {
    const response = await request("/join/sent");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Check your email");
    expect(html).not.toMatch(/patron|member/i);
  });

  it("an address whose membership lapsed checks out as usual, as a new customer named for the same subscriber", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("lapsed-rejoins") });
    const old = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "canceled", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    await Db.Customers.link(old.customer.id, subscriber.id, new Date().toISOString());
    await Db.Patrons.save({ subscriberId: subscriber.id, status: "lapsed", tierId: "coffee", stripeCustomerId: old.customer.id, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", version: 1 });

    const response = await postJson("/api/membership/checkout", { tier: "coffee", email: subscriber.email });

    expect(response.status).toBe(200);
    const created = stripe.fake.checkoutSessions.at(-1)!;
    expect((await body(response)).url).toBe(created.session.url);
    // Never the old customer while signed out: Checkout would show a stranger its saved card.
    expect(created.params.customer).toBeUndefined();
    expect(created.params).toMatchObject({ customer_email: subscriber.email, client_reference_id: subscriber.id });
  });
});

describe("a person paying through two customers", () => {
  it("is one patron: both customers tied and listed, and the membership follows every subscription of either", async () => {
    const { subscriber, first } = await payingPatron("two-customers");
    const second = secondCustomer(subscriber.email, { status: "active", priceId: "price_cocreator", subscriberId: subscriber.id });

    expect((await deliver(event("invoice.paid", invoice({ customer: second.customer.id, subscription: second.subscription.id })))).status).toBe(200);

    const both = await Patrons.get(subscriber.id);
    expect(both?.status).toBe("active");
    expect(both?.stripeCustomerIds).toEqual([first.customer.id, second.customer.id].sort());
    expect(await Db.Customers.subscriberOf(second.customer.id)).toBe(subscriber.id);
    expect(await Db.Subscribers.getByEmail(subscriber.email)).toMatchObject({ id: subscriber.id }); // nobody new

    // The first ends: the second still pays, so the membership runs (on its tier), with no lapsed email.
    stripe.fake.put({ ...stripe.fake.subscriptions.get(first.subscription.id)!, status: "canceled" });
    expect((await deliver(event("customer.subscription.deleted", stripe.fake.subscriptions.get(first.subscription.id)!))).status).toBe(200);
    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "co-creator", stripeSubscriptionId: second.subscription.id });

    // The second ends too: now the membership lapses, once.
    stripe.fake.put({ ...stripe.fake.subscriptions.get(second.subscription.id)!, status: "canceled" });
    expect((await deliver(event("customer.subscription.deleted", stripe.fake.subscriptions.get(second.subscription.id)!))).status).toBe(200);
    expect((await Patrons.get(subscriber.id))?.status).toBe("lapsed");
    const subjects = (await mailTo(subscriber.email)).map((m) => m.subject);
    expect(subjects.filter((s) => /membership has ended/.test(s))).toHaveLength(1);
  });

  it("a second customer whose events come late: the first one's cancellation doesn't end the membership, and nothing is emailed", async () => {
    // The customers carry another address than the subscriber's: the first one's, changed at Stripe since (and
    // not confirmed), is the one the second checkout was made with.
    const subscriber = await saveSubscriber({ email: uniqueEmail("late-second") });
    const billing = uniqueEmail("late-second-billing");
    const first = stripeMember(stripe.fake, {
      email: subscriber.email,
      subscription: { status: "active", priceId: "price_coffee", metadata: { subscriberId: subscriber.id } },
    });
    await deliver(event("customer.subscription.created", first.subscription));
    stripe.fake.customers.set(first.customer.id, { ...first.customer, email: billing });
    const second = secondCustomer(billing, { status: "active", priceId: "price_yearly" }); // no events yet
    const welcomes = async () => (await mailTo(subscriber.email)).filter((m) => /Welcome/.test(m.subject)).length;
    expect(await welcomes()).toBe(1);

    stripe.fake.put({ ...stripe.fake.subscriptions.get(first.subscription.id)!, status: "canceled" });
    expect((await deliver(event("customer.subscription.deleted", stripe.fake.subscriptions.get(first.subscription.id)!))).status).toBe(200);

    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "yearly", stripeCustomerId: second.customer.id });
    expect(await Db.Customers.subscriberOf(second.customer.id)).toBe(subscriber.id);
    // The second customer's own events, late, change nothing; no lapsed email, no second welcome.
    expect((await deliver(event("customer.subscription.created", second.subscription))).status).toBe(200);
    const subjects = (await mailTo(subscriber.email)).map((m) => m.subject);
    expect(subjects.filter((s) => /membership has ended/.test(s))).toEqual([]);
    expect(await welcomes()).toBe(1);
  });

  it("likewise when the first one's debt is past its grace: the other customer still pays, so no lapsed email", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("late-second-debt") });
    const first = stripeMember(stripe.fake, { email: subscriber.email, subscription: { status: "active", priceId: "price_coffee" } });
    await deliver(event("customer.subscription.created", first.subscription));
    const second = secondCustomer(subscriber.email, { status: "active", priceId: "price_cocreator" }); // no events yet

    const old = invoice({ customer: first.customer.id, subscription: first.subscription.id, status: "open", created: seconds() - 10 * DAY_S });
    stripe.fake.invoices.set(old.id, old);
    stripe.fake.put({ ...first.subscription, status: "past_due" });
    expect((await deliver(event("invoice.payment_failed", old))).status).toBe(200);

    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", stripeSubscriptionId: second.subscription.id });
    const subjects = (await mailTo(subscriber.email)).map((m) => m.subject);
    expect(subjects.filter((s) => /membership has ended|didn't go through/.test(s))).toEqual([]);
  });

  it("each billing account can be managed; another person's customer can't", async () => {
    const { subscriber, first } = await payingPatron("manage-both");
    const second = secondCustomer(subscriber.email, { status: "active", priceId: "price_coffee", subscriberId: subscriber.id });
    await deliver(event("customer.subscription.created", second.subscription));
    const stranger = stripeMember(stripe.fake, { email: uniqueEmail("stranger"), subscription: { status: "active", priceId: "price_coffee" } });
    const session = await signedIn(subscriber.id);
    // Both pay for coffee: the newer subscription decides, so the first customer is the "other" one.
    expect((await Patrons.get(subscriber.id))?.stripeCustomerId).toBe(second.customer.id);

    const account = await (await session.call("GET", "/account")).text();
    expect(account).toContain("Manage other billing account");
    const mine = await session.post("/api/membership/portal", { customer: first.customer.id });
    expect(mine.status).toBe(200);
    expect(stripe.fake.portalSessions.at(-1)?.params.customer).toBe(first.customer.id);
    const other = await session.post("/api/membership/portal", { customer: stranger.customer.id });
    expect(other.status).toBe(404);
    expect(stripe.fake.portalSessions.some((p) => p.params.customer === stranger.customer.id)).toBe(false);
  });
});

describe("erasing a person with several customers", () => {
  it("cancels every live membership of every customer of theirs, and no event or reconciliation brings them back", async () => {
    const { subscriber, first } = await payingPatron("erase-two");
    const second = secondCustomer(subscriber.email, { status: "active", priceId: "price_cocreator", subscriberId: subscriber.id });
    await deliver(event("customer.subscription.created", second.subscription));
    // A third customer with their address whose events never reached us (a checkout that raced the erasure).
    const third = secondCustomer(subscriber.email, { status: "past_due", priceId: "price_yearly" });

    const report = await Privacy.erase(subscriber.id);

    expect(report.cancelledSubscriptions).toBe(3);
    for (const sub of [first.subscription, second.subscription, third.subscription]) {
      expect(stripe.fake.subscriptions.get(sub.id)?.status).toBe("canceled");
    }
    for (const cus of [first.customer, second.customer, third.customer]) {
      expect(await Db.Erasure.isErasedCustomer(cus.id)).toBe(true);
      expect(await Db.Customers.subscriberOf(cus.id)).toBeUndefined();
    }

    // Late events of any of their customers, even a payment, and the reconciliation: nobody comes back.
    stripe.fake.put({ ...stripe.fake.subscriptions.get(third.subscription.id)!, status: "active" });
    for (const [cus, sub] of [[second.customer, second.subscription], [third.customer, third.subscription]] as const) {
      expect((await deliver(event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id })))).status).toBe(200);
      expect((await deliver(event("customer.subscription.updated", stripe.fake.subscriptions.get(sub.id)!))).status).toBe(200);
    }
    await forgetCycle();
    await untilDone();
    expect(await Db.Subscribers.getByEmail(subscriber.email)).toBeUndefined();
    expect(await Patrons.get(subscriber.id)).toBeUndefined();
  });

  it("a checkout that names an erased subscriber, paid afterwards through a new customer, makes nobody", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("erased-then-paid") });
    await Privacy.erase(subscriber.id);
    const late = secondCustomer(subscriber.email, { status: "active", priceId: "price_coffee", subscriberId: subscriber.id });

    expect((await deliver(event("customer.subscription.created", late.subscription))).status).toBe(200);

    expect(await Db.Subscribers.getByEmail(subscriber.email)).toBeUndefined();
    expect(await Db.Customers.subscriberOf(late.customer.id)).toBeUndefined();
  });
});

describe("a subscriber named by a checkout (client_reference_id, metadata)", () => {
  it("is ignored when the customer doesn't agree: the customer's own address decides, and the named subscriber gets nothing", async () => {
    // Anyone can name any subscriber: a Payment Link takes client_reference_id in its URL, metadata is the payer's.
    const named = await saveSubscriber({ email: uniqueEmail("named") });
    const stranger = uniqueEmail("stranger-pays");
    const cus = customer({ email: stranger, metadata: { subscriberId: named.id } });
    stripe.fake.customers.set(cus.id, cus);
    const sub = subscription({ customer: cus.id, status: "active", priceId: "price_coffee", metadata: { subscriberId: named.id } });
    stripe.fake.put(sub);
    const session = checkoutSession({ customer: cus.id, subscription: sub.id, clientReferenceId: named.id, metadata: { subscriberId: named.id } });

    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);
    expect((await deliver(event("customer.subscription.created", sub))).status).toBe(200);

    expect(await Patrons.get(named.id)).toBeUndefined();
    const payer = await Db.Subscribers.getByEmail(stranger);
    expect(payer).toMatchObject({ status: "active", consent: { source: "stripe" } });
    expect(await Patrons.get(payer!.id)).toMatchObject({ status: "active", tierId: "coffee", stripeCustomerId: cus.id });
    expect(await Db.Customers.subscriberOf(cus.id)).toBe(payer!.id);
    // Nor can the customer's address, changed to the named subscriber's, take theirs: it would have to be confirmed
    // from their address, and they hold it.
    stripe.fake.customers.set(cus.id, { ...cus, email: named.email });
    expect((await deliver(event("customer.updated", cus))).status).toBe(200);
    expect((await Db.Subscribers.getByEmail(named.email))?.id).toBe(named.id);
    expect(await Db.Subscribers.getByEmail(stranger)).toMatchObject({ id: payer!.id });
  });

  it("is taken when the customer has the subscriber's address, in any case", async () => {
    const subscriber = await saveSubscriber({ email: uniqueEmail("agrees") });
    const cus = customer({ email: subscriber.email.toUpperCase() });
    stripe.fake.customers.set(cus.id, cus);
    const sub = subscription({ customer: cus.id, status: "active", priceId: "price_coffee" });
    stripe.fake.put(sub);
    const session = checkoutSession({ customer: cus.id, subscription: sub.id, clientReferenceId: subscriber.id });

    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);

    expect(await Patrons.get(subscriber.id)).toMatchObject({ status: "active", stripeCustomerId: cus.id });
  });
});
