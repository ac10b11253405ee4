/**
 * Stripe's API as the stand-in answers it, for the routes Tidings calls: subscriptions (retrieve, list by customer
 * and status, paginated, update, cancel), customers (create, list by email, retrieve, delete), Checkout sessions (create,
 * retrieve), Billing Portal sessions (create; `flow_data` checked as Stripe does, `cards.ts`), payment methods
 * (retrieve), and for charges: charges, disputes (retrieve, list by charge),
 * invoices (retrieve, list), invoice payments (list by invoice or payment intent) and payment intents (retrieve);
 * promotion codes (list by code), which a Checkout session's `discounts` name.
 */
import type Stripe from "stripe";
import * as StripeObjects from "../../core/stripe/objects";
import { apiError, missing, page } from "./http";
import { flowDataError, sessionFlow } from "./cards";
import { checkoutSession, customer as makeCustomer, newId, portalSession } from "./objects";
import { checkoutDiscounts, listPromotionCodes } from "./promotion-codes";
import type { StandInState } from "./state";
import type { SubscriptionStore } from "./subscriptions";
import { updateSubscription } from "./update";
import type { Events } from "./actions";

export interface ApiCall {
  route: string;
  query: Record<string, unknown>;
  body: Record<string, any>;
  /** Answers now. */
  reply(status: number, body: unknown): void;
  /** Answers now, or when a test's hold on this call is released. */
  answer(status: number, body: unknown): void;
  /** The request's `Idempotency-Key`, if any. */
  idempotencyKey?: string;
  /** Sends the events a change makes, as Stripe would (hosted mode: to the app's webhook; otherwise nowhere). */
  send?(events: Events): void;
}

/**
 * Answers one API call from `state`. `pagesBase`: where the stand-in serves its own Checkout and Billing Portal
 * pages; without it, their URLs are Stripe's (the tests' fake, whose pages nobody opens).
 */
