/**
 * Stripe objects and webhook events, for the tests and the local Stripe stand-in: copies of Stripe's own example
 * objects (`fixtures/objects.json`, and `fixtures/payments.json` for charges, disputes, invoice payments and payment
 * intents) with the fields a test is about overridden, and requests signed the way Stripe signs them (the `stripe`
 * package's `generateTestHeaderString`).
 */
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import objects from "./fixtures/objects.json";
import payments from "./fixtures/payments.json";

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
    // Stripe's example shows a paused collection; a subscription as made is not paused.
    pause_collection: null,
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

export function invoice(fields: {
  id?: string;
  customer: string;
  subscription: string | null;
  status?: Stripe.Invoice.Status;
  billingReason?: Stripe.Invoice.BillingReason;
  /** Epoch seconds; by default now. */
  created?: number;
}): Stripe.Invoice {
  const base = clone(objects.invoice) as unknown as Stripe.Invoice;
  return Object.assign(base, {
    id: fields.id ?? newId("in"),
    created: fields.created ?? seconds(Date.now()),
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

/** A charge of `customer` (through a payment intent, as every invoice's and Checkout's charge is). */
export function charge(fields: {
  id?: string;
  customer: string | null;
  paymentIntent?: string | null;
  amount?: number;
  currency?: string;
  amountRefunded?: number;
  disputed?: boolean;
  created?: number;
}): Stripe.Charge {
  const base = clone(payments.charge) as unknown as Stripe.Charge;
  const id = fields.id ?? newId("ch");
  const amount = fields.amount ?? 500;
  const refunded = fields.amountRefunded ?? 0;
  return Object.assign(base, {
    id,
    customer: fields.customer,
    payment_intent: fields.paymentIntent === undefined ? newId("pi") : fields.paymentIntent,
    amount,
    amount_captured: amount,
    captured: true,
    currency: fields.currency ?? "eur",
    amount_refunded: refunded,
    refunded: refunded >= amount,
    disputed: fields.disputed ?? false,
    created: fields.created ?? seconds(Date.now()),
    source: null,
    transfer_data: null,
    refunds: { ...base.refunds!, data: [], url: `/v1/charges/${id}/refunds` },
  });
}

/** A payment intent of `customer` that succeeded (a payment-mode Checkout's), its charge `latestCharge`. */
export function paymentIntent(fields: { id?: string; customer: string | null; amount: number; currency: string; latestCharge: string; metadata?: Record<string, string> }): Stripe.PaymentIntent {
  const base = clone(payments.payment_intent) as unknown as Stripe.PaymentIntent;
  return Object.assign(base, {
    id: fields.id ?? newId("pi"),
    customer: fields.customer,
    amount: fields.amount,
    amount_received: fields.amount,
    currency: fields.currency,
    status: "succeeded",
    latest_charge: fields.latestCharge,
    metadata: fields.metadata ?? {},
    created: seconds(Date.now()),
    livemode: false,
  });
}

/** A dispute of a charge, in `status` (`needs_response`, `under_review`, `won`, `lost`, ...). */
export function dispute(fields: {
  id?: string;
  charge: Stripe.Charge;
  status: Stripe.Dispute.Status;
  reason?: string;
  created?: number;
}): Stripe.Dispute {
  const base = clone(payments.dispute) as unknown as Stripe.Dispute;
  return Object.assign(base, {
    id: fields.id ?? newId("dp"),
    charge: fields.charge.id,
    payment_intent: fields.charge.payment_intent,
    amount: fields.charge.amount,
    currency: fields.charge.currency,
    status: fields.status,
    reason: fields.reason ?? "fraudulent",
    created: fields.created ?? seconds(Date.now()),
  });
}

/** A refund of (part of) a charge. */
export function refund(fields: { id?: string; charge: Stripe.Charge; amount?: number; status?: string }): Stripe.Refund {
  const base = clone(payments.refund) as unknown as Stripe.Refund;
  return Object.assign(base, {
    id: fields.id ?? newId("re"),
    charge: fields.charge.id,
    payment_intent: fields.charge.payment_intent,
    amount: fields.amount ?? fields.charge.amount,
    currency: fields.charge.currency,
    status: fields.status ?? "succeeded",
    created: seconds(Date.now()),
  });
}

/** The payment of an invoice by a payment intent (how invoices and charges are linked since 2025-03-31.basil). */
export function invoicePayment(fields: { id?: string; invoice: string; paymentIntent: string; amount: number; currency?: string }): Stripe.InvoicePayment {
  const base = clone(payments.invoice_payment) as unknown as Stripe.InvoicePayment;
  const at = seconds(Date.now());
  return Object.assign(base, {
    id: fields.id ?? newId("inpay"),
    invoice: fields.invoice,
    payment: { type: "payment_intent", payment_intent: fields.paymentIntent },
    amount_paid: fields.amount,
    amount_requested: fields.amount,
    currency: fields.currency ?? "eur",
    status: "paid",
    status_transitions: { canceled_at: null, paid_at: at },
    created: at,
    livemode: false,
  });
}

/**
 * An event of `type` about `object`, as Stripe sends it to a webhook endpoint: rendered in the API version Tidings
 * is built for, unless `apiVersion` says another (an endpoint set to an older or newer version).
 */
export function event(type: string, object: object, fields: { id?: string; created?: number; apiVersion?: string | null } = {}): Stripe.Event {
  const base = clone(objects.event) as unknown as Stripe.Event;
  return Object.assign(base, {
    id: fields.id ?? newId("evt"),
    type,
    created: fields.created ?? seconds(Date.now()),
    api_version: fields.apiVersion === undefined ? Stripe.API_VERSION : fields.apiVersion,
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
