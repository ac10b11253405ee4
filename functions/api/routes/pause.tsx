/**
 * A pause instead of a cancel, for the signed-in patron: the account page's forms (303 back to `/account`, which
 * then shows "Paused until …") and the same as JSON. The domain (and Stripe's client) load only when a pause is
 * asked for, so the API's cold start stays small. Cookie POSTs are Origin-checked by `requireSession`.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { SyncResult } from "../../../core/patrons";
import * as StripeApi from "../../../core/stripe";
import { form, htmlPage, json, jsonError } from "../openapi";
import { requireSession } from "../session";

export const pauseRoutes = new OpenAPIHono();

const months = z.number().int().min(1).max(3).openapi({ description: "How long: 1, 2 or 3 months", example: 1 });
/** The form's field: the same, from its text. */
const monthsField = z.coerce.number().int().min(1).max(3).openapi({ description: "1, 2 or 3" });
const paused = z.object({ patron: z.object({ status: z.string(), pausedUntil: z.string().optional() }) });
const refusals = {
  400: jsonError("Months outside 1 to 3"),
  403: jsonError("Another origin, or a membership that can't pause: comped, in grace, lapsed (`not_eligible`)"),
  404: jsonError("No paid membership"),
  409: jsonError("Paused already (`already_paused`), ending at the period's end (`cancelling`), not paused (`not_paused`)"),
  503: jsonError("Stripe not configured"),
};
const pages = {
  303: { description: "Done: to /account (or to sign in)" },
  400: htmlPage("Months outside 1 to 3"),
  403: htmlPage("Another origin, or a membership that can't pause"),
  409: htmlPage("Paused already, ending, or not paused"),
};

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
    summary: "Pause the membership for 1 to 3 months (Stripe's pause_collection); it resumes by itself",
    middleware: [requireSession] as const,
    request: { body: { content: { "application/json": { schema: z.object({ months }) } }, required: true } },
    responses: { 200: json("Paused", paused), ...refusals },
  }),
  async (c) => c.json(answer(await (await domain()).pause(c.var.subscriber.id, c.req.valid("json").months)), 200),
);

pauseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/account/resume",
    summary: "End a pause now",
    middleware: [requireSession] as const,
    responses: { 200: json("Resumed", paused), ...refusals },
  }),
  async (c) => c.json(answer(await (await domain()).resume(c.var.subscriber.id)), 200),
);

pauseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/account/pause",
    summary: "The account page's pause form",
    middleware: [requireSession] as const,
    request: { body: form(z.object({ months: monthsField })) },
    responses: pages,
  }),
  async (c) => {
    await (await domain()).pause(c.var.subscriber.id, c.req.valid("form").months);
    return c.redirect("/account#pause", 303);
  },
);

pauseRoutes.openapi(
  createRoute({ method: "post", path: "/account/resume", summary: "The account page's resume button", middleware: [requireSession] as const, responses: pages }),
  async (c) => {
    await (await domain()).resume(c.var.subscriber.id);
    return c.redirect("/account#pause", 303);
  },
);
