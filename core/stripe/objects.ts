/**
 * Reading Stripe's objects in the shape of the pinned API version: expandable fields may be an id or an object,
 * a subscription's billing period lives on its items, an invoice's subscription under `parent`.
 */
import type Stripe from "stripe";

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

/** The current billing period of a subscription, ISO times (on its item in current API versions). */
export function periodOf(subscription: Stripe.Subscription): { start?: string; end?: string } {
  const item = firstItem(subscription);
  return { start: iso(item?.current_period_start), end: iso(item?.current_period_end) };
}

export function customerOf(object: { customer?: string | { id: string } | null }): string | undefined {
  return idOf(object.customer);
}

/** The subscription an invoice bills, if it is a subscription's invoice. */
export function subscriptionOfInvoice(invoice: Stripe.Invoice): string | undefined {
  return idOf(invoice.parent?.subscription_details?.subscription);
}

/** The metadata value `key`, if set and not empty. */
export function metadataValue(object: { metadata?: Stripe.Metadata | null }, key: string): string | undefined {
  const value = object.metadata?.[key];
  return value ? value : undefined;
}
