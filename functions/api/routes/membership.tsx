/**
 * Memberships over HTTP: the tiers (public), joining through Stripe Checkout and managing through Stripe's
 * Billing Portal (signed in; joining also works with just an email), and editors' comps. Without
 * STRIPE_SECRET_KEY the Stripe routes answer 503 saying so, before anything else.
 *
 * And for browsers, without JavaScript: `/join` (a tier's price, an email unless signed in) → POST → 303 to Stripe
 * Checkout; the account page's "Manage billing" → POST `/account/billing` → 303 to Stripe's Billing Portal.
 * Without Stripe keys they answer a 503 page that says so.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Env } from "hono";
import { createMiddleware } from "hono/factory";
import * as Config from "../../../core/config";
import { VisibleError } from "../../../core/errors";
import * as Patrons from "../../../core/patrons";
import * as StripeApi from "../../../core/stripe";
import { pageSource, sourceOr } from "../../../core/stats/attribution";
import { lenientSource, source, srcQuery } from "../../../core/stats/attribution-input";
import * as Subscribers from "../../../core/subscribers";
import { clientIp } from "../client-ip";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, form, htmlPage, json, jsonError } from "../openapi";
import { optionalSession, requireSession, type MaybeSignedIn, type SignedIn } from "../session";
import { JoinPage, JoinSentPage } from "../views/membership";

export const membershipRoutes = new OpenAPIHono<EditorEnv>();

/**
 * The 503 for a stage without Stripe keys. It goes before the session middleware rather than wrapping it, so the
 * route's middleware is `requireSession` itself and the authorisation tests can see which routes need a session.
 */
const stripeRequired = <E extends Env>() =>
  createMiddleware<E>(async (_c, next) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    await next();
  });

const interval = z.enum(["month", "year"]);
const currency = z.string().regex(/^[a-zA-Z]{3}$/).openapi({ description: "ISO 4217, any case", example: "eur" });

const priceSchema = z
  .object({
    amount: z.number().int().openapi({ description: "In the currency's minor unit", example: 500 }),
    currency: z.string().openapi({ example: "eur" }),
    interval,
  })
  .openapi("Price");

const tierSchema = z
  .object({
    id: z.string().openapi({ example: "coffee" }),
    name: z.string().openapi({ example: "Coffee" }),
    amount: z.number().int().openapi({ description: "The first current price's, in the currency's minor unit", example: 500 }),
    currency: z.string().openapi({ example: "eur" }),
    interval,
    voteWeight: z.number().int(),
    prices: z.array(priceSchema).openapi({ description: "Every current price, the first offered first; choose one by interval and currency" }),
    trialDays: z.number().int().optional().openapi({ description: "Days free before the first charge, for a new patron" }),
  })
  .openapi("Tier");

/** A price of the tier, by Stripe price id or by interval and currency (default: the tier's first current price). */
const priceChoice = {
  price: z.string().max(255).optional().openapi({ description: "A current Stripe price id of the tier" }),
  interval: interval.optional(),
  currency: currency.optional(),
};

const patronSchema = z
  .object({
    subscriberId: z.string(),
    status: z.enum(Patrons.patronStatuses),
    tierId: z.string(),
    currentPeriodEnd: z.string().optional(),
    cancelAtPeriodEnd: z.boolean().optional(),
    graceUntil: z.string().optional(),
    compedUntil: z.string().optional(),
    compTierId: z.string().optional(),
    subscriptionStatus: z.string().optional(),
    stripeCustomerId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Patron");

const customerId = z.string().regex(/^cus_\w{1,64}$/).openapi({ description: "One of the patron's Stripe customers (default: the one their membership is managed through)" });
const url = z.object({ url: z.string().openapi({ description: "Where to send the reader's browser" }) });
const unavailable = jsonError("Stripe is not configured here (no STRIPE_SECRET_KEY)");

membershipRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/tiers",
    summary: "The membership tiers",
    responses: { 200: json("Tiers, as configured", z.object({ tiers: z.array(tierSchema) })) },
  }),
  (c) => c.json({ tiers: Patrons.tiers() }, 200),
);

membershipRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/membership/checkout",
    summary: "Start joining: a Stripe Checkout session for a tier",
    description:
      "Choose the tier's price with `price` (a Stripe price id) or `interval` and/or `currency` (one of the tier's " +
      "`prices` in GET /api/tiers); without them, its first current price. A retired price, another tier's or one " +
      "the tier doesn't have is 400 naming the field. " +
      "Signed in: `{tier}`; the patron's Stripe customer is reused, and a running membership gets 409 " +
      "`already_patron` (change tier from the billing portal). Not signed in: `{tier, email}`; an address that " +
      "already holds a paid membership gets no second checkout: that person is emailed a sign-in link, and the URL " +
      "answered is `/join/sent` (\"check your email\").",
    middleware: [stripeRequired<MaybeSignedIn>(), optionalSession] as const,
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ tier: z.string().max(64), ...priceChoice, email: Subscribers.Input.email.optional(), source: source.optional() }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json("The Checkout URL", url),
      400: jsonError("Unknown tier, a price that is not one of its current ones, or no email without a session"),
      403: jsonError("A cookie-authenticated request from another origin"),
      409: jsonError("Already a patron: use the billing portal"),
      429: jsonError("Too many checkouts started from this network; Retry-After says when to try again"),
      503: unavailable,
    },
  }),
  async (c) => {
    const { tier, email, source, ...choice } = c.req.valid("json");
    const subscriber = c.var.subscriber;
    const visitor = { ip: clientIp(c) };
    if (subscriber) return c.json(await Patrons.checkout({ tierId: tier, choice, subscriber, source }, visitor), 200);
    if (!email) {
      throw new VisibleError("invalid", "invalid_request", "Sign in, or give the email address to join with.", {
        fields: { email: "required without a session" },
      });
    }
    return c.json(await Patrons.checkout({ tierId: tier, choice, email, source }, visitor), 200);
  },
);

membershipRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/membership/portal",
    summary: "Manage a membership: a Stripe Billing Portal session (change tier, card, invoices, cancel)",
    middleware: [stripeRequired<SignedIn>(), requireSession] as const,
    request: {
      body: { content: { "application/json": { schema: z.object({ customer: customerId.optional() }) } }, required: false },
    },
    responses: {
      200: json("The Billing Portal URL", url),
      401: jsonError("Not signed in"),
      403: jsonError("A cookie-authenticated request from another origin"),
      404: jsonError("Not a paying patron"),
      503: unavailable,
    },
  }),
  async (c) => c.json(await Patrons.portal(c.var.subscriber, c.req.valid("json")?.customer), 200),
);

/** A date means to the end of that day (UTC); a time is taken as it is. */
const until = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => (value.length === 10 ? `${value}T23:59:59.999Z` : new Date(value).toISOString()))
  .openapi({ description: "When the comp ends: a date (to the end of that day, UTC) or an ISO time", example: "2027-06-30" });

membershipRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/patrons/comp",
    summary: "Grant a membership of a tier until a date (comped)",
    ...editorSecurity("admin"),
    request: {
      body: {
        content: {
          "application/json": { schema: z.object({ email: Subscribers.Input.email, tier: z.string().max(64), until }) },
        },
        required: true,
      },
    },
    responses: { 200: json("The patron", z.object({ patron: patronSchema })), ...editorErrors },
  }),
  async (c) => {
    const { email, tier, until } = c.req.valid("json");
    const patron = await Patrons.comp({ email, tierId: tier, until, by: c.var.editor });
    return c.json({ patron: patronSchema.parse(patron) }, 200);
  },
);

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
/**
 * The promotion code a win-back link carries to `/join` and its form: applied at Checkout when it is
 * WINBACK_PROMOTION_CODE, ignored otherwise (a mangled link still joins, without it).
 */
