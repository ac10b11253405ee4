/**
 * Membership for browsers, without JavaScript: `/join` (a tier, an email unless signed in) → POST → 303 to Stripe
 * Checkout; the account page's "Manage billing" → POST `/account/billing` → 303 to Stripe's Billing Portal.
 * Without Stripe keys they answer a 503 page that says so.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../config";
import { VisibleError } from "../../errors";
import * as Patrons from "../../patrons";
import * as StripeApi from "../../stripe";
import * as Subscribers from "../../subscribers";
import { form, htmlPage } from "../openapi";
import { JoinPage } from "../pages/membership";
import { optionalSession, requireSession } from "../session";

export const membershipPages = new OpenAPIHono();

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
const tierId = z.string().max(64);

membershipPages.openapi(
  createRoute({
    method: "get",
    path: "/join",
    summary: "Become a patron: choose a tier",
    middleware: [optionalSession] as const,
    request: { query: z.object({ tier: tierId.optional() }) },
    responses: { 200: htmlPage("The tiers, and the form that continues to Stripe Checkout"), 503: htmlPage("Stripe not configured") },
  }),
  (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const page = <JoinPage tiers={Config.get().TIERS} selected={c.req.valid("query").tier} email={c.var.subscriber?.email} />;
    return c.html(page, 200);
  },
);

membershipPages.openapi(
  createRoute({
    method: "post",
    path: "/join",
    summary: "Continue to Stripe Checkout for a tier",
    middleware: [optionalSession] as const,
    request: { body: form(z.object({ tier: tierId, email: Subscribers.Input.email.optional() })) },
    responses: {
      303: redirect("To Stripe Checkout"),
      400: htmlPage("Unknown tier, or no email"),
      409: htmlPage("Already a patron"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const { tier, email } = c.req.valid("form");
    const subscriber = c.var.subscriber;
    if (!subscriber && !email) throw new VisibleError("invalid", "invalid_request", "Give the email address to join with.");
    const { url } = await Patrons.checkout(subscriber ? { tierId: tier, subscriber } : { tierId: tier, email: email! });
    return c.redirect(url, 303);
  },
);

membershipPages.openapi(
  createRoute({
    method: "post",
    path: "/account/billing",
    summary: "Manage billing: to Stripe's Billing Portal",
    middleware: [requireSession] as const,
    responses: {
      303: redirect("To Stripe's Billing Portal (or to sign in)"),
      404: htmlPage("No paid membership"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    const { url } = await Patrons.portal(c.var.subscriber);
    return c.redirect(url, 303);
  },
);
