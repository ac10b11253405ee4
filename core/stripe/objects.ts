/**
 * Reading Stripe's objects in the shape of the pinned API version, and of older ones: a webhook endpoint set to an
 * older version sends its events' objects in that version's shape (`versions.ts`). Expandable fields may be an id
 * or an object; since 2025-03-31.basil a subscription's billing period lives on its items (on the subscription
 * before), an invoice's subscription under `parent.subscription_details` (`invoice.subscription` before), and a
 * charge no longer names its invoice (`charge.invoice` before; now an InvoicePayment links the invoice to the
 * charge's payment intent, see `charges.ts`).
 */
import type Stripe from "stripe";

/** The fields older API versions had where the pinned one has others. */
interface OlderSubscription {
  current_period_start?: number | null;
  current_period_end?: number | null;
}
interface OlderInvoice {
  subscription?: string | { id: string } | null;
}
interface OlderCharge {
  invoice?: string | { id: string } | null;
}

/** The id of an expandable field (an id, an expanded object, or nothing). */
export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === "string" ? value : value.id;
}

/** The subscription's (first) item: Tidings' subscriptions have exactly one, the tier's price. */
function firstItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem | undefined {
  return subscription.items?.data?.[0];
}

export function priceOf(subscription: Stripe.Subscription): string | undefined {
  return idOf(firstItem(subscription)?.price);
}

const iso = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : undefined);

/** The current billing period of a subscription, ISO times (on its item since basil, on the subscription before). */
export function periodOf(subscription: Stripe.Subscription): { start?: string; end?: string } {
  const item = firstItem(subscription);
  const older = subscription as unknown as OlderSubscription;
  return {
    start: iso(item?.current_period_start ?? older.current_period_start),
    end: iso(item?.current_period_end ?? older.current_period_end),
  };
}

export function customerOf(object: { customer?: string | { id: string } | null }): string | undefined {
  return idOf(object.customer);
}

/**
 * The subscription an invoice bills, if it is a subscription's invoice: `parent.subscription_details.subscription`
 * since basil, `subscription` in older versions (where a one-off invoice has it null).
 */
export function subscriptionOfInvoice(invoice: Stripe.Invoice): string | undefined {
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf((invoice as unknown as OlderInvoice).subscription);
}

/**
 * The invoice a charge paid, where the charge says it: only in versions before basil (`charge.invoice`). From basil
 * on the charge does not say, and the invoice is found through its InvoicePayment (`charges.ts`).
 */
export function invoiceOfCharge(charge: Stripe.Charge): string | undefined {
  return idOf((charge as unknown as OlderCharge).invoice);
}

/**
 * The charge a `charge.*` event is about, whatever its object: the charge itself (`charge.refunded`, ...), a dispute
 * (`charge.dispute.*`) or a refund (`charge.refund.updated`), which name it in `charge` in every version.
 */
export function chargeIdOf(object: { object?: string; id?: string; charge?: string | { id: string } | null }): string | undefined {
  if (object.object === "charge") return object.id;
  return idOf(object.charge);
}

/** The metadata value `key`, if set and not empty. */
export function metadataValue(object: { metadata?: Stripe.Metadata | null }, key: string): string | undefined {
  const value = object.metadata?.[key];
  return value ? value : undefined;
}
