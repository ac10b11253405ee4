/**
 * The local Stripe stand-in that `npm start` runs without keys, driven over real HTTP as a reader's browser would:
 * joining at `/join` leads to its Checkout page, whose Pay sends the app (served on a port of its own) the signed
 * webhooks Stripe would, making a patron and sending the welcome email; the account's Manage billing leads to its
 * Billing Portal, whose switch changes the tier, whose cancellation ends the membership at the period's end and
 * whose "End it now" ends it at once (the patron lapses). A trial starts the subscription trialing. A
 * payment-mode session completes with a payment intent and a charge, its `checkout.session.completed` carrying the
 * session's metadata, and a contribution from the support page is recorded and thanked. An event the app refuses
 * is sent again, as Stripe does.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as StripeApi from "../../core/stripe";
import { app } from "../../functions/api/app";
import { startStripeStandIn, type StripeStandIn } from "../../scripts/stripe-standin";
import { signedIn } from "../helpers/factories";
import { postForm, randomIp } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, uniqueEmail } from "../helpers/mail";
import { SECRET_KEY } from "../helpers/stripe-objects";

useLocalStack();

const SECRET = "whsec_standin_test_0123456789";
let server: Server;
let webhookUrl: string;
let standIn: StripeStandIn;

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening as Server));
  });
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  const prices = Config.get().TIERS.flatMap((tier) => tier.prices.map((price) => ({ ...price, name: tier.name })));
  standIn = await startStripeStandIn({ prices, webhook: { url: webhookUrl, secret: SECRET } });
  Object.assign(process.env, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: standIn.url });
  Config.reset();
  StripeApi.resetClient();
});

afterAll(async () => {
  await standIn?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** GETs a stand-in page and POSTs one of its forms (by its action's last part), as a browser would; the redirect. */
