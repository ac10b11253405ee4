/**
 * What the hosted pages' buttons do to the stand-in's state, and the events Stripe sends for each: completing a
 * Checkout session (subscription or payment mode), and the Billing Portal's switch of price, cancellation at the
 * period's end (the portal's default) and taking that back, and cancelling at once (a portal set up to allow it).
 */
import type Stripe from "stripe";
import { charge, customer as makeCustomer, invoice, invoicePayment, newId, paymentIntent, subscription as makeSubscription } from "./objects";
import type { StandInPrice, StandInState } from "./state";

/** Events to send: type, the object (a snapshot is taken when sent), and for `*.updated` what changed. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** The free days a subscription-mode session starts with (`subscription_data.trial_period_days`), or 0. */
export const trialDays = (params: Record<string, any>): number => Number(params.subscription_data?.trial_period_days ?? 0);

export type Events = Array<[type: string, object: object, previous?: object]>;

export type LineItem = StandInPrice & { quantity: number };

/** What a session's line items buy: each a known price by id, or the `price_data` given inline. */
export function lineItems(state: StandInState, params: Record<string, any>): LineItem[] {
  return ((params.line_items ?? []) as Array<Record<string, any>>).map((item) => {
    const quantity = Number(item.quantity ?? 1);
    if (item.price) {
      const known = state.prices.find((price) => price.id === item.price);
      return { ...(known ?? { id: item.price, name: item.price, amount: 0, currency: "eur" }), quantity };
    }
    const data = item.price_data ?? {};
    return {
      id: newId("price"),
      name: data.product_data?.name ?? "Payment",
      amount: Number(data.unit_amount ?? 0),
      currency: data.currency ?? "eur",
      interval: data.recurring?.interval,
      quantity,
    };
  });
}

/** What the line items come to (in the first's currency: a session has one). */
export const totalOf = (items: readonly LineItem[]) => items.reduce((sum, item) => sum + item.amount * item.quantity, 0);

/** Completes an open Checkout session as a paid one; the events to send, in Stripe's order. */
export function completeCheckout(state: StandInState, entry: { params: Record<string, any>; session: Stripe.Checkout.Session }): Events {
  const { params, session } = entry;
  const items = lineItems(state, params);
  // A membership's subscription is of its one price; a payment may add lines (a fee covered) to its total.
  const bought = items[0] ?? { id: newId("price"), name: "Payment", amount: 0, currency: "eur", quantity: 1 };
  const amount = totalOf(items);
  const events: Events = [];
  const email = (params.customer_email as string | undefined) ?? null;

  // Subscription mode always has a customer; payment mode only when asked (otherwise a guest, named by its email).
  let customerId = (params.customer as string | undefined) ?? null;
  if (!customerId && (session.mode === "subscription" || params.customer_creation === "always")) {
    const created = makeCustomer({ email });
    state.customers.set(created.id, created);
    customerId = created.id;
    events.push(["customer.created", created]);
  }
  const known = customerId ? state.customers.get(customerId) : undefined;
  const details = { ...session.customer_details!, email: known && !known.deleted ? known.email : email };
  Object.assign(session, { status: "complete", payment_status: "paid", customer: customerId, customer_details: details, amount_subtotal: amount, amount_total: amount, currency: bought.currency });

  if (session.mode === "subscription") {
    // A trial starts the subscription `trialing` until its end, with an invoice of nothing and no charge.
    const trial = trialDays(params);
    const now = Date.now();
    const subscription = makeSubscription({
      customer: customerId!,
      status: trial ? "trialing" : "active",
      priceId: bought.id,
      metadata: params.subscription_data?.metadata ?? {},
      // The first period: the trial's days, a year for a yearly price (a month otherwise, the default).
      ...(trial ? { periodStart: now, periodEnd: now + trial * DAY_MS } : bought.interval === "year" && { periodStart: now, periodEnd: now + 365 * DAY_MS }),
    });
    if (trial) Object.assign(subscription, { trial_start: Math.floor(now / 1000), trial_end: Math.floor(now / 1000) + (trial * DAY_MS) / 1000 });
    describePrice(subscription, bought);
    const due = trial ? 0 : amount;
    const paid = invoice({ customer: customerId!, subscription: subscription.id, billingReason: "subscription_create" });
    Object.assign(paid, { amount_due: due, amount_paid: due, amount_remaining: 0, total: due, subtotal: due, currency: bought.currency });
    subscription.latest_invoice = paid.id;
    state.subscriptions.set(subscription.id, subscription);
    state.invoices.set(paid.id, paid);
    if (due > 0) {
      const paidCharge = charge({ customer: customerId, amount: due, currency: bought.currency });
      state.charges.set(paidCharge.id, paidCharge);
      const payment = invoicePayment({ invoice: paid.id, paymentIntent: paidCharge.payment_intent as string, amount: due, currency: bought.currency });
      state.invoicePayments.set(payment.id, payment);
    }
    Object.assign(session, { subscription: subscription.id, amount_subtotal: due, amount_total: due, ...(trial && { payment_status: "no_payment_required" }) });
    events.push(["checkout.session.completed", session], ["customer.subscription.created", subscription], ["invoice.paid", paid]);
  } else {
    const paidCharge = charge({ customer: customerId, amount, currency: bought.currency });
    const intent = paymentIntent({ id: paidCharge.payment_intent as string, customer: customerId, amount, currency: bought.currency, latestCharge: paidCharge.id, metadata: params.payment_intent_data?.metadata ?? {} });
    Object.assign(paidCharge, { billing_details: { ...paidCharge.billing_details, email: details.email }, receipt_email: details.email });
    state.charges.set(paidCharge.id, paidCharge);
    state.paymentIntents.set(intent.id, intent);
    session.payment_intent = intent.id;
    events.push(["checkout.session.completed", session], ["charge.succeeded", paidCharge]);
  }
  return events;
}

