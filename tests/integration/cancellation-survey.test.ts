/**
 * The local Stripe stand-in's cancellation survey, end to end as `npm start` runs it: the app served on a port of
 * its own, the stand-in sending its signed webhooks there. The Billing Portal's cancel asks why (Stripe's feedback
 * choices) and for a comment, as Stripe's portal does; the answer reaches the patron through Stripe's
 * `cancellation_details`, "Don't cancel" marks it withdrawn, and ending at once records its own answer.
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
import { uniqueEmail } from "../helpers/mail";
import { SECRET_KEY } from "../helpers/stripe-objects";

useLocalStack();

const SECRET = "whsec_survey_test_0123456789";
let server: Server;
let standIn: StripeStandIn;

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening as Server));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
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

/** Posts a portal form (by its action's last part) as a browser would, with `fields`; the redirect's target. */
async function submit(portalUrl: string, action: string, fields: Record<string, string>): Promise<string> {
  const html = await (await fetch(portalUrl)).text();
  const form = [...html.matchAll(/<form method="post" action="([^"]+)">(.*?)<\/form>/g)].find(
    ([, to, inputs]) => to!.endsWith(`/${action}`) && inputs!.includes(`name="subscription" value="${fields.subscription}"`),
  );
  expect(form, `a ${action} form`).toBeDefined();
  const response = await fetch(new URL(form![1]!, portalUrl), { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  expect(response.status).toBe(303);
  return new URL(response.headers.get("location")!, portalUrl).toString();
}

/** A reader who joined through the stand-in's Checkout, and their Billing Portal. */
async function joined(name: string) {
  const email = uniqueEmail(name);
  const checkout = (await postForm("/join", { tier: "coffee", email }, randomIp())).headers.get("location")!;
  expect((await fetch(`${checkout}/pay`, { method: "POST", redirect: "manual" })).status).toBe(303);
  const subscriber = (await Db.Subscribers.getByEmail(email))!;
  const patron = (await Db.Patrons.get(subscriber.id))!;
  const portalUrl = (await (await signedIn(subscriber.id)).post("/account/billing")).headers.get("location")!;
  return { subscriber, subscription: patron.stripeSubscriptionId!, portalUrl };
}

describe("the stand-in's Billing Portal asks why", () => {
  it("offers Stripe's reasons and a comment; cancelling records them, Don't cancel marks it withdrawn", async () => {
    const { subscriber, subscription, portalUrl } = await joined("survey");
    const page = await (await fetch(portalUrl)).text();
    expect(page).toContain("Why are you cancelling?");
    for (const value of ["too_expensive", "unused", "missing_features", "switched_service", "low_quality", "customer_service", "too_complex", "other"]) {
      expect(page).toContain(`<option value="${value}">`);
    }
    expect(page).toContain('name="comment"');

    await submit(portalUrl, "cancel", { subscription, feedback: "too_expensive", comment: "Back when prices fall" });
    expect(standIn.subscriptions.get(subscription)!.cancellation_details).toMatchObject({ reason: "cancellation_requested", feedback: "too_expensive", comment: "Back when prices fall" });
    const cancelling = (await Db.Patrons.get(subscriber.id))!;
    expect(cancelling).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    expect(cancelling.cancellation).toMatchObject({ subscriptionId: subscription, reason: "cancellation_requested", feedback: "too_expensive", comment: "Back when prices fall" });

    await submit(portalUrl, "renew", { subscription });
    expect((await Db.Patrons.get(subscriber.id))!.cancellation).toMatchObject({ feedback: "too_expensive", withdrawnAt: expect.any(String) });
  });

  it("ending at once records that answer; a reason Stripe doesn't offer is no answer", async () => {
    const { subscriber, subscription, portalUrl } = await joined("survey-end");
    await submit(portalUrl, "end", { subscription, feedback: "because", comment: "  " });
    const ended = (await Db.Patrons.get(subscriber.id))!;
    expect(ended.status).toBe("lapsed");
    expect(ended.cancellation).toEqual({ subscriptionId: subscription, requestedAt: expect.any(String), reason: "cancellation_requested" });
  });
});
