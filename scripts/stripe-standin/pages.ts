/**
 * The stand-in's Checkout and Billing Portal pages: plain server-rendered HTML, no script, every button a POST
 * form, and each page says plainly that it is a local stand-in and that no money moves.
 */
import type Stripe from "stripe";
import * as Money from "../../core/money";
import { totalOf, type LineItem } from "./actions";
import type { StandInPrice } from "./state";

export const escape = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const money = (amount: number, currency: string) => Money.format(amount, currency, { locale: "en", decimals: "always" });

const per = (price: Pick<StandInPrice, "interval">) => (price.interval ? ` a ${price.interval}` : "");
const day = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString().slice(0, 10) : "");

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
main{max-width:34rem;margin:0 auto;padding:1rem}
.banner{background:#5c3d00;color:#fff;padding:.5rem 1rem;font-weight:600}
section{background:#fff;border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
form{display:inline-block;margin:.25rem .5rem .25rem 0;max-width:100%}
select,textarea,input{font:inherit;max-width:100%;box-sizing:border-box}
button{font:inherit;padding:.5rem 1rem;border-radius:4px;border:1px solid #333;background:#fff;color:#1a1a1a;cursor:pointer}
button.primary{background:#1a4d2e;color:#fff;border-color:#1a4d2e}
a{color:#0b4f8a}`;

/** The stand-in's pages' policy: nothing but their own `<style>`, forms to themselves (and their redirects). */
export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Local Stripe stand-in</title><style>${STYLE}</style></head>
<body>
<header class="banner" role="banner">Local Stripe stand-in — no money moves</header>
<main>
${body}
</main>
</body>
</html>`;
}

const button = (action: string, label: string, fields: Record<string, string> = {}, primary = false) =>
  `<form method="post" action="${escape(action)}">${Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("")}<button type="submit"${primary ? ' class="primary"' : ""}>${escape(label)}</button></form>`;

/** What Stripe's cancellation survey offers (`cancellation_details.feedback`), in its words. */
const SURVEY = [
  ["too_expensive", "It's too expensive"],
  ["unused", "I don't use it enough"],
  ["missing_features", "Some features are missing"],
  ["switched_service", "I'm switching to a different service"],
  ["low_quality", "Quality was less than expected"],
  ["customer_service", "Customer service was less than expected"],
  ["too_complex", "Ease of use was less than expected"],
  ["other", "Other reason"],
] as const;

/**
 * A cancel button with the Billing Portal's cancellation survey, both optional as at Stripe: a reason and a
 * comment, which Stripe keeps in the subscription's `cancellation_details`. One line, like every form here.
 */
function surveyForm(action: string, label: string, subscriptionId: string): string {
  const id = `${escape(subscriptionId)}-${escape(action.split("/").pop())}`;
  const options = SURVEY.map(([value, words]) => `<option value="${value}">${escape(words)}</option>`).join("");
  return `<form method="post" action="${escape(action)}"><input type="hidden" name="subscription" value="${escape(subscriptionId)}">` +
    `<p><label for="feedback-${id}">Why are you cancelling?</label> <select id="feedback-${id}" name="feedback"><option value="">Prefer not to say</option>${options}</select></p>` +
    `<p><label for="comment-${id}">Anything else to tell us?</label><br><textarea id="comment-${id}" name="comment" rows="2" cols="40" maxlength="5000"></textarea></p>` +
    `<button type="submit">${escape(label)}</button></form>`;
}

/** A Checkout session: what is bought, by whom, and Pay or Cancel. */
export function checkoutPage(session: Stripe.Checkout.Session, items: readonly LineItem[], trialDays = 0): string {
  if (session.status !== "open") {
    return layout("Checkout", `<h1>This checkout is ${escape(session.status)}</h1><p>It can't be paid again.</p>`);
  }
  const first: Pick<LineItem, "currency" | "interval"> = items[0] ?? { currency: "eur" };
  const total = money(totalOf(items), first.currency);
  const email = session.customer_email ?? session.customer_details?.email ?? "";
  const lines = items.map(
    (item) =>
      `<dt>What</dt><dd>${escape(item.name)}${item.quantity > 1 ? ` × ${item.quantity}` : ""}: ` +
      `${escape(money(item.amount, item.currency))}${escape(per(item))} (${escape(item.id)})</dd>`,
  );
  return layout(
    "Checkout",
    `<h1>Pay ${escape(total)}${escape(per(first))}</h1>
<section aria-label="What you are buying">
<dl>
${lines.join("\n")}
<dt>Mode</dt><dd>${session.mode === "subscription" ? "subscription (renews until cancelled)" : escape(session.mode)}</dd>
${trialDays ? `<dt>Trial</dt><dd>The first ${trialDays} days are free: nothing is charged today.</dd>` : ""}
${email ? `<dt>Email</dt><dd>${escape(email)}</dd>` : ""}
</dl>
</section>
<p>Paying here marks the session paid and sends the app the signed webhooks Stripe would. No card, no money.</p>
${button(`/c/pay/${session.id}/pay`, "Pay", {}, true)}${button(`/c/pay/${session.id}/cancel`, "Cancel")}`,
  );
}

/** A Billing Portal session: the customer's subscriptions, each with its switches and cancellation. */
export function portalPage(session: Stripe.BillingPortal.Session, email: string | null, subscriptions: Stripe.Subscription[], prices: StandInPrice[]): string {
  const action = (what: string) => `/p/session/${session.id}/${what}`;
  const describe = (subscription: Stripe.Subscription) => {
    const priceId = subscription.items.data[0]?.price.id;
    const price = prices.find((p) => p.id === priceId);
    const end = subscription.items.data[0]?.current_period_end;
    const name = price ? `${price.name}, ${money(price.amount, price.currency)}${per(price)}` : priceId;
    const state = subscription.status === "canceled"
      ? `Ended on ${day(subscription.ended_at)}.`
      : subscription.cancel_at_period_end
        ? `Cancelled: ends on ${day(subscription.cancel_at ?? end)}.`
        : `${subscription.status === "active" ? "Active" : subscription.status}; renews on ${day(end)}.`;
    // Stripe moves a subscription to a price of its own currency only.
    const currency = price?.currency ?? subscription.items.data[0]?.price.currency;
    const switches = subscription.status === "canceled" ? [] : prices.filter((p) => p.interval && !p.retired && p.id !== priceId && p.currency === currency);
    return `<section aria-label="${escape(name)}">
<h2>${escape(name)}</h2>
<p>${escape(state)}</p>
${switches.map((p) => button(action("switch"), `Switch to ${p.name} (${money(p.amount, p.currency)}${per(p)})`, { subscription: subscription.id, price: p.id })).join("")}
${subscription.status === "canceled" ? "" : subscription.cancel_at_period_end
    ? button(action("renew"), "Don't cancel", { subscription: subscription.id })
    : surveyForm(action("cancel"), "Cancel subscription", subscription.id)}
${subscription.status === "canceled" ? "" : surveyForm(action("end"), "End it now", subscription.id)}
</section>`;
  };
  return layout(
    "Billing",
    `<h1>Manage your billing</h1>
<p>${email ? `Signed in as ${escape(email)}. ` : ""}Changes here send the app the signed webhooks Stripe would.</p>
${subscriptions.length ? subscriptions.map(describe).join("\n") : "<p>No subscriptions.</p>"}
${returnLink(session.return_url)}`,
  );
}

/** The way back to the app, as Stripe allows it: an http(s) URL only. */
function returnLink(url: string | null): string {
  const parsed = URL.canParse(url ?? "") ? new URL(url!) : undefined;
  if (!parsed || !["http:", "https:"].includes(parsed.protocol)) return "";
  return `<p><a href="${escape(parsed.href)}">Return to ${escape(parsed.host)}</a></p>`;
}

export const notFoundPage = () => layout("Not found", "<h1>No such session</h1><p>It may belong to an earlier run of the stand-in.</p>");
