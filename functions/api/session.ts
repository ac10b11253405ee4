/**
 * Sessions over HTTP: the cookies (the session's, and the device's a sign-in link is bound to; their names come
 * from `SignIn.sessionCookie()` and `SignIn.deviceCookie()`), and the middleware every signed-in route uses.
 *
 * - `optionalSession` sets `c.var.subscriber` and `c.var.session` when the request carries a valid session
 *   cookie, and leaves them undefined otherwise.
 * - Either way, a signed-in reader's pages (and their error pages) speak the reader's own language (`speakTo`).
 * - `requireSession` sets them or refuses: 401 `unauthorized` on `/api/…` routes, a 303 to `/login` on pages.
 * - `checkOrigin` refuses (403 `forbidden`) a POST/PUT/PATCH/DELETE that carries the session cookie without an
 *   `Origin` (or else `Referer`) of PUBLIC_URL's origin: the CSRF defence behind SameSite=Lax. Both session
 *   middlewares run it first, so a route can't read the session of a cross-site request by forgetting it.
 *
 * ```ts
 * createRoute({ method: "post", path: "/api/membership/portal", middleware: [requireSession] as const, … })
 * // in the handler: c.var.subscriber (a Subscriber), c.var.session ({ id, subscriberId, createdAt, expiresAt })
 * ```
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import * as Config from "../../core/config";
import { VisibleError } from "../../core/errors";
import * as SignIn from "../../core/signin";
import type { Subscriber } from "../../core/subscribers";
import { speakTo } from "./language";

/** What `requireSession` puts on the context. */
export type SignedIn = { Variables: { subscriber: Subscriber; session: SignIn.Session } };
/** What `optionalSession` puts on the context. */
export type MaybeSignedIn = { Variables: { subscriber?: Subscriber; session?: SignIn.Session } };

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The page a signed-out reader is sent to. */
export const SIGN_IN_PAGE = "/login";

/** True when the request names PUBLIC_URL's origin in `Origin` (or, lacking it, `Referer`); undefined when neither. */
export function fromOwnOrigin(c: Context): boolean | undefined {
  const own = new URL(Config.get().PUBLIC_URL).origin;
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === own; // "null" (a sandboxed or privacy-stripped origin) never matches
  const referer = c.req.header("referer");
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin === own;
  } catch {
    return false;
  }
}

function assertOrigin(c: Context) {
  if (!UNSAFE.has(c.req.method) || sessionCookie(c) === undefined) return;
  if (fromOwnOrigin(c) !== true) {
    throw new VisibleError("forbidden", "forbidden", "This request did not come from our own pages, so it was refused.");
  }
}

export const checkOrigin = createMiddleware(async (c, next) => {
  assertOrigin(c);
  await next();
});

export const optionalSession = createMiddleware<MaybeSignedIn>(async (c, next) => {
  assertOrigin(c);
  const signedIn = await SignIn.Sessions.resume(sessionCookie(c));
  if (signedIn) {
    c.set("subscriber", signedIn.subscriber);
    c.set("session", signedIn.session);
    speakTo(signedIn.subscriber.language);
  }
  await next();
});

export const requireSession = createMiddleware<SignedIn>(async (c, next) => {
  assertOrigin(c);
  const signedIn = await SignIn.Sessions.resume(sessionCookie(c));
  if (!signedIn) {
    if (c.req.path.startsWith("/api/")) throw new VisibleError("unauthorized", "unauthorized", "Sign in first.");
    return c.redirect(SIGN_IN_PAGE, 303);
  }
  c.set("subscriber", signedIn.subscriber);
  c.set("session", signedIn.session);
  speakTo(signedIn.subscriber.language);
  c.header("Cache-Control", "no-store"); // what a signed-in reader sees is theirs alone
  await next();
});

/** Path=/ and no Domain, as a `__Host-` cookie must be; Secure over https (as `__Host-` requires) and outside local. */
export const cookieOptions = () => ({
  httpOnly: true,
  secure: SignIn.securedOrigin() || Config.get().STAGE !== "local",
  sameSite: "Lax" as const,
  path: "/",
});

/** Sets the session cookie (the value from `SignIn.redeem`) for the session's whole life. */
export function setSessionCookie(c: Context, value: string) {
  setCookie(c, SignIn.sessionCookie(), value, { ...cookieOptions(), maxAge: SignIn.Sessions.SESSION_SECONDS });
}

/** The session cookie's value, if the request has one (signed or not: `SignIn.Sessions.resume` decides). */
export const sessionCookie = (c: Context) => getCookie(c, SignIn.sessionCookie());

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SignIn.sessionCookie(), cookieOptions());
}

/**
 * The device cookie's id (a sign-in link's reuse is bound to the device that used it first: `SignIn.redeem`),
 * made and set now if the browser has none yet; renewed for its whole life at each sign-in.
 */
export function deviceOf(c: Context): string {
  const device = getCookie(c, SignIn.deviceCookie());
  const id = device && /^dev_[\w-]{16,64}$/.test(device) ? device : SignIn.newDevice();
  setCookie(c, SignIn.deviceCookie(), id, { ...cookieOptions(), maxAge: SignIn.SIGNIN.deviceSeconds });
  return id;
}

/** The device cookie's id, if the browser has one (the sign-in page reads it without setting one). */
export const deviceCookie = (c: Context) => getCookie(c, SignIn.deviceCookie());
