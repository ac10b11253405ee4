/**
 * Signing in: asking for a link, the link's page and its button, signing out. The link's GET only shows a page
 * whose button POSTs (link scanners open links); the POST starts the session.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as SignIn from "../../../core/signin";
import * as Subscribers from "../../../core/subscribers";
import { VisibleError } from "../../../core/errors";
import { clientIp } from "../client-ip";
import { speakTo } from "../language";
import { form, htmlPage, jsonError, tokenQuery } from "../openapi";
import { LinkSentPage, SignInPage, SignInRequestPage } from "../views/signin";
import { checkOrigin, clearSessionCookie, deviceCookie, deviceOf, fromOwnOrigin, requireSession, sessionCookie, setSessionCookie } from "../session";

export const signinRoutes = new OpenAPIHono();

const loginBody = z.object({ email: Subscribers.Input.email });
const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });

signinRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/login",
    summary: "Ask for a sign-in link",
    description:
      "Emails a sign-in link to the address if it belongs to a subscriber (at most one a minute and five an hour). " +
      "Answers the same 202 whatever the address, so it reveals nothing about who is subscribed. A browser's form " +
      "post (Accept: text/html) gets a page saying so.",
    request: {
      body: {
        content: {
          "application/json": { schema: loginBody },
          "application/x-www-form-urlencoded": { schema: loginBody },
        },
        required: false,
      },
    },
    responses: {
      202: {
        description: "Accepted",
        content: {
          "application/json": { schema: z.object({ status: z.literal("sent") }) },
          "text/html": { schema: z.string() },
        },
      },
      400: jsonError("Invalid address"),
      413: jsonError("Body too large"),
      415: jsonError("Neither JSON nor a form"),
      429: jsonError("Too many sign-in requests from this network"),
    },
  }),
  async (c) => {
    const isJson = /json/i.test(c.req.header("content-type") ?? "");
    // Both body shapes are declared optional so either may come; validate whichever did (or the missing one).
    const { email } = loginBody.parse(isJson ? c.req.valid("json") : c.req.valid("form"));
    await SignIn.requestLink(email, { ip: clientIp(c) });
    if (!isJson && /text\/html/.test(c.req.header("accept") ?? "")) return c.html(<LinkSentPage />, 202);
    return c.json({ status: "sent" as const }, 202);
  },
);

signinRoutes.openapi(
  createRoute({
    method: "get",
    path: "/login",
    summary: "Sign-in page: with a link's token, a button that POSTs; without, a form asking for a link",
    request: { query: tokenQuery.partial() },
    responses: { 200: htmlPage("Sign-in button, or the form asking for a link"), 400: htmlPage("Invalid, expired or used link") },
  }),
  async (c) => {
    const { token } = c.req.valid("query");
    if (token === undefined) return c.html(<SignInRequestPage />, 200);
    const subscriber = await SignIn.checkLink(token, deviceCookie(c));
    speakTo(subscriber.language);
    return c.html(<SignInPage token={token} />, 200);
  },
);

signinRoutes.openapi(
  createRoute({
    method: "post",
    path: "/login",
    summary: "Sign in with a link's token",
    description:
      "Starts a session: sets the session cookie (`__Host-tidings_session` where PUBLIC_URL is https, else " +
      "`tidings_session`; HttpOnly, SameSite=Lax, Secure outside local) and redirects to /account. A link works once, " +
      "and again within 10 minutes of its first use from the same device (the device cookie, set here if absent).",
    request: { body: form(z.object({ token: z.string().max(400) })) },
    responses: {
      303: redirect("Signed in; to /account"),
      400: htmlPage("Invalid, expired or already used link"),
      403: htmlPage("Posted from another site, or naming no origin"),
    },
  }),
  async (c) => {
    // Login CSRF: another site must not sign a visitor in (as the attacker). Our own page always sends Origin
    // (browsers send it with every POST), so a request naming neither Origin nor Referer is refused too.
    if (fromOwnOrigin(c) !== true) {
      throw new VisibleError("forbidden", "forbidden", "This request did not come from our own pages, so it was refused.");
    }
    const { cookie } = await SignIn.redeem(c.req.valid("form").token, deviceOf(c));
    await SignIn.Sessions.end(sessionCookie(c)); // a session this device had before is over
    setSessionCookie(c, cookie);
    c.header("Cache-Control", "no-store");
    return c.redirect("/account", 303);
  },
);

signinRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout",
    summary: "Sign out",
    description: "Ends the session (its stored record is deleted, so the cookie no longer works anywhere) and clears the cookie.",
    middleware: [checkOrigin] as const,
    responses: { 303: redirect("Signed out; to /"), 403: htmlPage("Posted from another site") },
  }),
  async (c) => {
    await SignIn.Sessions.end(sessionCookie(c));
    clearSessionCookie(c);
    return c.redirect("/", 303);
  },
);

signinRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout/everywhere",
    summary: "Sign out everywhere",
    description:
      "Ends every session of the signed-in reader, on every device (their stored records are deleted), and clears " +
      "this device's cookie. From the account page's form; Origin-checked like every cookie-authenticated POST.",
    middleware: [requireSession] as const,
    responses: {
      303: redirect("Signed out everywhere; to /, or to /login without a session"),
      403: htmlPage("Posted from another site"),
    },
  }),
  async (c) => {
    await SignIn.Sessions.endAll(c.var.subscriber.id);
    clearSessionCookie(c);
    return c.redirect("/", 303);
  },
);
