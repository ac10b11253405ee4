/**
 * The dashboard (`/editor`) in tests: a signed-in editor's cookie, and requests made with it from our own origin,
 * as a browser on our pages would make them (forms POST with `Origin`).
 */
import * as Editors from "../../core/editors";
import { request } from "./http";
import { TEST_EDITORS } from "./local";

export type DashboardRole = keyof typeof TEST_EDITORS;

/** A live session of the test editor of `role` (`chief@…` the admin, `writer@…` an editor): the cookie's value. */
export async function dashboardCookie(role: DashboardRole = "admin"): Promise<string> {
  return (await Editors.Sessions.startSession(Editors.editorKey(TEST_EDITORS[role]))).cookie;
}

/** The cookie as a browser context takes it (`context.addCookies`), for `base` (the served app's URL). */
export const browserCookie = (value: string, base: string) => ({ name: "tidings_editor", value, url: base, httpOnly: true, sameSite: "Strict" as const });

const origin = () => new URL(process.env.PUBLIC_URL!).origin;

/** A GET of a dashboard page with `cookie`. */
export const dashboardGet = (cookie: string, path: string) => request(path, { headers: { cookie: `tidings_editor=${cookie}` } });

/** A form POST to a dashboard route with `cookie`, from our own origin. */
export function dashboardPost(cookie: string, path: string, fields: Record<string, string | string[]> = {}) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(key, one);
  return request(path, {
    method: "POST",
    headers: { cookie: `tidings_editor=${cookie}`, origin: origin(), "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}
