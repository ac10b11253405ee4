/**
 * A charge as Stripe has it now, with what hangs off it: its disputes, and the invoice (and so the subscription) it
 * paid. All fetched from the API in the pinned version, never taken from an event, so any event about the charge,
 * of any API version, in any order, reads the same thing.
 *
 * The charge → membership link, in the pinned version: a charge no longer names its invoice (removed in
 * 2025-03-31.basil); the invoice's InvoicePayment names the charge's payment intent, so the link is
 * `charge.payment_intent` → `GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=…` →
 * its `invoice` → the invoice's `parent.subscription_details.subscription`. Where a charge does name its invoice
 * (older versions' `charge.invoice`), that is read first (`objects.ts`).
 */
import { isMissing, stripe, type Stripe } from "./client";
import { idOf, invoiceOfCharge, subscriptionOfInvoice } from "./objects";

export interface ChargeAtStripe {
  charge: Stripe.Charge;
  /** Its disputes, newest first (usually none or one). */
  disputes: Stripe.Dispute[];
  /** The invoice it paid, if it paid one. */
  invoiceId?: string;
  /** The subscription that invoice bills, if it is a subscription's invoice. */
  subscriptionId?: string;
}

/** The charge a payment intent made last (a one-time payment's), as Stripe has it now; undefined if none or unknown. */
export async function latestChargeOf(paymentIntentId: string): Promise<string | undefined> {
  const client = await stripe();
  try {
    return idOf((await client.paymentIntents.retrieve(paymentIntentId)).latest_charge);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The charge `chargeId` as Stripe has it now; undefined if Stripe has no such charge. */
export async function chargeAtStripe(chargeId: string): Promise<ChargeAtStripe | undefined> {
  const client = await stripe();
  let charge: Stripe.Charge;
  try {
    charge = await client.charges.retrieve(chargeId);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const disputes: Stripe.Dispute[] = [];
  for await (const dispute of client.disputes.list({ charge: chargeId, limit: 100 })) disputes.push(dispute);
  disputes.sort((a, b) => b.created - a.created);
  const invoiceId = invoiceOfCharge(charge) ?? (await invoicePaidBy(client, idOf(charge.payment_intent)));
  const invoice = invoiceId ? await client.invoices.retrieve(invoiceId) : undefined;
  return { charge, disputes, invoiceId, subscriptionId: invoice && subscriptionOfInvoice(invoice) };
}

/**
 * The invoice a payment intent paid, through the invoice's payments (a payment intent pays at most one invoice in
 * Tidings' use; if it paid several, the first a subscription's is the one that matters, so the first is taken
 * after any default payment).
 */
async function invoicePaidBy(client: Stripe, paymentIntent: string | undefined): Promise<string | undefined> {
  if (!paymentIntent) return undefined;
  const found: Stripe.InvoicePayment[] = [];
  const payments = client.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: paymentIntent }, limit: 10 });
  for await (const payment of payments) found.push(payment);
  found.sort((a, b) => Number(b.is_default) - Number(a.is_default));
  return idOf(found[0]?.invoice);
}

/**
 * Cancels a subscription at once. One that has ended already counts as done: Stripe answers a cancellation of a
 * canceled subscription with an error (404 "No such subscription" in practice; the tests' fake answers 400), so on
 * an invalid request the subscription is read again, and done if it has ended (or is gone). Answers whether this
 * call cancelled it.
 */
export async function cancelAtOnce(subscriptionId: string, comment: string): Promise<boolean> {
  const client = await stripe();
  try {
    await client.subscriptions.cancel(subscriptionId, { cancellation_details: { comment } });
    return true;
  } catch (error) {
    if ((error as { type?: string }).type !== "StripeInvalidRequestError") throw error;
    try {
      const now = await client.subscriptions.retrieve(subscriptionId);
      if (ENDED.has(now.status)) return false;
    } catch (retrieveError) {
      if (isMissing(retrieveError)) return false;
      throw retrieveError;
    }
    throw error;
  }
}

/** Subscription statuses that can't charge again. */
export const ENDED = new Set(["canceled", "incomplete_expired"]);
