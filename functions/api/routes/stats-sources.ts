/**
 * Conversions by source (`GET /api/stats/sources`): sign-ups, confirmations, new patrons and contributions over a
 * period, by where they came from, read from the per-day counters by source (never a count of the table). The
 * domain is loaded on the first request, so the API's cold start does not carry it.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const statsSourceRoutes = new OpenAPIHono<EditorEnv>();

const count = z.number().int();
/** Shape only here; a real calendar date and the period's bounds are checked by the domain (400 naming the field). */
const date = (description: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, yyyy-mm-dd").optional().openapi({ description, example: "2026-11-01", format: "date" });

const conversions = z
  .object({
    source: z.string().openapi({ description: "`article:<id>`, `digest:<id>`, `page:/<path>` or `email:<name>`", example: "digest:weekly-2026-W48" }),
    signups: count.openapi({ description: "Opt-ins started from it (a confirmation emailed); signing up again while one waits is not counted again" }),
    confirmations: count.openapi({ description: "Opt-ins from it confirmed that day: subscribers who became active" }),
    patrons: count.openapi({ description: "Patrons who started paying for the first time, through a Checkout from it" }),
    contributions: z.record(z.string(), z.object({ amount: count, count, refunded: count })).openapi({
      description: "One-time contributions by currency, on the day each was made: `amount` paid net of refunds, in minor units; how many; `refunded` since",
      example: { eur: { amount: 2500, count: 2, refunded: 0 } },
    }),
  })
  .openapi("SourceConversions");

statsSourceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/stats/sources",
    summary: "Conversions by source (attribution) over a period",
    description:
      "Sign-ups, confirmations, new patrons and contributions from `from` to `to` (UTC days, both included), by the " +
      "source each carried: the `src` of the page a form was on (or the page itself, `page:/join`), or the `source` " +
      "given to the JSON API. Each is counted on its day in the same write that made it, so retried webhooks and " +
      "confirmation links followed twice count once. `to` defaults to today, `from` to 30 days up to `to`; at most " +
      "366 days a request; sorted by sign-ups. Conversions that carried no source are not listed.",
    ...editorSecurity("read"),
    request: { query: z.object({ from: date("First day, yyyy-mm-dd (UTC)"), to: date("Last day, yyyy-mm-dd (UTC)") }) },
    responses: {
      200: json("Conversions by source", z.object({ from: z.string(), to: z.string(), sources: z.array(conversions) })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { sourcesBetween } = await import("../../../core/stats/sources");
    return c.json(await sourcesBetween(c.req.valid("query")), 200);
  },
);
