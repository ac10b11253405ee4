/**
 * Gifts over HTTP: `POST /api/gifts/checkout` (JSON) and the support page's gift form (`POST /gift/checkout` → 303
 * to Stripe Checkout); the redeem link's page (`GET /gift?token=`, a button that POSTs) and `POST /gift`; the
 * editors' list (`GET /api/gifts`). Without STRIPE_SECRET_KEY the checkout routes answer 503 before anything else.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as Config from "../../../core/config";
import * as Gifts from "../../../core/gifts";
import * as StripeApi from "../../../core/stripe";
import { pageSource } from "../../../core/stats/attribution";
import { lenientSource, source } from "../../../core/stats/attribution-input";
import * as Subscribers from "../../../core/subscribers";
import { clientIp } from "../client-ip";
import { currentLanguage, speakTo } from "../language";
import { editorSecurity } from "../editor-auth";
import { editorErrors, form, htmlPage, json, jsonError, tokenQuery } from "../openapi";
import { optionalSession, type MaybeSignedIn } from "../session";
import { GiftPage, GiftRedeemedPage } from "../views/gifts";

export const giftRoutes = new OpenAPIHono<MaybeSignedIn>();

const visitor = (c: Context) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") });

/** The gift's fields, as JSON and as the form sends them (bounds are checked in core, naming the field). */
const giftFields = {
  tier: z.string().max(64).openapi({ example: "coffee" }),
  recipientEmail: Subscribers.Input.email,
  recipientName: z.string().max(200).optional(),
  message: z.string().max(2000).optional().openapi({ description: `At most ${Gifts.MAX_MESSAGE} characters, no control characters` }),
  deliverOn: z.string().max(20).optional().openapi({ description: "YYYY-MM-DD, from today to a year ahead (default today)", example: "2026-12-24" }),
  email: Subscribers.Input.email.optional(),
  source: source.optional(),
};

giftRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/gifts/checkout",
    summary: "Buy a gift membership: a Stripe Checkout session in payment mode",
    description:
      `N \`months\` (1 to ${Gifts.MAX_MONTHS}) of \`tier\` for \`recipientEmail\`, priced at the tier's current monthly price × N ` +
      "(a tier sold only yearly: its yearly price × N / 12, rounded up), with an optional message and delivery date. " +
      "On that date the recipient is emailed a redeem link, in the request's language (`?lang=`, the language cookie, " +
      "`Accept-Language`): the buyer's. Bad input is 400 naming the field, before Stripe is called. " +
      "Counted against the same per-network limit as membership checkouts.",
    middleware: [optionalSession] as const,
    request: {
      body: { content: { "application/json": { schema: z.object({ ...giftFields, months: z.number().int().openapi({ example: 3 }) }) } }, required: true },
    },
    responses: {
      200: json("The Checkout URL", z.object({ url: z.string() })),
      400: jsonError("Months out of 1..24, an unknown tier, a delivery date in the past or over a year ahead, a message too long"),
      403: jsonError("A cookie-authenticated request from another origin"),
      429: jsonError("Too many checkouts from this network; Retry-After says when to try again"),
      503: jsonError("Stripe is not configured here (no STRIPE_SECRET_KEY)"),
    },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const { tier, ...input } = c.req.valid("json");
    const subscriber = c.var.subscriber;
    return c.json(await Gifts.checkout({ ...input, tierId: tier, language: currentLanguage(), ...(subscriber && { subscriber }) }, visitor(c)), 200);
  },
);

const empty = <T extends z.ZodType>(schema: T) => z.union([z.literal(""), schema]).optional();

