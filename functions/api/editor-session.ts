/**
 * The dashboard's sessions over HTTP: the editor's cookie (apart from readers', `SameSite=Strict`, `__Host-` over
 * https) and the middleware of every `/editor` page.
 *
 * - `requireEditor` sets `c.var.editorAccount` (address and role) or sends the browser to `/editor/login`; it
 *   refuses (403) any POST whose `Origin` (or else `Referer`) is not our own, signed in or not, and writes every
 *   POST it let through and that succeeded to the audit log once answered.
 * - `requireAdmin` is the same for pages only admins may use (import, export, erase, comps, the audit log): an
 *   editor gets 403.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import * as Editors from "../../core/editors";
import { VisibleError } from "../../core/errors";
import * as SignIn from "../../core/signin";
import { cookieOptions as sessionCookieOptions, fromOwnOrigin } from "./session";

/**
 * What `requireEditor` puts on the context. A handler whose action is on something its path does not name (a
 * subscriber found by a form's address) says so in `auditTarget` (people as `Editors.targetHash`, never addresses).
 */
export type EditorSignedIn = { Variables: { editorAccount: Editors.EditorAccount; auditTarget?: string } };

export const EDITOR_LOGIN_PAGE = "/editor/login";

/** The cookie's name: `__Host-` prefixed where PUBLIC_URL is https (see `SignIn.cookieName`). */
export const editorCookieName = () => (SignIn.securedOrigin() ? "__Host-tidings_editor" : "tidings_editor");

/** The readers' cookies' attributes (`session.ts`), but `SameSite=Strict`: nothing links into the dashboard signed in. */
const cookieOptions = () => ({ ...sessionCookieOptions(), sameSite: "Strict" as const });

export const editorCookie = (c: Context) => getCookie(c, editorCookieName());

export function setEditorCookie(c: Context, value: string) {
  setCookie(c, editorCookieName(), value, { ...cookieOptions(), maxAge: Editors.Sessions.SESSION_SECONDS });
}

export function clearEditorCookie(c: Context) {
  deleteCookie(c, editorCookieName(), cookieOptions());
}

/** Refuses a POST (or any unsafe method) that did not come from our own pages: the dashboard's CSRF defence. */
export function assertOwnOrigin(c: Context) {
  if (c.req.method === "GET" || c.req.method === "HEAD") return;
  if (fromOwnOrigin(c) !== true) {
    throw new VisibleError("forbidden", "forbidden", "This request did not come from our own pages, so it was refused.");
  }
}

function guard(role: Editors.EditorRole) {
  return createMiddleware<EditorSignedIn>(async (c, next) => {
    assertOwnOrigin(c);
    const signedIn = await Editors.Sessions.resume(editorCookie(c));
    if (!signedIn) return c.redirect(EDITOR_LOGIN_PAGE, 303);
    if (role === "admin" && signedIn.account.role !== "admin") {
      throw new VisibleError("forbidden", "forbidden", "Only an admin may do this.");
    }
    c.set("editorAccount", signedIn.account);
    c.header("Cache-Control", "no-store");
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.res.status < 400) {
      const target = c.get("auditTarget") ?? Editors.Audit.targetOf(c.req.param() as Record<string, string>);
      await Editors.Audit.record({
        who: signedIn.account.email,
        via: "dashboard",
        action: `${c.req.method} ${c.req.routePath}`,
        ...(target && { target }),
        status: c.res.status,
      });
    }
  });
}

export const requireEditor = guard("editor");
export const requireAdmin = guard("admin");
