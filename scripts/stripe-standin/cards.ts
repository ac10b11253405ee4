/**
 * Cards and the Billing Portal's payment-method flow, in the stand-in: card objects (a customer's card source, as
 * `customer.source.expiring` carries it) and payment methods (`GET /v1/payment_methods/:id`, which at Stripe reads a
 * `card_…` source too), an upcoming invoice (`invoice.upcoming`'s preview: no id), the checks Stripe makes on a
 * portal session's `flow_data`, and what saving a new card in the portal's update flow does: the card becomes the
 * customer's invoice default, the customer's open invoices are paid with it, and a past-due subscription whose
 * invoices are all paid is active again, with the events Stripe sends for that.
 */
import type Stripe from "stripe";
import fixtures from "./fixtures/cards.json";
import { charge, invoice, invoicePayment, newId } from "./objects";
import type { Events } from "./actions";
import type { StandInState } from "./state";

const clone = <T>(value: T): T => structuredClone(value);
const seconds = (ms = Date.now()) => Math.floor(ms / 1000);

export interface CardFields {
  id?: string;
  customer: string;
  brand?: string;
  last4?: string;
  expMonth: number;
  expYear: number;
}

/** A customer's card source (`card_…`), as `customer.source.expiring` carries it. */
export function card(fields: CardFields): Stripe.Card {
  const base = clone(fixtures.card) as unknown as Stripe.Card;
  return Object.assign(base, {
    id: fields.id ?? newId("card"),
    customer: fields.customer,
    brand: fields.brand ?? "Visa",
    last4: fields.last4 ?? "4242",
    exp_month: fields.expMonth,
    exp_year: fields.expYear,
  });
}

/** A card payment method of `customer` (its id may be a `card_…` source's: the Payment Methods API reads those). */
export function paymentMethod(fields: CardFields): Stripe.PaymentMethod {
  const base = clone(fixtures.payment_method) as unknown as Stripe.PaymentMethod;
  return Object.assign(base, {
    id: fields.id ?? newId("pm"),
    customer: fields.customer,
    created: seconds(),
    livemode: false,
    metadata: {},
    card: { ...base.card!, brand: (fields.brand ?? "visa").toLowerCase(), display_brand: (fields.brand ?? "visa").toLowerCase(), last4: fields.last4 ?? "4242", exp_month: fields.expMonth, exp_year: fields.expYear },
  });
}

/** The preview `invoice.upcoming` carries: no id; the customer, the subscription and when it will be charged. */
export function upcomingInvoice(fields: { customer: string; subscription: string; nextPaymentAttempt: number; amount?: number }): Stripe.Invoice {
  const base = invoice({ customer: fields.customer, subscription: fields.subscription, status: "draft", billingReason: "upcoming" });
  return Object.assign(base, {
    object: "invoice",
    id: undefined,
    customer: fields.customer,
    status: "draft",
    billing_reason: "upcoming",
    amount_due: fields.amount ?? 500,
    next_payment_attempt: fields.nextPaymentAttempt,
    period_start: fields.nextPaymentAttempt,
    period_end: fields.nextPaymentAttempt,
    parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: null, subscription: fields.subscription } },
    livemode: false,
  }) as Stripe.Invoice;
}

const FLOW_TYPES = ["payment_method_update", "subscription_cancel", "subscription_update", "subscription_update_confirm", "subscription_pause", "customer_update"];
const AFTER_COMPLETION = ["hosted_confirmation", "portal_homepage", "redirect"];

/**
 * Stripe's checks of a portal session's `flow_data` (an `invalid_request_error` naming the parameter), or
 * undefined when it is acceptable: a known type; the subscription a subscription flow needs; an
 * `after_completion` of a known type, a redirect with its `return_url`, absolute.
 */
export function flowDataError(flow: Record<string, any> | undefined): { message: string; param: string } | undefined {
  if (flow === undefined) return undefined;
  if (!FLOW_TYPES.includes(flow.type)) return { message: `Invalid flow_data[type]: must be one of ${FLOW_TYPES.join(", ")}`, param: "flow_data[type]" };
  if (flow.type.startsWith("subscription_") && !flow[flow.type]?.subscription) {
    return { message: `Missing required param: flow_data[${flow.type}][subscription].`, param: `flow_data[${flow.type}][subscription]` };
  }
  const after = flow.after_completion;
  if (after === undefined) return undefined;
  if (!AFTER_COMPLETION.includes(after.type)) return { message: "Invalid flow_data[after_completion][type]", param: "flow_data[after_completion][type]" };
  if (after.type === "redirect") {
    const url = after.redirect?.return_url;
    if (!url) return { message: "Missing required param: flow_data[after_completion][redirect][return_url].", param: "flow_data[after_completion][redirect][return_url]" };
    if (!/^https?:\/\//.test(url)) return { message: "Not a valid URL", param: "flow_data[after_completion][redirect][return_url]" };
  }
  return undefined;
}

/** The portal session's flow as Stripe shows it on the session object (null without `flow_data`). */
export function sessionFlow(flow: Record<string, any> | undefined): Stripe.BillingPortal.Session.Flow | null {
  if (!flow) return null;
  const after = flow.after_completion ?? { type: "portal_homepage" };
  return {
    type: flow.type,
    after_completion: { type: after.type, redirect: after.type === "redirect" ? { return_url: after.redirect.return_url } : null, hosted_confirmation: null },
    subscription_cancel: null,
    subscription_update: null,
    subscription_update_confirm: null,
  } as unknown as Stripe.BillingPortal.Session.Flow;
}

/**
 * Saving a new card in the portal's update flow: a payment method, the customer's invoice default from now on; each
 * of the customer's open invoices paid with it (a charge, and the invoice payment linking them); each past-due
 * subscription of the customer with no open invoice left, active. The events, in Stripe's order.
 */
export function updateCard(state: StandInState, customerId: string, fields: { last4?: string; expMonth: number; expYear: number }): Events {
  const events: Events = [];
  const method = paymentMethod({ customer: customerId, ...fields });
  state.paymentMethods.set(method.id, method);
  events.push(["payment_method.attached", method]);
  const customer = state.customers.get(customerId);
  if (customer && !customer.deleted) {
    const previous = { invoice_settings: clone(customer.invoice_settings) };
    customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: method.id };
    events.push(["customer.updated", customer, previous]);
  }
  for (const open of [...state.invoices.values()].filter((i) => i.customer === customerId && i.status === "open")) {
    const paid = charge({ customer: customerId, amount: open.amount_due, currency: open.currency });
    state.charges.set(paid.id, paid);
    const payment = invoicePayment({ invoice: open.id, paymentIntent: paid.payment_intent as string, amount: open.amount_due, currency: open.currency });
    state.invoicePayments.set(payment.id, payment);
    Object.assign(open, { status: "paid", amount_paid: open.amount_due, amount_remaining: 0 });
    events.push(["invoice.paid", open]);
  }
  for (const subscription of [...state.subscriptions.values()].filter((s) => s.customer === customerId && s.status === "past_due")) {
    const stillOpen = [...state.invoices.values()].some((i) => i.status === "open" && i.parent?.subscription_details?.subscription === subscription.id);
    if (stillOpen) continue;
    subscription.status = "active";
    state.subscriptions.set(subscription.id, subscription);
    events.push(["customer.subscription.updated", subscription, { status: "past_due" }]);
  }
  return events;
}
