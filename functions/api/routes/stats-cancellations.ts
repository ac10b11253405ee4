/**
 * Cancellations by reason over a period (`GET /api/stats/cancellations`), from the per-day counters. The summary is
 * imported as is, not with `await import()`: it is a few hundred bytes, less than a chunk of its own would cost the
 * API's cold start (measured: about 1 KB more).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_DAYS, MAX_DAYS, isDate } from "../../../core/stats/history";
import { cancellationSummary } from "../../../core/patrons/cancellations";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const statsCancellationRoutes = new OpenAPIHono<EditorEnv>();

const count = z.number().int();
const date = (description: string) =>
  z.string().max(10, "must be a date, yyyy-mm-dd").refine(isDate, "must be a date, yyyy-mm-dd").optional().openapi({ description, example: "2026-11-01", format: "date" });

const summary = z
  .object({
    from: z.string(),
    to: z.string(),
    total: count,
    withdrawn: count.openapi({ description: "Of those, how many were taken back before they took effect" }),
    byReason: z.record(z.string(), count).openapi({ example: { cancellation_requested: 9, payment_failed: 3 } }),
    byFeedback: z.record(z.string(), count).openapi({ example: { too_expensive: 4, unused: 2, none: 6 } }),
  })
  .openapi("CancellationSummary");

statsCancellationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/stats/cancellations",
    summary: "Cancellations by reason and by the patrons' feedback, over a period",
    description:
      "Cancellations requested from `from` to `to` (UTC days, both included; the first and last day counted are " +
      "answered), counted on the day of the request: by Stripe's `cancellation_details.reason` and by the feedback " +
      "given in the Billing Portal's survey (`none`: none given; zero counts left out), and how many were taken back. " +
      `\`to\` defaults to today, \`from\` to ${DEFAULT_DAYS} days up to it; at most ${MAX_DAYS} days. One counter per day, never the table.`,
    ...editorSecurity("read"),
    request: { query: z.object({ from: date("First day, yyyy-mm-dd (UTC)"), to: date("Last day, yyyy-mm-dd (UTC)") }) },
    responses: { 200: json("The period's cancellations", summary), ...editorErrors },
  }),
  async (c) => c.json(await cancellationSummary(c.req.valid("query")), 200),
);
