/**
 * Refunds and disputes (`charge.refunded`, `charge.dispute.*`) against the local stack and the fake Stripe: each
 * charge is recorded once against its customer's subscriber, from what Stripe's API says (whatever the event's
 * payload, order or repetition); a lost dispute on a membership payment cancels the subscription at Stripe and
 * lapses the patron (one lapsed email, votes no longer counting); a refund, a won or open dispute change no
 * membership; a charge of nobody's customer records nothing; the export holds the records and erasure takes them.
 */
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import * as Db from "../../core/db";
import * as Privacy from "../../core/privacy";
import * as Topics from "../../core/topics";
import * as Votes from "../../core/votes";
import { savePatronSubscriber } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { charge, customer, dispute, event, invoice, invoicePayment } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

const WELCOME = "Welcome, patron of Tidings";
const LAPSED = "Your Tidings membership has ended";

/**
 * A patron (through a subscription event) and the charge that paid their subscription's invoice, as Stripe holds
 * them: the invoice, its invoice payment (which names the charge's payment intent) and the charge.
 */
async function paidMembership(label: string, priceId = "price_coffee") {
  const email = uniqueEmail(label);
  const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId } });
  expect((await deliver(event("customer.subscription.created", sub))).status).toBe(200);
  const subscriber = (await Db.Subscribers.getByEmail(email))!;
  expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active" });
  const paid = membershipCharge(cus.id, sub.id);
  const inv = [...stripe.fake.invoicePayments.values()].find((p) => p.payment.payment_intent === paid.payment_intent)!.invoice as string;
  return { email, customer: cus, subscription: sub, invoice: stripe.fake.invoices.get(inv)!, charge: paid, subscriber };
}

/** The charge that paid an invoice of `subscriptionId`, with its invoice and invoice payment, at Stripe. */
function membershipCharge(customerId: string, subscriptionId: string): Stripe.Charge {
  const inv = invoice({ customer: customerId, subscription: subscriptionId });
  const paid = charge({ customer: customerId, amount: 500, currency: "eur" });
  const payment = invoicePayment({ invoice: inv.id, paymentIntent: paid.payment_intent as string, amount: 500 });
  stripe.fake.invoices.set(inv.id, inv);
  stripe.fake.invoicePayments.set(payment.id, payment);
  stripe.fake.charges.set(paid.id, paid);
  return paid;
}

/** Stripe's state changes: the charge (refunded), or its dispute (opened, decided). */
const setCharge = (changed: Stripe.Charge) => stripe.fake.charges.set(changed.id, structuredClone(changed));
const setDispute = (changed: Stripe.Dispute) => stripe.fake.disputes.set(changed.id, structuredClone(changed));
const cancellations = (subscriptionId: string) =>
  stripe.fake.requests.filter((r) => r.method === "DELETE" && r.path === `/v1/subscriptions/${subscriptionId}`);
const subjects = async (email: string) => (await mailTo(email)).map((m) => m.subject);

async function processed(evt: Stripe.Event) {
  const response = await deliver(evt);
  expect(response.status).toBe(200);
  return (await body(response)).outcome as string;
}

describe("refunds", () => {
  it("a refund is recorded against the patron, from Stripe's charge rather than the payload; the membership stays", async () => {
    const m = await paidMembership("refund");
    const stale = structuredClone(m.charge);
    setCharge({ ...m.charge, amount_refunded: 200 });
    expect(await processed(event("charge.refunded", stale))).toBe("processed");

    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({
      subscriberId: m.subscriber.id,
      chargeId: m.charge.id,
      customerId: m.customer.id,
      amount: 500,
      currency: "eur",
      amountRefunded: 200,
      status: "succeeded",
      invoiceId: m.invoice.id,
      subscriptionId: m.subscription.id,
      chargedAt: new Date(m.charge.created * 1000).toISOString(),
      version: 1,
    });
    expect((await Db.Charges.get(m.subscriber.id, m.charge.id))?.dispute).toBeUndefined();
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "active" });
    expect(cancellations(m.subscription.id)).toHaveLength(0);

    // Refunded in full later: the next event brings the record up to date.
    setCharge({ ...m.charge, amount_refunded: 500, refunded: true });
    expect(await processed(event("charge.refunded", stale))).toBe("processed");
    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({ amountRefunded: 500, version: 2 });
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "active" });
    expect(await subjects(m.email)).toEqual([WELCOME]);
  });

  it("a failed Stripe call answers 5xx and records nothing; the redelivery records the charge", async () => {
    const m = await paidMembership("refund-retry");
    setCharge({ ...m.charge, amount_refunded: 100 });
    const evt = event("charge.refunded", m.charge);
    stripe.fake.failNext({ method: "GET", path: /^\/v1\/disputes$/ }, 500);
    expect((await deliver(evt)).status).toBe(500);
    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toBeUndefined();
    expect(await processed(evt)).toBe("processed");
    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({ amountRefunded: 100 });
  });
});

