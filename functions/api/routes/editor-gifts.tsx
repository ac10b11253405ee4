/**
 * The dashboard's gifts and comps (`/editor/gifts`): gifts by status, as `GET /api/gifts` lists them, and the form
 * that grants a comp, which only admins may POST (`requireAdmin`), making the same core call as
 * `POST /api/patrons/comp` and answering 303 back to the page. Admins also see the comped patrons. The audit log
 * names the subscriber as a keyed hash, never the address; the comp names its editor by key (`dashboard:<key>`).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../../core/config";
import * as Editors from "../../../core/editors";
import * as Gifts from "../../../core/gifts";
import * as Patrons from "../../../core/patrons";
import * as Subscribers from "../../../core/subscribers";
import { requireAdmin, requireEditor, type EditorSignedIn } from "../editor-session";
import { form, htmlPage } from "../openapi";

export const editorGiftRoutes = new OpenAPIHono<EditorSignedIn>();

/** What the dashboard records as the editor who granted a comp (`compedBy`), as the subscribers' pages do: never an address. */
const byEditor = (email: string) => `dashboard:${Editors.editorKey(email)}`;

const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
const pageErrors = { 303: redirect("Not signed in: to /editor/login"), 403: htmlPage("Posted from another site, or an editor on an admin's form") };

editorGiftRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/gifts",
    summary: "Dashboard: gifts of one status (default paid) and comps",
    middleware: [requireEditor] as const,
    request: {
      query: z.object({
        status: z.enum(Gifts.giftStatuses).optional(),
        cursor: z.string().max(2000).optional(),
        comps: z.string().max(2000).optional(),
        done: z.literal("comped").optional(),
      }),
    },
    responses: { 200: htmlPage("Gifts and comps"), 400: htmlPage("A bad status or cursor"), ...pageErrors },
  }),
  async (c) => {
    const { status = "paid", cursor, comps, done } = c.req.valid("query");
    const account = c.var.editorAccount;
    // The page loads on demand (as the charts do): a cold start that serves no dashboard page does not pay for it.
    const [{ GiftsPage }, page, compPage] = await Promise.all([
      import("../views/editor-gifts"),
      Gifts.list(status, cursor),
      account.role === "admin" ? Patrons.comped(comps) : undefined,
    ]);
    const tiers = Config.get().TIERS.map(({ id, name }) => ({ id, name }));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    // Comps granted here name their editor by key: shown as the address of whoever in EDITORS has that key.
    const editors = Object.fromEntries(Config.get().EDITORS.map(({ email }) => [byEditor(email), email]));
    return c.html(
      <GiftsPage
        account={account}
        status={status}
        gifts={page.gifts}
        cursor={page.cursor}
        tiers={tiers}
        tomorrow={tomorrow}
        comps={compPage && { ...compPage, editors }}
        done={done}
      />,
      200,
    );
  },
);

editorGiftRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/gifts/comp",
    summary: "Dashboard: grant a comp (admins): a tier until the end of a day, for a subscriber; replaces their comp",
    middleware: [requireAdmin] as const,
    request: { body: form(z.object({ email: Subscribers.Input.email, tier: z.string().max(64), until: z.iso.date("a date (YYYY-MM-DD)") })) },
    responses: {
      303: redirect("Granted: back to the page; or not signed in: to /editor/login"),
      400: htmlPage("A bad address, tier or date, or a date not in the future"),
      403: pageErrors[403],
      404: htmlPage("No subscriber has this address"),
    },
  }),
  async (c) => {
    const { email, tier, until } = c.req.valid("form");
    c.set("auditTarget", `person:${Editors.targetHash(email)} tier=${tier} until=${until}`);
    await Patrons.comp({ email, tierId: tier, until: `${until}T23:59:59.999Z`, by: byEditor(c.var.editorAccount.email) });
    return c.redirect("/editor/gifts?done=comped#comp", 303);
  },
);
