/**
 * Events of other Stripe API versions than the one Tidings is built for (`Stripe.API_VERSION`), against the local
 * stack and the fake Stripe: an older endpoint's events are read in their own shape (an invoice's subscription on
 * the invoice, not under `parent`), so the patron follows them; a newer version's event is refused with 400, logged,
 * changes nothing and is not remembered, so its delivery once the endpoint is set right is processed.
 */
import Stripe from "stripe";
import { describe, expect, it, vi } from "vitest";
import * as Db from "../../core/db";
import { log } from "../../core/log";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { body, deliver, stripeMember, useFakeStripe } from "../helpers/stripe";
import { charge, dispute, event, invoice, invoicePayment } from "../helpers/stripe-objects";

useLocalStack();
const stripe = useFakeStripe();

/** An API version before 2025-03-31.basil, when an invoice named its subscription itself. */
const OLDER = "2024-06-20";
const NEWER = "2027-03-31.fig";

/** An invoice as an endpoint of a version before basil renders it: `subscription`, no `parent`. */
function olderInvoice(fields: { customer: string; subscription: string | null; status?: Stripe.Invoice.Status }): object {
  const { parent, ...rest } = invoice({ ...fields, subscription: null });
  return { ...rest, subscription: fields.subscription };
}

const subscriberOf = (email: string) => Db.Subscribers.getByEmail(email);
const subjects = async (email: string) => (await mailTo(email)).map((m) => m.subject);

describe("older API versions", () => {
  it("an older endpoint's invoice.paid, a customer's first event, makes the patron (it is no one-off invoice)", async () => {
    const email = uniqueEmail("older-paid");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const response = await deliver(event("invoice.paid", olderInvoice({ customer: cus.id, subscription: sub.id }), { apiVersion: OLDER }));
    expect(await response.json()).toEqual({ received: true, outcome: "processed" });
    const subscriber = await subscriberOf(email);
    expect(await Db.Patrons.get(subscriber!.id)).toMatchObject({ status: "active", tierId: "coffee", stripeSubscriptionId: sub.id });
    expect(await subjects(email)).toEqual(["Welcome, patron of Tidings"]);
  });

  it("an older endpoint's invoice.payment_failed then invoice.paid: the patron follows to grace and back", async () => {
    const email = uniqueEmail("older-failed");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_cocreator" } });
    expect((await deliver(event("customer.subscription.created", sub, { apiVersion: OLDER }))).status).toBe(200);
    const { id } = (await subscriberOf(email))!;
    expect(await Db.Patrons.get(id)).toMatchObject({ status: "active" });

    const failed = olderInvoice({ customer: cus.id, subscription: sub.id, status: "open" });
    stripe.fake.invoices.set((failed as Stripe.Invoice).id, { ...(failed as Stripe.Invoice), created: Math.floor(Date.now() / 1000) });
    stripe.fake.put({ ...sub, status: "past_due" });
    expect((await body(await deliver(event("invoice.payment_failed", failed, { apiVersion: OLDER })))).outcome).toBe("processed");
    expect(await Db.Patrons.get(id)).toMatchObject({ status: "grace", subscriptionStatus: "past_due" });

    stripe.fake.invoices.delete((failed as Stripe.Invoice).id);
    stripe.fake.put({ ...sub, status: "active" });
    const paid = olderInvoice({ customer: cus.id, subscription: sub.id });
    expect((await body(await deliver(event("invoice.paid", paid, { apiVersion: "2025-02-24.acacia" })))).outcome).toBe("processed");
    expect(await Db.Patrons.get(id)).toMatchObject({ status: "active", subscriptionStatus: "active" });
    expect(await subjects(email)).toEqual(["Welcome, patron of Tidings", "Your Tidings payment didn't go through"]);
  });

  it("an older endpoint's one-off invoice is still no membership", async () => {
    const email = uniqueEmail("older-oneoff");
    const { customer: cus } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    expect((await deliver(event("invoice.paid", olderInvoice({ customer: cus.id, subscription: null }), { apiVersion: OLDER }))).status).toBe(200);
    expect(await subscriberOf(email)).toBeUndefined();
  });

  it("an older endpoint's dispute events are read: the lost dispute ends the membership", async () => {
    const email = uniqueEmail("older-dispute");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    expect((await deliver(event("customer.subscription.created", sub, { apiVersion: OLDER }))).status).toBe(200);
    const inv = invoice({ customer: cus.id, subscription: sub.id });
    const paid = charge({ customer: cus.id });
    const payment = invoicePayment({ invoice: inv.id, paymentIntent: paid.payment_intent as string, amount: paid.amount });
    stripe.fake.invoices.set(inv.id, inv);
    stripe.fake.invoicePayments.set(payment.id, payment);
    stripe.fake.charges.set(paid.id, paid);
    const lost = dispute({ charge: paid, status: "lost" });
    stripe.fake.disputes.set(lost.id, lost);

    // Before basil the charge named its invoice; the record comes from the API (pinned) all the same.
    expect((await deliver(event("charge.dispute.closed", lost, { apiVersion: OLDER }))).status).toBe(200);
    const { id } = (await subscriberOf(email))!;
    expect(await Db.Charges.get(id, paid.id)).toMatchObject({ invoiceId: inv.id, subscriptionId: sub.id, dispute: { status: "lost" } });
    expect(stripe.fake.subscriptions.get(sub.id)?.status).toBe("canceled");
    expect(await Db.Patrons.get(id)).toMatchObject({ status: "lapsed" });
  });
});