/** Moves a subscription to another price, as the portal's "Update plan" does (at once). */
export function switchPrice(subscription: Stripe.Subscription, price: StandInPrice): Events {
  const previous = structuredClone(subscription.items);
  describePrice(subscription, price);
  return [["customer.subscription.updated", subscription, { items: previous }]];
}

/** The Billing Portal's cancellation survey (its reasons are Stripe's `cancellation_details.feedback` values). */
export const SURVEY_FEEDBACK = ["too_expensive", "unused", "missing_features", "switched_service", "low_quality", "customer_service", "too_complex", "other"] as const;

/** What a patron answered in the survey: a known reason or none, and a comment (Stripe keeps up to 5,000 characters). */
export interface SurveyAnswer {
  feedback?: string;
  comment?: string;
}

/** The survey's answer as Stripe records it: an unknown reason or an empty comment is no answer. */
export function surveyAnswer(form: Record<string, unknown>): SurveyAnswer {
  const feedback = typeof form.feedback === "string" && (SURVEY_FEEDBACK as readonly string[]).includes(form.feedback) ? form.feedback : undefined;
  const comment = typeof form.comment === "string" ? form.comment.trim().slice(0, 5000) : "";
  return { ...(feedback && { feedback }), ...(comment && { comment }) };
}

/** `cancellation_details` of a cancellation the customer asked for, with their survey answer. */
const requested = (answer: SurveyAnswer): Stripe.Subscription.CancellationDetails =>
  ({ reason: "cancellation_requested", feedback: answer.feedback ?? null, comment: answer.comment ?? null, feedback_option: null }) as Stripe.Subscription.CancellationDetails;

/**
 * Cancels at the end of the period (`true`), as the portal does by default, with the survey's answer; or takes that
 * back (`false`: Stripe clears `canceled_at` and the details).
 */
export function cancelAtPeriodEnd(subscription: Stripe.Subscription, cancel: boolean, answer: SurveyAnswer = {}): Events {
  const previous = {
    cancel_at_period_end: subscription.cancel_at_period_end,
    cancel_at: subscription.cancel_at,
    canceled_at: subscription.canceled_at,
    cancellation_details: subscription.cancellation_details,
  };
  const end = subscription.items.data[0]?.current_period_end ?? null;
  Object.assign(subscription, {
    cancel_at_period_end: cancel,
    cancel_at: cancel ? end : null,
    canceled_at: cancel ? Math.floor(Date.now() / 1000) : null,
    cancellation_details: cancel ? requested(answer) : { comment: null, feedback: null, reason: null, feedback_option: null },
  });
  return [["customer.subscription.updated", subscription, previous]];
}

/**
 * Cancels at once, with the survey's answer (or, after a cancellation at the period's end, keeping its answer
 * unless another is given): the subscription ends now, and Stripe says so with `customer.subscription.deleted`.
 */
export function endNow(subscription: Stripe.Subscription, answer: SurveyAnswer = {}): Events {
  const at = Math.floor(Date.now() / 1000);
  const kept = subscription.cancel_at_period_end ? subscription.cancellation_details : null;
  const details = answer.feedback || answer.comment || !kept ? requested(answer) : kept;
  Object.assign(subscription, { status: "canceled", canceled_at: at, ended_at: at, cancel_at_period_end: false, cancel_at: null, cancellation_details: details });
  return [["customer.subscription.deleted", subscription]];
}

/** Sets the subscription's (only) item to `price`, with the amount and interval the stand-in knows of it. */
function describePrice(subscription: Stripe.Subscription, price: StandInPrice): void {
  const item = subscription.items.data[0]!;
  const recurring = { ...(item.price.recurring ?? {}), interval: price.interval ?? "month" } as Stripe.Price.Recurring;
  item.price = { ...item.price, id: price.id, unit_amount: price.amount, currency: price.currency, recurring, nickname: price.name };
  (item as any).plan = { ...(item as any).plan, id: price.id, amount: price.amount, currency: price.currency, interval: recurring.interval };
}