describe("disputes", () => {
  it("created, then closed lost: the subscription is cancelled at Stripe, the patron lapses, one lapsed email, votes stop counting", async () => {
    await Topics.upsert("dispute-votes", { title: "Dispute votes" });
    const m = await paidMembership("lost", "price_cocreator");
    await Votes.vote(m.subscriber.id, "dispute-votes");
    expect(await Db.Topics.tally("dispute-votes")).toEqual({ score: 3, voters: 1 });

    const opened = dispute({ charge: m.charge, status: "needs_response", reason: "fraudulent" });
    setDispute(opened);
    setCharge({ ...m.charge, disputed: true });
    expect(await processed(event("charge.dispute.created", opened))).toBe("processed");
    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({
      dispute: { id: opened.id, status: "needs_response", reason: "fraudulent", amount: 500, openedAt: new Date(opened.created * 1000).toISOString() },
    });
    // An open dispute changes no membership.
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "active" });
    expect(cancellations(m.subscription.id)).toHaveLength(0);

    const lost = { ...opened, status: "lost" as const };
    setDispute(lost);
    const closed = event("charge.dispute.closed", lost);
    expect(await processed(closed)).toBe("processed");

    expect(stripe.fake.subscriptions.get(m.subscription.id)?.status).toBe("canceled");
    expect(cancellations(m.subscription.id)).toHaveLength(1);
    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({ dispute: { status: "lost" }, subscriptionId: m.subscription.id });
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "lapsed", subscriptionStatus: "canceled" });
    expect(await Db.Topics.tally("dispute-votes")).toEqual({ score: 0, voters: 0 });
    expect(await Db.Votes.get("dispute-votes", m.subscriber.id)).toMatchObject({ counted: false });

    // The same event again, and Stripe's later events about the dispute, change nothing more.
    expect(await processed(closed)).toBe("duplicate");
    expect(await processed(event("charge.dispute.updated", lost))).toBe("processed");
    expect(await processed(event("customer.subscription.deleted", stripe.fake.subscriptions.get(m.subscription.id)!))).toBe("processed");
    expect(cancellations(m.subscription.id)).toHaveLength(1);
    expect(await subjects(m.email)).toEqual([WELCOME, LAPSED]);
  });

  it("delivered twice and out of order (closed before created, the refund before the dispute): the same end", async () => {
    const m = await paidMembership("shuffled");
    // Stripe's history: a partial refund, then a dispute of the rest, lost. Its events arrive shuffled and repeated.
    const lost = dispute({ charge: m.charge, status: "lost", reason: "subscription_canceled" });
    setCharge({ ...m.charge, amount_refunded: 100, disputed: true });
    setDispute(lost);
    const created = event("charge.dispute.created", { ...lost, status: "needs_response" });
    const closed = event("charge.dispute.closed", lost);
    const refunded = event("charge.refunded", { ...m.charge, amount_refunded: 100 });

    expect(await processed(closed)).toBe("processed");
    const again = await Promise.all([deliver(created), deliver(created), deliver(refunded), deliver(closed)]);
    // A delivery meeting its own event still in flight is told to come back (503), as Stripe's duplicates are.
    expect(again.map((r) => r.status).every((status) => status === 200 || status === 503)).toBe(true);
    for (const evt of [refunded, created, closed]) expect(["processed", "duplicate"]).toContain(await processed(evt));

    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({
      amount: 500,
      amountRefunded: 100,
      dispute: { id: lost.id, status: "lost", reason: "subscription_canceled" },
      invoiceId: m.invoice.id,
      subscriptionId: m.subscription.id,
    });
    expect(stripe.fake.subscriptions.get(m.subscription.id)?.status).toBe("canceled");
    // Cancelled once; a concurrent delivery that tried too met an already canceled subscription, taken as done.
    const answered = cancellations(m.subscription.id).length;
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered).toBeLessThanOrEqual(2);
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "lapsed" });
    expect(await subjects(m.email)).toEqual([WELCOME, LAPSED]);
  });

  it("a won dispute changes nothing: the patron stays, the subscription runs, no email", async () => {
    const m = await paidMembership("won");
    const opened = dispute({ charge: m.charge, status: "needs_response" });
    setDispute(opened);
    expect(await processed(event("charge.dispute.created", opened))).toBe("processed");
    setDispute({ ...opened, status: "under_review" });
    expect(await processed(event("charge.dispute.updated", { ...opened, status: "under_review" }))).toBe("processed");
    setDispute({ ...opened, status: "won" });
    expect(await processed(event("charge.dispute.closed", { ...opened, status: "won" }))).toBe("processed");

    expect(await Db.Charges.get(m.subscriber.id, m.charge.id)).toMatchObject({ dispute: { status: "won" }, amountRefunded: 0 });
    expect(stripe.fake.subscriptions.get(m.subscription.id)?.status).toBe("active");
    expect(cancellations(m.subscription.id)).toHaveLength(0);
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "active" });
    expect(await subjects(m.email)).toEqual([WELCOME]);
  });

  it("a lost dispute on a charge that paid no subscription (a one-off invoice) is recorded and cancels nothing", async () => {
    const m = await paidMembership("oneoff");
    const oneOff = invoice({ customer: m.customer.id, subscription: null });
    const paid = charge({ customer: m.customer.id, amount: 2_000 });
    stripe.fake.invoices.set(oneOff.id, oneOff);
    const payment = invoicePayment({ invoice: oneOff.id, paymentIntent: paid.payment_intent as string, amount: 2_000 });
    stripe.fake.invoicePayments.set(payment.id, payment);
    setCharge(paid);
    const lost = dispute({ charge: paid, status: "lost" });
    setDispute(lost);
    expect(await processed(event("charge.dispute.closed", lost))).toBe("processed");

    const record = await Db.Charges.get(m.subscriber.id, paid.id);
    expect(record).toMatchObject({ amount: 2_000, invoiceId: oneOff.id, dispute: { status: "lost" } });
    expect(record?.subscriptionId).toBeUndefined();
    expect(cancellations(m.subscription.id)).toHaveLength(0);
    expect(await Db.Patrons.get(m.subscriber.id)).toMatchObject({ status: "active" });
  });
});

