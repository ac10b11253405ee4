/** The editors' figures over time (`GET /api/stats/history`): the daily snapshots, never a count of the table. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_DAYS, MAX_DAYS, history, isDate } from "../../../core/stats";
import { patronStatuses } from "../../../core/patrons/types";
import { statuses } from "../../../core/subscribers/types";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const statsRoutes = new OpenAPIHono<EditorEnv>();

const count = z.number().int();
const countsBy = <T extends readonly [string, ...string[]]>(names: T) => z.object(Object.fromEntries(names.map((n) => [n, count])));
const date = (description: string) =>
  z.string().max(10, "must be a date, yyyy-mm-dd").refine(isDate, "must be a date, yyyy-mm-dd").optional().openapi({ description, example: "2026-09-01", format: "date" });
const movement = (description: string) => z.object({ subscribers: count, patrons: count }).openapi({ description });

const day = z
  .object({
    date: z.string().openapi({ description: "The UTC day, yyyy-mm-dd", example: "2026-11-30" }),
    takenAt: z.string().openapi({ description: "When the figures were taken (ISO time): shortly after the day ended" }),
    subscribers: z.object({ byStatus: countsBy(statuses), total: count }),
    patrons: z.object({ byStatus: countsBy(patronStatuses), byTier: z.record(z.string(), countsBy(patronStatuses)), total: count }),
    mrr: z.record(z.string(), count).openapi({
      description: "Monthly recurring revenue by currency, in minor units, as `GET /api/stats` counts it",
      example: { eur: 1250 },
    }),
    contributions: z
      .object({
        month: z.string().openapi({ example: "2026-11" }),
        byCurrency: z.record(z.string(), z.object({ amount: count, count, refunded: count })),
      })
      .openapi({
        description:
          "One-time contributions of the day's month so far (month to date at the day's end) by currency, in minor units; " +
          "a day's own is the difference from the day before in the same month",
      }),
    joined: movement("Subscribers who became active that day (confirmed, resubscribed, imported, gifted); patrons who started paying"),
    churned: movement("Subscribers who stopped being active that day (unsubscribed, bounced, complained); patrons who stopped paying"),
    provisional: z.boolean().optional().openapi({ description: "Taken before the day ended (the local demo's today)" }),
    demo: z.boolean().optional().openapi({ description: "Made up by the local demo's seed" }),
  })
  .openapi("StatsDay");

statsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/stats/history",
    summary: "The editors' figures day by day, from the daily snapshots",
    description:
      "One item per UTC day from `from` to `to` (both included, oldest first), as the daily schedule wrote it shortly " +
      "after the day ended: subscribers, patrons, monthly recurring revenue, the month's contributions so far, and who " +
      `joined and left that day. Days without a snapshot are left out. \`to\` defaults to today, \`from\` to ${DEFAULT_DAYS} ` +
      `days up to \`to\`; at most ${MAX_DAYS} days a request. Reads the snapshots only: it never counts the table.`,
    ...editorSecurity("read"),
    request: { query: z.object({ from: date("First day, yyyy-mm-dd (UTC)"), to: date("Last day, yyyy-mm-dd (UTC)") }) },
    responses: { 200: json("The days", z.object({ days: z.array(day) })), ...editorErrors },
  }),
  async (c) => c.json({ days: (await history(c.req.valid("query"))).days }, 200),
);
