/**
 * The Billing Portal's payment-method update flow in the stand-in (a session made with `flow_data[type]=
 * payment_method_update`): `GET /p/session/<id>` shows a card form instead of the portal's home; its POST
 * (`/p/session/<id>/card`) saves the card (`cards.ts` `updateCard`: the customer's default, open invoices paid, a
 * past-due subscription active), sends the events Stripe would, then goes where the flow's `after_completion`
 * says (a redirect to its `return_url`; otherwise back to the session).
 */
import type { ServerResponse } from "node:http";
import type Stripe from "stripe";
import type { Events } from "./actions";
import { updateCard } from "./cards";
import { escape, layout, PAGE_POLICY } from "./pages";
import type { StandInState } from "./state";

/** Answers a page of a payment-method flow's session; false for anything else (the portal's own pages). */
export async function answerCardFlow(
  state: StandInState,
  request: { method: string; path: string; form: Record<string, unknown> },
  res: ServerResponse,
  send: (events: Events) => Promise<unknown>,
): Promise<boolean> {
  const match = /^\/p\/session\/([^/]+)(\/card)?$/.exec(request.path);
  const entry = match && state.portalSessions.find((s) => s.session.id === match[1]);
  if (!entry || entry.session.flow?.type !== "payment_method_update") return false;
  const { session } = entry;
  if (request.method === "GET" && !match![2]) return page(res, 200, cardPage(session, state));
  if (request.method !== "POST" || !match![2]) return false;
  const expMonth = Number(request.form.exp_month);
  const expYear = Number(request.form.exp_year);
  const last4 = String(request.form.last4 ?? "");
  if (!(expMonth >= 1 && expMonth <= 12) || !(expYear >= 2000 && expYear <= 2100) || !/^\d{4}$/.test(last4)) {
    return page(res, 400, cardPage(session, state, "Enter the card's last four digits and its expiry month and year."));
  }
  await send(updateCard(state, session.customer, { last4, expMonth, expYear }));
  const after = session.flow!.after_completion;
  const location = after.type === "redirect" && after.redirect?.return_url ? after.redirect.return_url : `/p/session/${session.id}`;
  res.writeHead(303, { location, "cache-control": "no-store" });
  res.end();
  return true;
}

function cardPage(session: Stripe.BillingPortal.Session, state: StandInState, problem?: string): string {
  const customer = state.customers.get(session.customer);
  const email = customer && !customer.deleted ? customer.email : null;
  const open = [...state.invoices.values()].filter((i) => i.customer === session.customer && i.status === "open");
  const due = open.length > 0 ? `<p>${open.length} open invoice${open.length > 1 ? "s" : ""} will be paid with the new card.</p>` : "";
  const year = new Date().getUTCFullYear();
  return layout(
    "Update payment method",
    `<h1>Update your payment method</h1>
${email ? `<p>For ${escape(email)}.</p>` : ""}
${problem ? `<p role="alert">${escape(problem)}</p>` : ""}
${due}
<section aria-label="New card">
<form method="post" action="/p/session/${escape(session.id)}/card">
<p><label>Card number (last four digits) <input name="last4" inputmode="numeric" pattern="[0-9]{4}" value="4242" required></label></p>
<p><label>Expiry month <input name="exp_month" inputmode="numeric" value="12" required></label>
<label>Expiry year <input name="exp_year" inputmode="numeric" value="${year + 3}" required></label></p>
<button type="submit" class="primary">Save card</button>
</form>
</section>
<p>Saving makes this card the customer's default, pays their open invoices with it and sends the app the signed webhooks Stripe would. No card, no money.</p>`,
  );
}

function page(res: ServerResponse, status: number, body: string): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_POLICY, "cache-control": "no-store" });
  res.end(body);
  return true;
}
