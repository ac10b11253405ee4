/**
 * The dashboard's door and its first rooms: signing in by an emailed link (`EDITORS`), signing out, the overview
 * and the audit log. Every page behind it goes through `requireEditor` or `requireAdmin` (editor-session.ts).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Editors from "../../../core/editors";
import * as Subscribers from "../../../core/subscribers";
import { clientIp } from "../client-ip";
import {
  EDITOR_LOGIN_PAGE,
  assertOwnOrigin,
  clearEditorCookie,
  editorCookie,
  requireAdmin,
  requireEditor,
  setEditorCookie,
  type EditorSignedIn,
} from "../editor-session";
import { currentLanguage } from "../language";
import { form, htmlPage, jsonError, tokenQuery } from "../openapi";
import { AuditPage, EditorLinkSentPage, EditorLoginPage, EditorSignInPage } from "../views/editor";
import { OverviewPage } from "../views/editor-overview";
import { overview } from "../../../core/editors/overview";

export const editorRoutes = new OpenAPIHono<EditorSignedIn>();

const loginBody = z.object({ email: Subscribers.Input.email });
const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
const editorPageErrors = { 303: redirect("Not signed in: to /editor/login"), 403: htmlPage("Posted from another site, or an editor on an admin's page") };

editorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/editor/login",
    summary: "Ask for a dashboard sign-in link",
    description:
      "Emails a sign-in link to the address if `EDITORS` lists it (at most one a minute and five an hour). Answers the " +
      "same 202 whatever the address.",
    request: { body: { content: { "application/json": { schema: loginBody } }, required: true } },
    responses: {
      202: { description: "Accepted", content: { "application/json": { schema: z.object({ status: z.literal("sent") }) } } },
      400: jsonError("Invalid address"),
      429: jsonError("Too many sign-in requests from this network"),
    },
  }),
  async (c) => {
    await Editors.requestLink(c.req.valid("json").email, { ip: clientIp(c), language: currentLanguage() });
    return c.json({ status: "sent" as const }, 202);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "get",
    path: EDITOR_LOGIN_PAGE,
    summary: "Dashboard sign-in page: a form asking for a link",
    responses: { 200: htmlPage("The form"), 303: redirect("Already signed in: to /editor") },
  }),
  async (c) => {
    if (await Editors.Sessions.resume(editorCookie(c))) return c.redirect("/editor", 303);
    return c.html(<EditorLoginPage />, 200);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "post",
    path: EDITOR_LOGIN_PAGE,
    summary: "Ask for a dashboard sign-in link (the form)",
    request: { body: form(loginBody) },
    responses: { 202: htmlPage("Check your email (whatever the address)"), 403: htmlPage("Posted from another site"), 429: htmlPage("Too many requests") },
  }),
  async (c) => {
    assertOwnOrigin(c);
    // The link's email speaks the language this page spoke.
    await Editors.requestLink(c.req.valid("form").email, { ip: clientIp(c), language: currentLanguage() });
    return c.html(<EditorLinkSentPage />, 202);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/signin",
    summary: "The page a dashboard sign-in link opens: a button that POSTs",
    request: { query: tokenQuery },
    responses: { 200: htmlPage("Sign-in button"), 400: htmlPage("Invalid, expired or used link") },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    const { account } = Editors.checkLink(token);
    return c.html(<EditorSignInPage token={token} email={account.email} />, 200);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/signin",
    summary: "Sign in to the dashboard with a link's token",
    description:
      "Starts an editor's session (apart from readers' sessions): sets `__Host-tidings_editor` (https) or " +
      "`tidings_editor` (HttpOnly, SameSite=Strict) and redirects to /editor. A link works once. The session ends " +
      "after 30 minutes without a request, after 12 hours in any case, or when the address leaves `EDITORS`.",
    request: { body: form(z.object({ token: z.string().max(400) })) },
    responses: { 303: redirect("Signed in; to /editor"), 400: htmlPage("Invalid, expired or used link"), 403: htmlPage("Posted from another site") },
  }),
  async (c) => {
    assertOwnOrigin(c); // login CSRF: another site must not sign a browser in
    const { account, cookie } = await Editors.redeem(c.req.valid("form").token);
    await Editors.Sessions.end(editorCookie(c)); // a session this browser had before is over
    setEditorCookie(c, cookie);
    await Editors.Audit.record({ who: account.email, via: "dashboard", action: "signed in", status: 303 });
    c.header("Cache-Control", "no-store");
    return c.redirect("/editor", 303);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/editor/logout",
    summary: "Sign out of the dashboard",
    responses: { 303: redirect("Signed out; to /editor/login"), 403: htmlPage("Posted from another site") },
  }),
  async (c) => {
    assertOwnOrigin(c);
    await Editors.Sessions.end(editorCookie(c));
    clearEditorCookie(c);
    return c.redirect(EDITOR_LOGIN_PAGE, 303);
  },
);

editorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor",
    summary: "Dashboard overview",
    middleware: [requireEditor] as const,
    responses: { 200: htmlPage("The overview"), ...editorPageErrors },
  }),
  async (c) => c.html(<OverviewPage account={c.var.editorAccount} {...await overview()} />, 200),
);

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "yyyy-mm");

editorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/editor/audit",
    summary: "The audit log: every editor action, a month at a time (admins)",
    middleware: [requireAdmin] as const,
    request: { query: z.object({ month: month.optional(), before: z.string().max(100).optional() }) },
    responses: { 200: htmlPage("A month of actions, newest first"), ...editorPageErrors },
  }),
  async (c) => {
    const now = new Date();
    const { month: chosen = now.toISOString().slice(0, 7), before } = c.req.valid("query");
    const page = await Editors.Audit.list(chosen, before);
    const months = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
    return c.html(<AuditPage account={c.var.editorAccount} month={chosen} entries={page.entries} next={page.before} months={months} />, 200);
  },
);
