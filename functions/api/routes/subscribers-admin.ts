/**
 * Editors' list tools: subscribers by status or topic, one subscriber with their membership, import and export
 * as CSV, and the numbers (`GET /api/stats`).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { VisibleError } from "../../../core/errors";
import * as Subscribers from "../../../core/subscribers";
import { LINK_SECONDS, exportToFile } from "../../../core/subscribers/export-file";
import { importSubscribers } from "../../../core/subscribers/import";
import { EXPORT_COLUMNS, IMPORT_COLUMNS, MAX_LINES, TOPIC_SEPARATOR } from "../../../core/subscribers/import-csv";
import { byEmail, list } from "../../../core/subscribers/list";
import { stats } from "../../../core/subscribers/stats";
import { statuses } from "../../../core/subscribers/types";
import { TOPIC_ID } from "../../../core/topics";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json, jsonError } from "../openapi";

export const subscriberAdminRoutes = new OpenAPIHono<EditorEnv>();

/** The import's path, and its own body limit: 25,000 lines of CSV fit, and stay well under Lambda's 6 MB payload. */
export const IMPORT_PATH = "/api/subscribers/import";
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

const consentSchema = z.object({ requestedAt: z.string(), confirmedAt: z.string().optional(), source: z.string() }).passthrough();
const subscriberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().optional(),
    status: z.enum(statuses),
    topics: z.array(z.string()).openapi({ description: "Topic ids followed; none means every topic" }),
    frequency: z.enum(["daily", "weekly"]),
    language: z.string().optional().openapi({ description: "The language of their emails and pages (LANGUAGES); absent: the default" }),
    pausedUntil: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    confirmedAt: z.string().optional(),
    unsubscribedAt: z.string().optional(),
    suppressedAt: z.string().optional(),
    suppressedReason: z.string().optional(),
    consent: consentSchema.optional(),
  })
  .openapi("Subscriber");
const lineProblem = z.object({ line: z.number().int(), message: z.string() });

subscriberAdminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/subscribers",
    summary: "List subscribers, by status or topic",
    description:
      "`status` alone: subscribers of that status (every status without it). `topic`: subscribers who chose that " +
      "topic (of `status`, when given); those who follow no topic get every topic and are not listed under each.",
    ...editorSecurity("admin"),
    request: {
      query: z.object({
        status: z.enum(statuses).optional(),
        topic: z.string().regex(TOPIC_ID, "must be a topic id").optional(),
        cursor: z.string().max(2000).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      }),
    },
    responses: {
      200: json("A page of subscribers", z.object({ subscribers: z.array(subscriberSchema), cursor: z.string().nullable() })),
      ...editorErrors,
    },
  }),
  async (c) => c.json(await list(c.req.valid("query")), 200),
);

const exportFile = z
  .object({
    url: z.url().openapi({ description: "The download URL (also in `Location`); anyone who has it can download the file" }),
    expiresAt: z.string().openapi({ description: "When the URL stops working (ISO time)" }),
    rows: z.number().int().openapi({ description: "Subscribers in the file" }),
  })
  .openapi("ExportFile");

subscriberAdminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/subscribers/export",
    summary: "Export subscribers as CSV (a download link)",
    description:
      `Writes the list (of \`status\`, or everyone) to a CSV file and answers \`303 See Other\` to a download URL ` +
      `that works for ${LINK_SECONDS / 60} minutes: \`curl -L\` and browsers get the file, API clients may read the ` +
      "JSON instead. Deployed, the file is deleted after a day. " +
      `Columns: ${EXPORT_COLUMNS.join(", ")}; topics separated by \`${TOPIC_SEPARATOR}\`; \`language\` is the language of ` +
      "their emails (empty: the default language). The file imports back as it is " +
      "(only `active` lines are imported). A cell starting with =, +, - or @ is written with a leading ' so that " +
      "spreadsheets show it as text; an import takes it off.",
    ...editorSecurity("admin"),
    request: { query: z.object({ status: z.enum(statuses).optional() }) },
    responses: {
      303: {
        ...json("The file is written; `Location` downloads it (text/csv)", exportFile),
        headers: z.object({ Location: z.url().openapi({ description: "The download URL, the same as `url`" }) }),
      },
      ...editorErrors,
      503: jsonError("No exports bucket is configured here"),
    },
  }),
  async (c) => {
    const file = await exportToFile(c.req.valid("query").status, c.var.editor);
    return c.json(file, 303, { Location: file.url });
  },
);