const promoField = z.string().max(100).optional().openapi({ description: "A promotion code from the win-back email (applied when it is the one offered)" });
const tierId = z.string().max(64);
/** The join page's one choice, a tier's price: `tier/interval/currency` (see `planValue`). */
const plan = z
  .string()
  .regex(/^[a-z0-9-]{1,64}\/(month|year)\/[a-z]{3}$/, "a tier/interval/currency choice from the join page")
  .transform((value) => {
    const [tier, interval, currency] = value.split("/") as [string, "month" | "year", string];
    return { tier, interval, currency };
  });

membershipRoutes.openapi(
  createRoute({
    method: "get",
    path: "/join",
    summary: "Become a patron: choose a tier",
    middleware: [optionalSession] as const,
    request: { query: z.object({ tier: tierId.optional(), src: srcQuery, promo: promoField }) },
    responses: { 200: htmlPage("The tiers, and the form that continues to Stripe Checkout"), 503: htmlPage("Stripe not configured") },
  }),
  (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const { tier, src, promo } = c.req.valid("query");
    const promotionCode = Patrons.isWinBackCode(promo) ? promo : undefined;
    const page = <JoinPage tiers={Config.get().TIERS} selected={tier} email={c.var.subscriber?.email} source={sourceOr(src, "/join")} promotionCode={promotionCode} />;
    return c.html(page, 200);
  },
);

membershipRoutes.openapi(
  createRoute({
    method: "post",
    path: "/join",
    summary: "Continue to Stripe Checkout for a tier's price",
    description:
      "The page's choice is `plan` (`tier/interval/currency`); a link or another form may give `tier`, with " +
      "`interval` and/or `currency` or neither (the tier's first current price).",
    middleware: [optionalSession] as const,
    request: {
      body: form(z.object({ plan: plan.optional(), tier: tierId.optional(), ...priceChoice, email: Subscribers.Input.email.optional(), source: lenientSource, promo: promoField })),
    },
    responses: {
      303: redirect("To Stripe Checkout"),
      400: htmlPage("Unknown tier, a price it doesn't offer, or no email"),
      409: htmlPage("Already a patron"),
      429: htmlPage("Too many checkouts started from this network"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const { plan, tier, email, source = pageSource("/join"), promo: promotionCode, ...given } = c.req.valid("form");
    const tierId = plan?.tier ?? tier;
    if (!tierId || (plan && (tier !== undefined || given.price !== undefined || given.interval !== undefined || given.currency !== undefined))) {
      throw new VisibleError("invalid", "invalid_request", "Choose one tier and price.", { fields: { plan: "one choice, from the join page" } });
    }
    const choice = plan ? { interval: plan.interval, currency: plan.currency } : given;
    const subscriber = c.var.subscriber;
    if (!subscriber && !email) throw new VisibleError("invalid", "invalid_request", "Give the email address to join with.");
    const input = subscriber ? { tierId, choice, subscriber, source, promotionCode } : { tierId, choice, email: email!, source, promotionCode };
    const { url } = await Patrons.checkout(input, { ip: clientIp(c) });
    return c.redirect(url, 303);
  },
);

membershipRoutes.openapi(
  createRoute({
    method: "get",
    path: "/join/sent",
    summary: "Joining with an address that already holds a membership: a sign-in link was emailed instead",
    responses: { 200: htmlPage("Check your email") },
  }),
  (c) => c.html(<JoinSentPage />, 200),
);

membershipRoutes.openapi(
  createRoute({
    method: "post",
    path: "/account/billing",
    summary: "Manage billing: to Stripe's Billing Portal",
    middleware: [requireSession] as const,
    request: { body: form(z.object({ customer: customerId.optional() })) },
    responses: {
      303: redirect("To Stripe's Billing Portal (or to sign in)"),
      404: htmlPage("No paid membership, or not a billing account of theirs"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    const { url } = await Patrons.portal(c.var.subscriber, c.req.valid("form").customer);
    return c.redirect(url, 303);
  },
);
