/**
 * Stripe objects and webhook events for tests: copies of Stripe's own example objects
 * (`tests/fixtures/stripe/objects.json`) with the fields a test is about overridden, and requests signed the way
 * Stripe signs them (the `stripe` package's `generateTestHeaderString`).
 */
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import objects from "../fixtures/stripe/objects.json";

/** The webhook secrets of the tests' configuration: the current one, and the one being rolled. */
export const WEBHOOK_SECRETS = ["whsec_test_current_0123456789", "whsec_test_previous_0123456789"] as const;
export const SECRET_KEY = "sk_test_tidings_fake";

const clone = <T>(value: T): T => structuredClone(value);
const seconds = (date: Date | number) => Math.floor((typeof date === "number" ? date : date.getTime()) / 1000);
export const newId = (prefix: string) => `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 20)}`;

export interface SubscriptionFields {
  id?: string;
  customer: string;
  status: Stripe.Subscription.Status;
  priceId: string;
  /** The current period (epoch seconds or dates); by default the month around now. */
  periodStart?: Date | number;
  periodEnd?: Date | number;
  cancelAtPeriodEnd?: boolean;
  metadata?: Record<string, string>;
  created?: number;
}

export function subscription(fields: SubscriptionFields): Stripe.Subscription {
  const base = clone(objects.subscription) as unknown as Stripe.Subscription;
  const id = fields.id ?? newId("sub");
  const start = seconds(fields.periodStart ?? Date.now() - 24 * 3600 * 1000);
  const end = seconds(fields.periodEnd ?? start * 1000 + 30 * 24 * 3600 * 1000);
  const item = clone(base.items.data[0]!);
  Object.assign(item, {
    id: `si_${id.slice(4)}`,
    subscription: id,
    price: { ...item.price, id: fields.priceId },
    plan: { ...(item as any).plan, id: fields.priceId },
    current_period_start: start,
    current_period_end: end,
  });
  const ended = ["canceled", "incomplete_expired"].includes(fields.status);
  return Object.assign(base, {
    id,
    customer: fields.customer,
    status: fields.status,
    created: fields.created ?? seconds(Date.now()),
    metadata: fields.metadata ?? {},
    cancel_at_period_end: fields.cancelAtPeriodEnd ?? false,
    cancel_at: fields.cancelAtPeriodEnd ? end : null,
    canceled_at: ended ? seconds(Date.now()) : null,
    ended_at: ended ? seconds(Date.now()) : null,
    trial_start: null,
    trial_end: null,
    latest_invoice: null,
    pending_update: null,
    items: { ...base.items, data: [item], url: `/v1/subscription_items?subscription=${id}` },
  });
}

export function customer(fields: { id?: string; email: string | null; name?: string | null; metadata?: Record<string, string> }): Stripe.Customer {
  const base = clone(objects.customer) as unknown as Stripe.Customer;
  return Object.assign(base, {
    id: fields.id ?? newId("cus"),
    email: fields.email,
    name: fields.name ?? null,
    metadata: fields.metadata ?? {},
    discount: null,
    created: seconds(Date.now()),
  });
}

export function checkoutSession(fields: {
  id?: string;
  customer: string | null;
  subscription: string | null;
  clientReferenceId?: string | null;
  metadata?: Record<string, string>;
  email?: string;
  mode?: Stripe.Checkout.Session.Mode;
}): Stripe.Checkout.Session {
  const base = clone(objects["checkout.session"]) as unknown as Stripe.Checkout.Session;
  const id = fields.id ?? newId("cs_test");
  return Object.assign(base, {
    id,
    mode: fields.mode ?? "subscription",
    status: "complete",
    payment_status: "paid",
    payment_intent: null,
    customer: fields.customer,
    subscription: fields.subscription,
    client_reference_id: fields.clientReferenceId ?? null,
    metadata: fields.metadata ?? {},
    customer_details: { ...base.customer_details!, email: fields.email ?? base.customer_details!.email },
    url: null,
  });
}

export function invoice(fields: { id?: string; customer: string; subscription: string | null; status?: Stripe.Invoice.Status; billingReason?: Stripe.Invoice.BillingReason }): Stripe.Invoice {
  const base = clone(objects.invoice) as unknown as Stripe.Invoice;
  return Object.assign(base, {
    id: fields.id ?? newId("in"),
    customer: fields.customer,
    status: fields.status ?? "paid",
    billing_reason: fields.billingReason ?? "subscription_cycle",
    parent: fields.subscription
      ? { type: "subscription_details", quote_details: null, subscription_details: { metadata: null, subscription: fields.subscription } }
      : null,
  });
}

export function portalSession(fields: { customer: string; returnUrl: string }): Stripe.BillingPortal.Session {
  const base = clone(objects["billing_portal.session"]) as unknown as Stripe.BillingPortal.Session;
  const id = newId("bps");
  return Object.assign(base, {
    id,
    customer: fields.customer,
    return_url: fields.returnUrl,
    flow: null,
    livemode: false,
    url: `https://billing.stripe.com/p/session/test_${id}`,
  });
}

/** An event of `type` about `object`, as Stripe sends it to a webhook endpoint. */
export function event(type: string, object: object, fields: { id?: string; created?: number } = {}): Stripe.Event {
  const base = clone(objects.event) as unknown as Stripe.Event;
  return Object.assign(base, {
    id: fields.id ?? newId("evt"),
    type,
    created: fields.created ?? seconds(Date.now()),
    api_version: Stripe.API_VERSION,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
  }) as Stripe.Event;
}

/** The body and headers of a webhook request, signed with `secret` at `timestamp` (epoch seconds; default now). */
export function signed(payload: Stripe.Event | string, options: { secret?: string; timestamp?: number } = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? WEBHOOK_SECRETS[0],
    timestamp: options.timestamp ?? seconds(Date.now()),
  });
  return { body, headers: { "content-type": "application/json", "stripe-signature": signature } };
}