export function answerApi(state: StandInState, call: ApiCall, pagesBase: string | undefined): void {
  const { route, query, body, reply, answer } = call;
  let match: RegExpExecArray | null;
  if ((match = /^GET \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
    const found = state.subscriptions.get(match[1]!);
    return found ? reply(200, found) : reply(404, missing("subscription", match[1]!));
  }
  if ((match = /^POST \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
    return updateSubscription(state, match[1]!, call);
  }
  if ((match = /^DELETE \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
    // Cancelling at once, as Stripe does: a subscription already ended can't be cancelled again.
    const found = state.subscriptions.get(match[1]!);
    if (!found) return reply(404, missing("subscription", match[1]!));
    if (found.status === "canceled" || found.status === "incomplete_expired") {
      return reply(400, apiError("invalid_request_error", `This subscription is already ${found.status}.`));
    }
    const at = Math.floor(Date.now() / 1000);
    // Stripe records why: `cancellation_requested`, with the feedback and comment the call passes on, if any.
    const asked = (body.cancellation_details ?? {}) as Record<string, string | undefined>;
    const details = { reason: "cancellation_requested", feedback: asked.feedback || null, comment: asked.comment || null, feedback_option: null };
    Object.assign(found, { status: "canceled", canceled_at: at, ended_at: at, cancel_at_period_end: false, cancel_at: null, cancellation_details: details });
    return answer(200, found);
  }
  if (route === "GET /v1/subscriptions") {
    // Kept sorted and grouped by customer, so a page costs the same among 50,000 subscriptions as among ten.
    return answer(200, (state.subscriptions as SubscriptionStore).page(query));
  }
  if (route === "GET /v1/invoices") {
    const all = [...state.invoices.values()]
      .filter((i) => !query.subscription || StripeObjects.subscriptionOfInvoice(i) === query.subscription)
      .filter((i) => !query.customer || i.customer === query.customer)
      .filter((i) => !query.status || i.status === query.status)
      .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
    return answer(200, page(all, query, "/v1/invoices"));
  }
  if (route === "GET /v1/customers") {
    // Stripe's `email` filter is exact (and case-sensitive); deleted customers are not listed.
    const all = [...state.customers.values()]
      .filter((c): c is Stripe.Customer => !c.deleted && (!query.email || c.email === query.email))
      .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
    return answer(200, page(all, query, "/v1/customers"));
  }
  if ((match = /^DELETE \/v1\/customers\/([^/]+)$/.exec(route))) {
    // Deleting a customer cancels its subscriptions at once, as Stripe does.
    const found = state.customers.get(match[1]!);
    if (!found || found.deleted) return reply(404, missing("customer", match[1]!));
    const deleted = { id: found.id, object: "customer", deleted: true } as Stripe.DeletedCustomer;
    state.customers.set(found.id, deleted);
    const at = Math.floor(Date.now() / 1000);
    for (const s of state.subscriptions.values()) {
      if (s.customer === found.id && s.status !== "canceled" && s.status !== "incomplete_expired") {
        Object.assign(s, { status: "canceled", canceled_at: at, ended_at: at, cancel_at_period_end: false });
      }
    }
    return answer(200, deleted);
  }
  if ((match = /^GET \/v1\/customers\/([^/]+)$/.exec(route))) {
    const found = state.customers.get(match[1]!);
    return found ? reply(200, found) : reply(404, missing("customer", match[1]!));
  }
  if (route === "POST /v1/customers") {
    const created = makeCustomer({
      id: newId("cus"),
      email: (body.email as string) ?? null,
      name: (body.name as string) ?? null,
      metadata: (body.metadata as Record<string, string>) ?? {},
    });
    state.customers.set(created.id, created);
    return answer(200, created);
  }
  if ((match = /^GET \/v1\/(charges|disputes|invoices)\/([^/]+)$/.exec(route))) {
    const [, kind, id] = match as unknown as [string, "charges" | "disputes" | "invoices", string];
    const found = state[kind].get(id);
    return found ? answer(200, found) : answer(404, missing(kind.slice(0, -1), id));
  }
  if (route === "GET /v1/disputes") {
    const all = [...state.disputes.values()]
      .filter((d) => (!query.charge || d.charge === query.charge) && (!query.payment_intent || d.payment_intent === query.payment_intent))
      .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
    return answer(200, page(all, query, "/v1/disputes"));
  }
  if (route === "GET /v1/invoice_payments") {
    const payment = (query.payment ?? {}) as Record<string, string>;
    const all = [...state.invoicePayments.values()]
      .filter((p) => !query.invoice || p.invoice === query.invoice)
      .filter((p) => !payment.type || p.payment.type === payment.type)
      .filter((p) => !payment.payment_intent || p.payment.payment_intent === payment.payment_intent)
      .filter((p) => !query.status || p.status === query.status)
      .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
    return answer(200, page(all, query, "/v1/invoice_payments"));
  }
  if (route === "GET /v1/promotion_codes") return answer(200, listPromotionCodes(state.promotionCodes, query));
  if (route === "POST /v1/checkout/sessions") {
    if (body.customer && !state.customers.has(body.customer as string)) return answer(400, missing("customer", body.customer as string));
    const discounted = checkoutDiscounts(state.promotionCodes, body);
    if ("error" in discounted) return answer(400, discounted.error);
    const session = checkoutSession({
      customer: (body.customer as string) ?? null,
      subscription: null,
      clientReferenceId: (body.client_reference_id as string) ?? null,
      metadata: (body.metadata as Record<string, string>) ?? {},
      email: body.customer_email as string | undefined,
      mode: body.mode as Stripe.Checkout.Session.Mode,
    });
    Object.assign(session, {
      status: "open",
      payment_status: "unpaid",
      customer_email: body.customer_email ?? null,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      discounts: discounted.discounts,
      url: `${pagesBase ?? "https://checkout.stripe.com"}/c/pay/${session.id}`,
    });
    state.checkoutSessions.push({ params: body, session });
    return answer(200, session);
  }
  if (route === "POST /v1/billing_portal/sessions") {
    const customer = body.customer as string;
    if (!state.customers.has(customer)) return answer(400, missing("customer", customer));
    // A deep link into one flow (`flow_data`), checked as Stripe checks it.
    const flowError = flowDataError(body.flow_data);
    if (flowError) return answer(400, apiError("invalid_request_error", flowError.message, { param: flowError.param }));
    const session = portalSession({ customer, returnUrl: body.return_url as string });
    session.flow = sessionFlow(body.flow_data);
    if (pagesBase) session.url = `${pagesBase}/p/session/${session.id}`;
    state.portalSessions.push({ params: body, session });
    return answer(200, session);
  }
  if ((match = /^GET \/v1\/checkout\/sessions\/([^/]+)$/.exec(route))) {
    const found = state.checkoutSessions.find((s) => s.session.id === match![1]);
    return found ? answer(200, found.session) : answer(404, missing("checkout.session", match[1]!));
  }
  if ((match = /^GET \/v1\/payment_methods\/([^/]+)$/.exec(route))) {
    const found = state.paymentMethods.get(match[1]!);
    return found ? answer(200, found) : answer(404, missing("payment_method", match[1]!));
  }
  if ((match = /^GET \/v1\/payment_intents\/([^/]+)$/.exec(route))) {
    const found = state.paymentIntents.get(match[1]!);
    return found ? answer(200, found) : answer(404, missing("payment_intent", match[1]!));
  }
  return answer(404, apiError("invalid_request_error", `Unrecognized request URL (${route}) in the Stripe stand-in`));
}
