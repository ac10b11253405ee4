/**
 * A failed payment recovered end to end, as `npm start` shows it: the demo's past-due patron (`scripts/seed-billing.ts`)
 * at the local Stripe stand-in, the app served on a port of its own. Their payment-failed email's card-update link
 * opens the stand-in's update-card page (a portal session on the payment-method flow); saving a card pays the open
 * invoice and makes the subscription active, the stand-in sends the app the signed events Stripe would, the patron
 * is active again, and the browser lands back on `/account?billing=updated`.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as StripeApi from "../../core/stripe";
import { app } from "../../functions/api/app";
import { seedPastDue } from "../../scripts/seed-billing";
import { startStripeStandIn, type StripeStandIn } from "../../scripts/stripe-standin";
import { signedIn } from "../helpers/factories";
import { randomIp, request } from "../helpers/http";
import { useLocalStack } from "../helpers/local";
import { mailTo, tokenFrom } from "../helpers/mail";
import { SECRET_KEY } from "../helpers/stripe-objects";

useLocalStack();

const SECRET = "whsec_billing_recovery_0123456789";
let server: Server;
let standIn: StripeStandIn;

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening as Server));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  const prices = Config.get().TIERS.flatMap((tier) => tier.prices.map((price) => ({ ...price, name: tier.name })));
  standIn = await startStripeStandIn({ prices, webhook: { url: webhookUrl, secret: SECRET } });
  Object.assign(process.env, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: standIn.url, GRACE_DAYS: "7" });
  Config.reset();
  StripeApi.resetClient();
});

afterAll(async () => {
  await standIn?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe("recovering a failed payment at the stand-in", () => {
  it("from the payment-failed email's link to an active membership, with Stripe's events", async () => {
    await seedPastDue(new Date(), standIn);
    const ola = (await Db.Subscribers.getByEmail("ola@example.com"))!;
    expect(await Db.Patrons.get(ola.id)).toMatchObject({ status: "grace", stripeCustomerId: "cus_demopastdue" });
    // Seeding again (the next `npm start`) sends nothing more: the debt's email went once.
    await seedPastDue(new Date(), standIn);
    const failed = (await mailTo(ola.email)).filter((m) => /didn't go through/.test(m.subject));
    expect(failed.length).toBeGreaterThanOrEqual(1); // (another run's npm start may share the address)
    const token = tokenFrom(failed.at(-1)!, "/billing/update");

    const toPortal = await request(`/billing/update?token=${encodeURIComponent(token)}`, { headers: { accept: "text/html" } }, randomIp());
    expect(toPortal.status).toBe(303);
    const portalUrl = toPortal.headers.get("location")!;
    expect(portalUrl.startsWith(`${standIn.url}/p/session/`)).toBe(true);

    const page = await fetch(portalUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Update your payment method");
    expect(html).toContain("1 open invoice will be paid");
    // Nonsense in the form changes nothing.
    expect((await fetch(`${portalUrl}/card`, { method: "POST", body: new URLSearchParams({ last4: "x", exp_month: "13", exp_year: "1" }), redirect: "manual" })).status).toBe(400);
    expect(standIn.invoices.get("in_demopastdue")?.status).toBe("open");

    const saved = await fetch(`${portalUrl}/card`, {
      method: "POST",
      body: new URLSearchParams({ last4: "1881", exp_month: "12", exp_year: String(new Date().getUTCFullYear() + 4) }),
      redirect: "manual",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${Config.get().PUBLIC_URL}/account?billing=updated`);

    expect(standIn.invoices.get("in_demopastdue")?.status).toBe("paid");
    expect(standIn.subscriptions.get("sub_demopastdue")?.status).toBe("active");
    const sent = standIn.deliveries.map((d) => [d.event.type, d.status]);
    expect(sent).toEqual(expect.arrayContaining([["invoice.paid", 200], ["customer.subscription.updated", 200]]));
    expect(sent.every(([, status]) => status === 200)).toBe(true);
    const patron = await Db.Patrons.get(ola.id);
    expect(patron).toMatchObject({ status: "active" });
    expect(patron?.unpaidSince).toBeUndefined();

    // Back on the account page (signed in), it says the card is updated.
    const { header } = await signedIn(ola.id);
    const account = await request("/account?billing=updated", { headers: { cookie: header } });
    expect(await account.text()).toContain("your payment method is updated");
  });
});