giftRoutes.openapi(
  createRoute({
    method: "post",
    path: "/gift/checkout",
    summary: "The support page's gift form: continue to Stripe Checkout",
    middleware: [optionalSession] as const,
    request: {
      body: form(
        z.object({
          ...giftFields,
          months: z.string().regex(/^\d{1,4}$/, "a number of months"),
          recipientName: empty(giftFields.recipientName.unwrap()),
          message: empty(giftFields.message.unwrap()),
          email: empty(Subscribers.Input.email),
          source: lenientSource,
        }),
      ),
    },
    responses: {
      303: { description: "To Stripe Checkout", headers: z.object({ location: z.string() }) },
      400: htmlPage("Months out of bounds, an unknown tier, a bad delivery date or message"),
      429: htmlPage("Too many checkouts from this network"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const { tier, months, recipientName, message, email, deliverOn, recipientEmail, source = pageSource("/support") } = c.req.valid("form");
    const subscriber = c.var.subscriber;
    const { url } = await Gifts.checkout(
      {
        tierId: tier,
        months: Number(months),
        recipientEmail,
        ...(recipientName && { recipientName }),
        ...(message && { message }),
        ...(deliverOn && { deliverOn }),
        ...(email && { email }),
        language: currentLanguage(),
        source,
        ...(subscriber && { subscriber }),
      },
      visitor(c),
    );
    return c.redirect(url, 303);
  },
);

const pageErrors = { 400: htmlPage("Invalid or expired link, or a void gift") };

giftRoutes.openapi(
  createRoute({
    method: "get",
    path: "/gift",
    summary: "A gift's redeem page from its emailed link (its button POSTs; opening it changes nothing)",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("The gift, the buyer's message and a Redeem button"), ...pageErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const { gift } = await Gifts.fromToken(token);
    speakTo(await Gifts.recipientLanguage(gift)); // the language its email was in
    if (gift.status === "void") throw Gifts.voidError(gift);
    const tierName = Config.nameOfTier(Config.get().TIERS, gift.tierId, currentLanguage());
    return c.html(<GiftPage token={token} gift={gift} tierName={tierName} />, 200);
  },
);

giftRoutes.openapi(
  createRoute({
    method: "post",
    path: "/gift",
    summary: "Redeem a gift: its recipient becomes a comped patron of its tier until it ends (once)",
    request: { body: form(z.object({ token: z.string().max(400), subscribe: z.literal("on").optional() })) },
    responses: { 200: htmlPage("Redeemed, or redeemed already"), ...pageErrors },
  }),
  async (c) => {
    const { token, subscribe } = c.req.valid("form");
    const view = await Gifts.fromToken(token);
    speakTo(await Gifts.recipientLanguage(view.gift)); // the language its email and page were in
    // A recipient made by redeeming keeps the language they redeemed it in.
    const { outcome, gift } = await Gifts.redeem(token, { subscribe: subscribe === "on", context: visitor(c), language: currentLanguage() });
    const tierName = Config.nameOfTier(Config.get().TIERS, gift.tierId, currentLanguage());
    return c.html(<GiftRedeemedPage gift={gift} tierName={tierName} already={outcome === "already_redeemed"} />, 200);
  },
);

const giftSchema = z
  .object({
    id: z.string(),
    tierId: z.string(),
    months: z.number().int(),
    recipientEmail: z.string(),
    deliverOn: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(Gifts.giftStatuses),
    buyerEmail: z.string().optional(),
    createdAt: z.string(),
    deliveredAt: z.string().optional(),
    redeemedAt: z.string().optional(),
    endsAt: z.string().optional(),
    invitedAt: z.string().optional(),
    voidReason: z.string().optional(),
  })
  .openapi("Gift");

giftRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/gifts",
    summary: "List gifts of one status (default paid), by delivery date",
    description: "Redeemed gifts are listed by delivery date too; `endsAt` says when each comp ends.",
    ...editorSecurity("read"),
    request: {
      query: z.object({ status: z.enum(Gifts.giftStatuses).optional(), cursor: z.string().max(2000).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }),
    },
    responses: { 200: json("A page of gifts", z.object({ gifts: z.array(giftSchema), cursor: z.string().nullable() })), ...editorErrors },
  }),
  async (c) => {
    const { status = "paid", cursor, limit } = c.req.valid("query");
    return c.json(await Gifts.list(status, cursor, limit), 200);
  },
);
