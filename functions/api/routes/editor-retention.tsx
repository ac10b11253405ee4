/**
 * The dashboard's Retention page (`/editor/retention?from=&to=`): over a period, conversions by source (as
 * `GET /api/stats/sources` answers them), cancellations by reason (as `GET /api/stats/cancellations`), and how many
 * patrons are paused now. A GET of a form with two dates: nothing changes here.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { requireEditor, type EditorSignedIn } from "../editor-session";
import { htmlPage } from "../openapi";

export const editorRetentionRoutes = new OpenAPIHono<EditorSignedIn>();

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
/** The period form's dates; a field left empty is no date (the default), a real date's checks are the domain's. */
const date = z
  .string()
  .max(10)
  .optional()
  .transform((value) => value || undefined)
  .openapi({ description: "yyyy-mm-dd (UTC)", format: "date" });

editorRetentionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/retention",
    summary: "Dashboard: conversions by source, cancellations by reason and paused patrons over a period",
    middleware: [requireEditor] as const,
    request: { query: z.object({ from: date, to: date }) },
    responses: {
      200: htmlPage("The period's figures, each in a table"),
      400: htmlPage("A date that is no date, `from` after `to`, or more than 400 days"),
      303: redirect("Not signed in: to /editor/login"),
    },
  }),
  async (c) => {
    // Loaded on demand, as the dashboard's other pages: a cold start that serves no such page does not pay for it.
    const [{ retentionReport }, { RetentionPage }] = await Promise.all([import("../../../core/stats/retention"), import("../views/editor-retention")]);
    const report = await retentionReport(c.req.valid("query"));
    return c.html(<RetentionPage account={c.var.editorAccount} report={report} />, 200);
  },
);
