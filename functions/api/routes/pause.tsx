/**
 * A pause instead of a cancel, for the signed-in patron: the account page's forms (303 back to `/account`, which
 * then shows "Paused until …") and the same as JSON. The domain (and Stripe's client) load only when a pause is
 * asked for, and the routes' descriptions are short: the API's cold start has little room. Cookie POSTs are
 * Origin-checked by `requireSession`.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { SyncResult } from "../../../core/patrons";
import * as StripeApi from "../../../core/stripe";
import { form, htmlPage, json, jsonError } from "../openapi";
import { requireSession } from "../session";

export const pauseRoutes = new OpenAPIHono();

const months = z.number().int().min(1).max(3);
const paused = json("The patron", z.object({ patron: z.object({ status: z.string(), pausedUntil: z.string().optional() }) }));
const why = "400: months not 1-3; 403: another origin, or comped, grace, lapsed (not_eligible); 404: no paid membership; 409: already_paused, cancelling, not_paused";
const refused = { 400: jsonError(why) };
const pages = { 303: { description: "To /account" }, 400: htmlPage(why) };

/** The domain, on demand. */
async function domain() {
  if (!StripeApi.isConfigured()) throw StripeApi.notConfigured();
  return import("../../../core/patrons/pause");
}
const answer = ({ after }: SyncResult) => ({ patron: { status: after?.status ?? "none", pausedUntil: after?.pausedUntil } });

pauseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/account/pause",
    summary: "Pause the membership 1-3 months (Stripe's pause_collection); it resumes by itself",
    middleware: [requireSession] as const,
    request: { body: { content: { "application/json": { schema: z.object({ months }) } }, required: true } },
    responses: { 200: paused, ...refused },
  }),
  async (c) => c.json(answer(await (await domain()).pause(c.var.subscriber.id, c.req.valid("json").months)), 200),
);

pauseRoutes.openapi(createRoute({ method: "post", path: "/api/account/resume", summary: "End a pause now", middleware: [requireSession] as const, responses: { 200: paused, ...refused } }), async (c) =>
  c.json(answer(await (await domain()).resume(c.var.subscriber.id)), 200),
);

pauseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/account/pause",
    summary: "The account page's pause form",
    middleware: [requireSession] as const,
    request: { body: form(z.object({ months: z.coerce.number().pipe(months) })) },
    responses: pages,
  }),
  async (c) => {
    await (await domain()).pause(c.var.subscriber.id, c.req.valid("form").months);
    return c.redirect("/account#pause", 303);
  },
);

pauseRoutes.openapi(createRoute({ method: "post", path: "/account/resume", summary: "The account page's resume button", middleware: [requireSession] as const, responses: pages }), async (c) => {
  await (await domain()).resume(c.var.subscriber.id);
  return c.redirect("/account#pause", 303);
});