describe("newer or unreadable API versions", () => {
  it("a newer version's event is refused with 400 and logged; nothing changes, nothing is remembered; set right, it is processed", async () => {
    const email = uniqueEmail("newer");
    const { customer: cus, subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    const errors = vi.spyOn(log, "error");
    const newer = event("invoice.paid", invoice({ customer: cus.id, subscription: sub.id }), { apiVersion: NEWER });

    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await deliver(newer);
      expect(refused.status).toBe(400);
      const { error } = await body(refused);
      expect(error.code).toBe("unsupported_api_version");
      expect(error.message).toContain(NEWER);
      expect(error.message).toContain(`Set the webhook endpoint's API version to ${Stripe.API_VERSION}`);
    }
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ event: "stripe.unsupported_api_version", apiVersion: NEWER, eventId: newer.id }),
      expect.stringContaining(NEWER),
    );
    errors.mockRestore();
    expect(await subscriberOf(email)).toBeUndefined();
    expect(await Db.Events.processed("stripe", newer.id)).toBe(false);
    expect(stripe.fake.requests.filter((r) => r.query.customer === cus.id)).toHaveLength(0); // Stripe was not even asked

    // The endpoint set to the pinned version, Stripe resends the event (same id): processed, not a "duplicate".
    const resent = { ...newer, api_version: Stripe.API_VERSION };
    expect(await (await deliver(resent)).json()).toEqual({ received: true, outcome: "processed" });
    expect(await Db.Patrons.get((await subscriberOf(email))!.id)).toMatchObject({ status: "active" });
  });

  it("the pinned date under another name, or no version, is refused too; an unknown type is ignored whatever its version", async () => {
    const email = uniqueEmail("unreadable");
    const { subscription: sub } = stripeMember(stripe.fake, { email, subscription: { status: "active", priceId: "price_coffee" } });
    for (const apiVersion of [`${Stripe.API_VERSION.slice(0, 10)}.preview`, null, "latest"]) {
      const refused = await deliver(event("customer.subscription.created", sub, { apiVersion }));
      expect(refused.status).toBe(400);
      expect((await body(refused)).error.code).toBe("unsupported_api_version");
    }
    expect(await subscriberOf(email)).toBeUndefined();
    expect(await (await deliver(event("payment_intent.succeeded", { object: "payment_intent" }, { apiVersion: NEWER }))).json()).toEqual({
      received: true,
      outcome: "ignored",
    });
  });
});
