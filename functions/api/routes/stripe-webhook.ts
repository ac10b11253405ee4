/**
 * `POST /webhooks/stripe`, the safe way: the raw body → the signature (400 when missing, wrong or stale) →
 * the event's API version (400 when newer than Tidings reads) → once per event id → the handler for its type
 * (unknown types: 200) → 200; any failure, or an event another delivery holds and has not processed yet, is a
 * 5xx, so Stripe retries. See core/stripe/README.md.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Patrons from "../../../core/patrons";
import * as StripeApi from "../../../core/stripe";
import { json, jsonError } from "../openapi";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

/** Stripe events are usually a few KB; some (invoices, sessions) are larger than the API's usual limit. */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

export const stripeWebhookRoutes = new OpenAPIHono();

stripeWebhookRoutes.openapi(
  createRoute({
    method: "post",
    path: STRIPE_WEBHOOK_PATH,
    summary: "Stripe webhook events",
    description:
      "Signed by Stripe (`Stripe-Signature`, checked on the raw body against every secret in " +
      "STRIPE_WEBHOOK_SECRET, 300 s tolerance). Answers 200 for a handled, duplicate or ignored event; 5xx " +
      "when processing failed, or when another delivery of the event is still being processed (503 " +
      "`event_in_flight`), so that Stripe retries. An event rendered in a Stripe API version newer than the one " +
      "Tidings is built for (or unreadable) is refused with 400 `unsupported_api_version` and not recorded, so " +
      "Stripe keeps retrying it (and says so to the account's owner) until the endpoint's version is set right.",
    request: { headers: z.object({ "stripe-signature": z.string().optional() }) },
    responses: {
      200: json("Received", z.object({ received: z.literal(true), outcome: z.enum(["processed", "duplicate", "ignored"]) })),
      400: jsonError("Missing, wrong or stale signature (`invalid_signature`); an API version Tidings can't read (`unsupported_api_version`)"),
      503: jsonError("Stripe is not configured here, or the event is being processed by another delivery"),
    },
  }),
  async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const event = await StripeApi.verify(raw, c.req.header("stripe-signature"));
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured(); // handlers ask Stripe's API
    const outcome = await Patrons.receive(event);
    return c.json({ received: true as const, outcome }, 200);
  },
);