describe("whose charge", () => {
  it("a charge of a customer with no membership, or of no customer, records nothing and changes nothing", async () => {
    const email = uniqueEmail("stranger");
    const cus = customer({ email });
    stripe.fake.customers.set(cus.id, cus);
    const theirs = charge({ customer: cus.id });
    const guests = charge({ customer: null, paymentIntent: null });
    setCharge(theirs);
    setCharge(guests);
    const lost = dispute({ charge: theirs, status: "lost" });
    setDispute(lost);
    expect(await processed(event("charge.dispute.closed", lost))).toBe("processed");
    expect(await processed(event("charge.refunded", guests))).toBe("processed");
    expect(await processed(event("charge.refunded", charge({ id: "ch_nowhere", customer: cus.id })))).toBe("processed");

    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
    expect(await Db.Customers.subscriberOf(cus.id)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("a lost dispute whose events beat its customer's first subscription events still ends the membership it paid", async () => {
    const email = uniqueEmail("dispute-first");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const paid = membershipCharge(cus.id, sub.id);
    const lost = dispute({ charge: paid, status: "lost" });
    setDispute(lost);

    expect(await processed(event("charge.dispute.closed", lost))).toBe("processed");
    expect(await processed(event("customer.subscription.created", sub))).toBe("processed"); // late

    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(cancellations(sub.id)).toHaveLength(1);
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed" });
    expect(await Db.Charges.get(subscriber.id, paid.id)).toMatchObject({ subscriptionId: sub.id, dispute: { status: "lost" } });
  });

  it("a patron written before customers were tied is found through the patron's customer, which is then tied", async () => {
    const email = uniqueEmail("legacy");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const subscriber = await savePatronSubscriber({ stripeCustomerId: cus.id, stripeSubscriptionId: sub.id }, { email });
    expect(await Db.Customers.subscriberOf(cus.id)).toBeUndefined();
    const paid = charge({ customer: cus.id });
    setCharge({ ...paid, amount_refunded: 300 });
    expect(await processed(event("charge.refunded", paid))).toBe("processed");
    expect(await Db.Charges.get(subscriber.id, paid.id)).toMatchObject({ customerId: cus.id, amountRefunded: 300 });
    expect(await Db.Customers.subscriberOf(cus.id)).toBe(subscriber.id); // and the customer is tied to them from now on
  });
});

describe("privacy", () => {
  it("the export holds the subscriber's charges; erasure takes them with the partition, and later events bring none back", async () => {
    const m = await paidMembership("private");
    setCharge({ ...m.charge, amount_refunded: 200 });
    expect(await processed(event("charge.refunded", m.charge))).toBe("processed");

    const data = await Privacy.exportData(m.subscriber.id);
    expect(data.charges).toEqual([
      expect.objectContaining({ chargeId: m.charge.id, amount: 500, currency: "eur", amountRefunded: 200, subscriptionId: m.subscription.id }),
    ]);
    expect(data.charges[0]).not.toHaveProperty("pk");

    await Privacy.erase(m.subscriber.id);
    expect(await Db.Charges.bySubscriber(m.subscriber.id)).toEqual([]);
    expect(await Db.Erasure.partition(m.subscriber.id)).toEqual([]);

    const lost = dispute({ charge: m.charge, status: "lost" });
    setDispute(lost);
    expect(await processed(event("charge.dispute.closed", lost))).toBe("processed");
    expect(await Db.Erasure.partition(m.subscriber.id)).toEqual([]);
  });
});