async function press(pageUrl: string, action: string, fields: Record<string, string> = {}): Promise<string> {
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Local Stripe stand-in — no money moves");
  const form = [...html.matchAll(/<form method="post" action="([^"]+)">(.*?)<\/form>/g)].find(
    ([, to, inputs]) => to!.endsWith(`/${action}`) && Object.entries(fields).every(([name, value]) => inputs!.includes(`name="${name}" value="${value}"`)),
  );
  expect(form, `a ${action} form with ${JSON.stringify(fields)}`).toBeDefined();
  const response = await fetch(new URL(form![1]!, pageUrl), { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  expect(response.status).toBe(303);
  return new URL(response.headers.get("location")!, pageUrl).toString();
}

/** The events sent since `from`, by type, each answered 200 at the first attempt. */
function sentSince(from: number) {
  const sent = standIn.deliveries.slice(from);
  for (const delivery of sent) expect({ type: delivery.event.type, status: delivery.status, attempts: delivery.attempts }).toMatchObject({ status: 200, attempts: 1 });
  return sent.map((delivery) => delivery.event);
}

describe("the local Stripe stand-in", () => {
  it("joins at /join through its Checkout page, changes tier and cancels through its Billing Portal", async () => {
    const email = uniqueEmail("standin");

    // Join: /join sends the browser to the stand-in's Checkout, which shows what is bought.
    const joined = await postForm("/join", { tier: "coffee", email }, randomIp());
    expect(joined.status).toBe(303);
    const checkoutUrl = joined.headers.get("location")!;
    expect(checkoutUrl.startsWith(`${standIn.url}/c/pay/cs_test_`)).toBe(true);
    const page = await (await fetch(checkoutUrl)).text();
    expect(page).toContain("Coffee");
    expect(page).toContain("€5.00 a month");
    expect(page).toContain(email);

    // Pay: the session completes, the app gets Stripe's events signed, and the browser goes to the success URL.
    let from = standIn.deliveries.length;
    expect(await press(checkoutUrl, "pay")).toBe(`${process.env.PUBLIC_URL}/account?membership=welcome`);
    expect(sentSince(from).map((e) => e.type)).toEqual(["customer.created", "checkout.session.completed", "customer.subscription.created", "invoice.paid"]);
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(subscriber).toBeDefined();
    const patron = (await Db.Patrons.get(subscriber.id))!;
    expect(patron).toMatchObject({ status: "active", tierId: "coffee", cancelAtPeriodEnd: false });
    const customer = standIn.customers.get(patron.stripeCustomerId!);
    expect(customer).toMatchObject({ email });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings"]);
    // Pressing Pay again (a second tab) charges nothing more.
    const again = await fetch(`${checkoutUrl}/pay`, { method: "POST", redirect: "manual" });
    expect(again.headers.get("location")).toBe(`${process.env.PUBLIC_URL}/account?membership=cancelled`);
    expect([...standIn.subscriptions.values()].filter((s) => s.customer === customer!.id)).toHaveLength(1);

    // Manage billing: the account's button leads to the stand-in's Billing Portal for this customer.
    const reader = await signedIn(subscriber.id);
    const billing = await reader.post("/account/billing");
    expect(billing.status).toBe(303);
    const portalUrl = billing.headers.get("location")!;
    expect(portalUrl.startsWith(`${standIn.url}/p/session/`)).toBe(true);
    const subscription = patron.stripeSubscriptionId!;

    // Switch to Co-creator: the subscription's price changes and the patron's tier with it.
    from = standIn.deliveries.length;
    expect(await press(portalUrl, "switch", { subscription, price: "price_cocreator" })).toBe(portalUrl);
    const [updated] = sentSince(from);
    expect(updated!.type).toBe("customer.subscription.updated");
    expect((updated!.data.previous_attributes as any).items.data[0].price.id).toBe("price_coffee");
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active", tierId: "co-creator" });
    expect(await (await fetch(portalUrl)).text()).toContain("Co-creator, €15.00 a month");

    // Cancel: at the period's end, as the portal does by default; the membership runs until then, ending.
    from = standIn.deliveries.length;
    expect(await press(portalUrl, "cancel", { subscription })).toBe(portalUrl);
    expect(sentSince(from).map((e) => e.type)).toEqual(["customer.subscription.updated"]);
    const ending = (await Db.Patrons.get(subscriber.id))!;
    expect(ending).toMatchObject({ status: "active", tierId: "co-creator", cancelAtPeriodEnd: true });
    expect(await (await fetch(portalUrl)).text()).toContain(`Cancelled: ends on ${ending.currentPeriodEnd!.slice(0, 10)}`);
    const account = await (await reader.call("GET", "/account")).text();
    expect(account).toContain("Your membership ends on");

    // Don't cancel: it renews again. Return goes back to the account.
    expect(await press(portalUrl, "renew", { subscription })).toBe(portalUrl);
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "active", cancelAtPeriodEnd: false });
    expect(await (await fetch(portalUrl)).text()).toContain(`href="${process.env.PUBLIC_URL}/account"`);
  });

  it("ends a membership at once from its Billing Portal: the patron lapses and is told", async () => {
    const email = uniqueEmail("standin-end");
    const joined = await postForm("/join", { tier: "coffee", email }, randomIp());
    await press(joined.headers.get("location")!, "pay");
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    const { stripeSubscriptionId: subscription } = (await Db.Patrons.get(subscriber.id))!;
    const portalUrl = (await (await signedIn(subscriber.id)).post("/account/billing")).headers.get("location")!;

    const from = standIn.deliveries.length;
    expect(await press(portalUrl, "end", { subscription: subscription! })).toBe(portalUrl);
    expect(sentSince(from).map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
    expect(standIn.subscriptions.get(subscription!)).toMatchObject({ status: "canceled", cancel_at_period_end: false });
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ status: "lapsed", tierId: "coffee" });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Welcome, patron of Tidings", "Your Tidings membership has ended"]);
    const page = await (await fetch(portalUrl)).text();
    expect(page).toContain("Ended on");
    expect(page).not.toContain("<form");
  });

  it("starts a subscription with a trial as trialing, charging nothing today", async () => {
    const email = uniqueEmail("standin-trial");
    const stripe = await StripeApi.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: "price_coffee", quantity: 1 }],
      customer_email: email,
      metadata: { tierId: "coffee" },
      subscription_data: { metadata: { tierId: "coffee" }, trial_period_days: 14 },
      success_url: `${process.env.PUBLIC_URL}/account?membership=welcome`,
      cancel_url: `${process.env.PUBLIC_URL}/account?membership=cancelled`,
    });
    expect(await (await fetch(session.url!)).text()).toContain("The first 14 days are free");
    const from = standIn.deliveries.length;
    await press(session.url!, "pay");
    const events = sentSince(from);
    const completed = events.find((e) => e.type === "checkout.session.completed")!.data.object as any;
    expect(completed).toMatchObject({ payment_status: "no_payment_required", amount_total: 0 });
    const subscription = standIn.subscriptions.get(completed.subscription)!;
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_end).toBe(subscription.items.data[0]!.current_period_end);
    expect(subscription.trial_end! - subscription.trial_start!).toBe(14 * 24 * 3600);
    expect([...standIn.charges.values()].filter((c) => c.customer === completed.customer)).toEqual([]);
    const subscriber = (await Db.Subscribers.getByEmail(email))!;
    expect(await Db.Patrons.get(subscriber.id)).toMatchObject({ tierId: "coffee", subscriptionStatus: "trialing" });
  });

  it("Cancel on its Checkout page goes to the cancel URL and completes nothing", async () => {
    const joined = await postForm("/join", { tier: "yearly", email: uniqueEmail("standin-cancel") }, randomIp());
    const checkoutUrl = joined.headers.get("location")!;
    const from = standIn.deliveries.length;
    expect(await press(checkoutUrl, "cancel")).toBe(`${process.env.PUBLIC_URL}/account?membership=cancelled`);
    expect(standIn.deliveries.length).toBe(from);
    expect(standIn.checkoutSessions.at(-1)!.session.status).toBe("open");
  });

  it("completes a payment-mode session with a payment intent and a charge, its metadata intact (no membership: the app answers 200)", async () => {
    const email = uniqueEmail("standin-payment");
    const stripe = await StripeApi.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      submit_type: "donate",
      line_items: [
        { price_data: { currency: "eur", unit_amount: 2500, product_data: { name: "A contribution" } }, quantity: 1 },
        { price_data: { currency: "eur", unit_amount: 110, product_data: { name: "Covering the card fee" } }, quantity: 1 },
      ],
      customer_email: email,
      payment_intent_data: { metadata: { standInTest: "payment" } },
      client_reference_id: "sub_someone",
      metadata: { standInTest: "payment" },
      success_url: `${process.env.PUBLIC_URL}/thanks?session={CHECKOUT_SESSION_ID}`,
      cancel_url: `${process.env.PUBLIC_URL}/support`,
    });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("A contribution");
    expect(page).toContain("Pay €26.10</h1>");

    const from = standIn.deliveries.length;
    expect(await press(session.url!, "pay")).toBe(`${process.env.PUBLIC_URL}/thanks?session=${session.id}`);
    const [completed, charged] = sentSince(from);
    expect(completed!.type).toBe("checkout.session.completed");
    const paid = completed!.data.object as any;
    expect(paid).toMatchObject({
      id: session.id,
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      client_reference_id: "sub_someone",
      metadata: { standInTest: "payment" },
      amount_total: 2610,
      currency: "eur",
      customer: null,
      customer_details: { email },
      subscription: null,
    });
    expect(charged).toMatchObject({ type: "charge.succeeded", data: { object: { amount: 2610, payment_intent: paid.payment_intent, paid: true } } });
    expect(await stripe.paymentIntents.retrieve(paid.payment_intent)).toMatchObject({
      status: "succeeded",
      amount: 2610,
      latest_charge: (charged!.data.object as any).id,
      metadata: { standInTest: "payment" },
    });
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", payment_intent: paid.payment_intent });
    expect(await Db.Subscribers.getByEmail(email)).toBeUndefined();
  });

  it("takes a contribution from the support page through its Checkout: recorded and thanked", async () => {
    const email = uniqueEmail("standin-giver");
    const given = await postForm("/support", { amount: "custom", custom: "12", email, coverFee: "on" }, randomIp());
    expect(given.status).toBe(303);
    const checkoutUrl = given.headers.get("location")!;
    expect(checkoutUrl.startsWith(`${standIn.url}/c/pay/`)).toBe(true);
    const from = standIn.deliveries.length;
    expect(await press(checkoutUrl, "pay")).toBe(`${process.env.PUBLIC_URL}/support/thanks`);
    const completed = sentSince(from).find((e) => e.type === "checkout.session.completed")!.data.object as any;
    expect(completed).toMatchObject({ mode: "payment", payment_status: "paid" });
    expect(completed.amount_total).toBeGreaterThan(1200);
    expect(await Db.Contributions.get(completed.id)).toMatchObject({ amount: completed.amount_total, currency: "eur" });
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Thank you for supporting Tidings"]);
  });

  it("sends an event the app refuses again, a few times, and records the last answer", async () => {
    const wrong = await startStripeStandIn({ prices: standIn.prices, webhook: { url: webhookUrl, secret: "whsec_not_the_apps_0123456789" } });
    try {
      const created = await fetch(`${wrong.url}/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          mode: "payment",
          "line_items[0][price_data][currency]": "eur",
          "line_items[0][price_data][unit_amount]": "100",
          "line_items[0][price_data][product_data][name]": "A contribution",
          "line_items[0][quantity]": "1",
          success_url: "http://app.example/ok",
          cancel_url: "http://app.example/no",
        }),
      });
      const session = (await created.json()) as { id: string };
      const response = await fetch(`${wrong.url}/c/pay/${session.id}/pay`, { method: "POST", redirect: "manual" });
      expect(response.headers.get("location")).toBe("http://app.example/ok");
      expect(wrong.deliveries.map((d) => [d.event.type, d.status, d.attempts])).toEqual([
        ["checkout.session.completed", 400, 4],
        ["charge.succeeded", 400, 4],
      ]);
    } finally {
      await wrong.close();
    }
  });
});
