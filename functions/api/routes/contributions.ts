/**
 * Contributions for editors: `GET /api/contributions`, a page at a time, oldest first, from `since`, all of them or
 * those towards one topic. What a contribution is and how it is given is in `support.tsx`.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Contributions from "../../../core/contributions";
import { TOPIC_ID } from "../../../core/topics";
import { editorSecurity, type EditorEnv } from "../editor-auth";
import { editorErrors, json } from "../openapi";

export const contributionRoutes = new OpenAPIHono<EditorEnv>();

const listedSchema = z
  .object({
    id: z.string().openapi({ description: "The Checkout session's id" }),
    amount: z.number().openapi({ description: "Paid, fee covered included, in the currency's minor unit" }),
    currency: z.string(),
    topic: z.string().optional().openapi({ description: "The topic it went towards" }),
    status: z.enum(Contributions.contributionStatuses).openapi({ description: "A dispute not won is `disputed`; else by refunds" }),
    createdAt: z.string(),
  })
  .openapi("ListedContribution");

contributionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/contributions",
    summary: "List contributions, oldest first, from a time (editors)",
    description:
      "From `since` (default: the start of the month eleven months ago), all contributions month by month or, with " +
      "`topic`, those towards that topic; read through indexes, never a scan. No address or subscriber is listed. Pass " +
      "`cursor` from the answer for the next page; null when there is none.",
    ...editorSecurity("read"),
    request: {
      query: z.object({
        since: z.iso.datetime({ offset: true }).optional(),
        topic: z.string().regex(TOPIC_ID).optional(),
        cursor: z.string().max(2000).optional(),
        limit: z.coerce.number().int().min(1).max(100).optional(),
      }),
    },
    responses: {
      200: json("A page of contributions", z.object({ contributions: z.array(listedSchema), cursor: z.string().nullable() })),
      ...editorErrors,
    },
  }),
  async (c) => {
    const { since, ...rest } = c.req.valid("query");
    return c.json(await Contributions.list({ ...rest, ...(since && { since: new Date(since).toISOString() }) }), 200);
  },
);
