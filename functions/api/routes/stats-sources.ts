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
    source: z.string().openapi({ example: "digest:weekly-2026-W48" }),
    signups: count,
    confirmations: count,
    patrons: count,
    contributions: z.record(z.string(), z.object({ amount: count, count, refunded: count })).openapi({ example: { eur: { amount: 2500, count: 2, refunded: 0 } } }),
  })
  .openapi("SourceConversions");

statsSourceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/stats/sources",
    summary: "Conversions by source (attribution) over a period",
    description:
      "By the source each carried (a page's `src`, the page itself, or the JSON API's `source`), from `from` to `to` " +
      "(UTC days, both included; default the last 90, at most 400): opt-ins started (`signups`), confirmed, patrons " +
      "who first paid, and contributions by currency (`amount` net of refunds, minor units). Each counted once, in " +
      "the write that made it. Most sign-ups first.",
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
