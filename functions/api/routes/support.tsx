/**
 * Contributions over HTTP: `POST /api/contributions/checkout` (JSON) and, for browsers without JavaScript, the
 * support page (`GET /support`, `?topic=` preselecting an open topic) whose form posts to `POST /support` → 303 to
 * Stripe Checkout; `GET /support/thanks` is where Checkout returns. Anyone may give, signed in or not. Without
 * STRIPE_SECRET_KEY the checkout routes answer 503 before anything else.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import { createMiddleware } from "hono/factory";
import * as Contributions from "../../../core/contributions";
import * as Gifts from "../../../core/gifts";
import { VisibleError } from "../../../core/errors";
import * as StripeApi from "../../../core/stripe";
import { pageSource, sourceOr } from "../../../core/stats/attribution";
import { lenientSource, source, srcQuery } from "../../../core/stats/attribution-input";
import * as Subscribers from "../../../core/subscribers";
import { TOPIC_ID } from "../../../core/topics";
import { clientIp } from "../client-ip";
import { currentLanguage } from "../language";
import { form, htmlPage, json, jsonError } from "../openapi";
import { optionalSession, type MaybeSignedIn } from "../session";
import { GiftSection } from "../views/gifts";
import { SupportPage, SupportThanksPage } from "../views/support";

export const supportRoutes = new OpenAPIHono<MaybeSignedIn>();

/** 503 for a stage without Stripe keys, before the input is looked at. */
const stripeRequired = <E extends Env>() =>
  createMiddleware<E>(async (_c, next) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    await next();
  });

const topicId = z.string().regex(TOPIC_ID, "must be a topic id");
const visitor = (c: Context) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") });

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/contributions/checkout",
    summary: "Give a one-time contribution: a Stripe Checkout session in payment mode",
    description:
      "`amount` in the currency's minor unit, one of CONTRIBUTION_AMOUNTS or any between CONTRIBUTION_MIN and " +
      "CONTRIBUTION_MAX; `currency`, if given, must be CONTRIBUTION_CURRENCY; `topic`, an open topic it goes " +
      "towards; `coverFee` adds Stripe's fee as its own line, so the newsroom receives the whole amount; " +
      "`subscribe` (with `email`, or signed in) also signs the address up, through double opt-in. Bad input is 400 " +
      "naming the field, before Stripe is called. Counted against the same per-network limit as membership checkouts. " +
      "The request's language (`?lang=`, the language cookie, `Accept-Language`) is kept with the contribution: its " +
      "thank-you speaks it.",
    middleware: [stripeRequired<MaybeSignedIn>(), optionalSession] as const,
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({
              amount: z.number().int().openapi({ description: "In the currency's minor unit", example: 1000 }),
              currency: z.string().regex(/^[a-zA-Z]{3}$/).optional().openapi({ example: "eur" }),
              topic: topicId.optional(),
              email: Subscribers.Input.email.optional(),
              coverFee: z.boolean().optional(),
              subscribe: z.boolean().optional(),
              source: source.optional(),
            }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json("The Checkout URL", z.object({ url: z.string() })),
      400: jsonError("An amount out of bounds, another currency, a topic that is not open, or sign-up without an address"),
      403: jsonError("A cookie-authenticated request from another origin"),
      429: jsonError("Too many checkouts (or sign-ups) from this network; Retry-After says when to try again"),
      503: jsonError("Stripe is not configured here (no STRIPE_SECRET_KEY)"),
    },
  }),
  async (c) => {
    const { topic, ...input } = c.req.valid("json");
    const subscriber = c.var.subscriber;
    const language = currentLanguage();
    return c.json(await Contributions.checkout({ ...input, topicId: topic, language, ...(subscriber && { subscriber }) }, visitor(c)), 200);
  },
);

supportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/support",
    summary: "Support our reporting: a one-time contribution",
    middleware: [optionalSession] as const,
    request: { query: z.object({ topic: z.string().max(64).optional(), src: srcQuery }) },
    responses: { 200: htmlPage("The amounts, open topics and the form that continues to Stripe Checkout"), 503: htmlPage("Stripe not configured") },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const topics = await Contributions.openTopics();
    const { topic, src } = c.req.valid("query");
    const from = sourceOr(src, "/support");
    const gifts = <GiftSection {...Gifts.offer(new Date(), currentLanguage())} email={c.var.subscriber?.email} source={from} />;
    const page = <SupportPage {...Contributions.offer()} topics={topics} selectedTopic={topic} email={c.var.subscriber?.email} gifts={gifts} source={from} />;
    return c.html(page, 200);
  },
);

/**
 * The page's amount: a preset's minor units, or `custom` with `custom` in major units ("12", "12.50", "12,5"; "1250"
 * in yen), read in the configured currency by `Contributions.typedAmount`.
 */
const supportForm = z.object({
  amount: z.union([z.literal("custom"), z.string().regex(/^\d{1,9}$/, "a preset amount")]),
  custom: z
    .string()
    .trim()
    .regex(/^(\d{1,9}([.,]\d{1,3})?)?$/, "an amount such as 12 or 12.50")
    .optional(),
  topic: z.union([z.literal(""), topicId]).optional(),
  email: z.union([z.literal(""), Subscribers.Input.email]).optional(),
  coverFee: z.literal("on").optional(),
  subscribe: z.literal("on").optional(),
  source: lenientSource,
});

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/support",
    summary: "Continue to Stripe Checkout for a contribution",
    middleware: [optionalSession] as const,
    request: { body: form(supportForm) },
    responses: {
      303: { description: "To Stripe Checkout", headers: z.object({ location: z.string() }) },
      400: htmlPage("An amount out of bounds, a topic that is not open, or sign-up without an address"),
      429: htmlPage("Too many checkouts from this network"),
      503: htmlPage("Stripe not configured"),
    },
  }),
  async (c) => {
    if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
    const body = c.req.valid("form");
    if (body.amount === "custom" && !body.custom) {
      throw new VisibleError("invalid", "invalid_request", "Enter the amount you'd like to give.", { fields: { custom: "required for another amount" } });
    }
    const amount = body.amount === "custom" ? Contributions.typedAmount(body.custom!) : Number(body.amount);
    const subscriber = c.var.subscriber;
    const { url } = await Contributions.checkout(
      {
        amount,
        ...(body.topic && { topicId: body.topic }),
        ...(body.email && { email: body.email }),
        coverFee: body.coverFee === "on",
        subscribe: body.subscribe === "on",
        language: currentLanguage(),
        source: body.source ?? pageSource("/support"),
        ...(subscriber && { subscriber }),
      },
      visitor(c),
    );
    return c.redirect(url, 303);
  },
);

supportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/support/thanks",
    summary: "Where Stripe Checkout returns after a contribution",
    responses: { 200: htmlPage("Thank you") },
  }),
  (c) => c.html(<SupportThanksPage />, 200),
);