subscriberAdminRoutes.openapi(
  createRoute({
    method: "post",
    path: IMPORT_PATH,
    summary: "Import subscribers from CSV",
    description:
      `A \`text/csv\` body (UTF-8, at most ${MAX_LINES} lines and ${MAX_IMPORT_BYTES / 1024 / 1024} MB) whose header names ` +
      `its columns, in any order: ${IMPORT_COLUMNS.join(", ")} (\`email\` and \`consented_at\` required; the export's ` +
      `other columns are accepted too). \`topics\`: topic ids separated by \`${TOPIC_SEPARATOR}\`; \`frequency\`: daily ` +
      "or weekly (default weekly); `language`: the language of their emails, one of LANGUAGES (`en`, `uk`; empty: " +
      "the default language, or what is stored); `consented_at`: when the person agreed, a date or ISO time. A " +
      "language we do not write in is a bad line. Each good line makes an " +
      "active subscriber with that consent (source `import`), without any email. Existing subscribers are updated " +
      "(empty cells keep what is stored), never duplicated; unsubscribed, bounced and complained ones are skipped with " +
      "the reason, as are repeated addresses and `status` other than active. Bad lines are reported by line number; " +
      "the rest are imported. Importing the same file again changes nothing.",
    ...editorSecurity("admin"),
    request: { body: { content: { "text/csv": { schema: z.string() } }, required: true } },
    responses: {
      200: json(
        "What each line did",
        z.object({
          imported: z.number().int(),
          created: z.number().int(),
          updated: z.number().int(),
          unchanged: z.number().int(),
          skipped: z.number().int(),
          skips: z.array(lineProblem),
          errors: z.array(lineProblem),
        }),
      ),
      ...editorErrors,
      413: jsonError("Larger than the limits above"),
      415: jsonError("Not text/csv"),
    },
  }),
  async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^text\/csv\s*(;|$)/i.test(type) || /charset=(?!"?utf-8"?\s*(;|$))/i.test(type)) {
      throw new VisibleError("unsupported", "unsupported_media_type", "Send the file as text/csv (UTF-8).");
    }
    return c.json(await importSubscribers(await c.req.text(), c.var.editor), 200);
  },
);

subscriberAdminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/subscribers/{email}",
    summary: "One subscriber, with their membership",
    ...editorSecurity("admin"),
    request: { params: z.object({ email: Subscribers.Input.email }) },
    responses: {
      200: json("The subscriber", z.object({ subscriber: subscriberSchema.extend({ patron: z.object({}).passthrough().nullable() }) })),
      ...editorErrors,
    },
  }),
  async (c) => c.json({ subscriber: await byEmail(c.req.valid("param").email) }, 200),
);

const countsBy = <T extends readonly [string, ...string[]]>(names: T) => z.object(Object.fromEntries(names.map((n) => [n, z.number().int()])));

subscriberAdminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/stats",
    summary: "Subscribers by status, patrons by status and tier, monthly recurring revenue, this month's contributions",
    description:
      "Subscribers and patrons are counted on read (no counters to keep in step); contributions come from a counter " +
      "per month and currency kept with each record and refund. Revenue: active and grace patrons paying through Stripe, at " +
      "their tier's price (a yearly one as a twelfth), by currency in minor units; comped patrons pay nothing.",
    ...editorSecurity("read"),
    responses: {
      200: json(
        "The numbers",
        z.object({
          subscribers: z.object({ byStatus: countsBy(statuses), total: z.number().int() }),
          patrons: z.object({
            byStatus: z.record(z.string(), z.number().int()),
            byTier: z.record(z.string(), z.record(z.string(), z.number().int())),
            total: z.number().int(),
          }),
          monthlyRecurringRevenue: z.record(z.string(), z.number().int()).openapi({ example: { eur: 1250 } }),
          pausedMonthlyRevenue: z.record(z.string(), z.number().int()).openapi({ description: "Paused patrons' (not in the MRR)" }),
          contributions: z
            .object({
              thisMonth: z.record(z.string(), z.object({ amount: z.number().int(), count: z.number().int(), refunded: z.number().int() })),
            })
            .openapi({
              description:
                "One-time revenue, apart from memberships: this month's (UTC) contributions by currency, in minor units " +
                "(fees covered included), how many, and how much of them has been refunded since",
              example: { thisMonth: { eur: { amount: 4000, count: 3, refunded: 500 } } },
            }),
        }),
      ),
      ...editorErrors,
    },
  }),
  async (c) => c.json(await stats(), 200),
);
