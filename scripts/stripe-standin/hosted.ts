/**
 * The stand-in's hosted pages, where Stripe's would be: `GET /c/pay/<session>` (Checkout) with its Pay and Cancel
 * forms, and `GET /p/session/<session>` (Billing Portal) with its switch, cancel (with Stripe's cancellation survey:
 * a reason and a comment, kept in `cancellation_details`), renew and end forms. Each POST changes
 * the state, sends the events Stripe would (and waits until they are delivered), then redirects as Stripe does:
 * Pay to the session's success URL, Cancel to its cancel URL, a portal change back to the portal.
 */
import type { ServerResponse } from "node:http";
import { cancelAtPeriodEnd, completeCheckout, endNow, lineItems, surveyAnswer, switchPrice, trialDays, type Events } from "./actions";
import { answerCardFlow } from "./card-pages";
import { checkoutPage, notFoundPage, PAGE_POLICY, portalPage } from "./pages";
import type { StandInState } from "./state";
import { sendEvents, type Endpoint } from "./webhooks";

/** Answers a request for a hosted page, or returns false for anything else (the API). */
export async function answerPage(
  state: StandInState,
  endpoint: Endpoint,
  request: { method: string; path: string; form: Record<string, unknown> },
  res: ServerResponse,
): Promise<boolean> {
  const route = `${request.method} ${request.path}`;
  let match: RegExpExecArray | null;
  const send = async (events: Events) => state.deliveries.push(...(await sendEvents(endpoint, events)));

  if ((match = /^(GET|POST) \/c\/pay\/([^/]+)(?:\/(pay|cancel))?$/.exec(route))) {
    const [, method, id, action] = match;
    const entry = state.checkoutSessions.find((s) => s.session.id === id);
    if (!entry || (method === "GET") !== !action) return html(res, 404, notFoundPage());
    if (method === "GET") return html(res, 200, checkoutPage(entry.session, lineItems(state, entry.params), trialDays(entry.params)));
    if (action === "cancel" || entry.session.status !== "open") return redirect(res, entry.session.cancel_url!);
    await send(completeCheckout(state, entry));
    return redirect(res, entry.session.success_url!.replaceAll("{CHECKOUT_SESSION_ID}", entry.session.id));
  }

  // A session opened on the payment-method update flow shows its card form (card-pages.ts).
  if (await answerCardFlow(state, request, res, send)) return true;

  if ((match = /^(GET|POST) \/p\/session\/([^/]+)(?:\/(switch|cancel|renew|end))?$/.exec(route))) {
    const [, method, id, action] = match;
    const entry = state.portalSessions.find((s) => s.session.id === id);
    if (!entry || (method === "GET") !== !action) return html(res, 404, notFoundPage());
    const { session } = entry;
    const theirs = [...state.subscriptions.values()].filter((s) => s.customer === session.customer);
    if (method === "GET") {
      const customer = state.customers.get(session.customer);
      const email = customer && !customer.deleted ? customer.email : null;
      const shown = theirs.filter((s) => s.status !== "incomplete_expired").sort((a, b) => b.created - a.created);
      return html(res, 200, portalPage(session, email, shown, state.prices));
    }
    const subscription = theirs.find((s) => s.id === request.form.subscription);
    if (!subscription || subscription.status === "canceled") return html(res, 404, notFoundPage());
    // Stripe moves a subscription to a price of its own currency only.
    const item = subscription.items.data[0]?.price;
    const currency = state.prices.find((p) => p.id === item?.id)?.currency ?? item?.currency;
    const price = state.prices.find((p) => p.id === request.form.price && p.interval && !p.retired && p.currency === currency);
    if (action === "switch" && !price) return html(res, 404, notFoundPage());
    const events =
      action === "switch"
        ? switchPrice(subscription, price!)
        : action === "end"
          ? endNow(subscription, surveyAnswer(request.form))
          : cancelAtPeriodEnd(subscription, action === "cancel", surveyAnswer(request.form));
    await send(events);
    return redirect(res, `/p/session/${session.id}`);
  }
  return false;
}

/** Writes a page; true, for `answerPage`. */
function html(res: ServerResponse, status: number, body: string): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_POLICY, "cache-control": "no-store" });
  res.end(body);
  return true;
}

function redirect(res: ServerResponse, location: string): true {
  res.writeHead(303, { location, "cache-control": "no-store" });
  res.end();
  return true;
}
