/**
 * Signing in (`product.md` → Memberships → Signing in): a magic link by email, single use with a ten-minute
 * reuse window, which starts a session kept in a signed cookie and a stored, revocable record.
 *
 * ```ts
 * await SignIn.requestLink(email, { ip });           // POST /api/login: per-IP limit, then the transactional queue
 * await SignIn.sendLink(email);                      // the transactional worker: emails a link to a known subscriber
 * const { cookie } = await SignIn.redeem(token, device); // POST /login: the link's button, from the device cookie's id
 * const signedIn = await SignIn.Sessions.resume(cookie); // each request: the session and subscriber, or undefined
 * ```
 * The HTTP side (cookie names and attributes, `requireSession`, the Origin check) is in `functions/api/session.ts`;
 * the cookies' names are decided by `sessionCookie()` and `deviceCookie()` (`__Host-` prefixed over https).
 */
export { requestLink, queueLink, sendLink, linkToken, signinMessage, signinUrl, type RequestOutcome, type SigninLinkMessage } from "./request";
export { checkLink, redeem, newDevice } from "./redeem";
export * as Sessions from "./sessions";
export type { Session } from "./sessions";
export { SIGNIN, COOKIE, cookieName, deviceCookie, securedOrigin, sessionCookie } from "./rules";
