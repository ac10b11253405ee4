/** The numbers and names of signing in (`product.md` → Memberships → Signing in), in one place. */
import * as Config from "../config";

const MINUTE = 60;

export const SIGNIN = {
  /** Sign-in links to one address: at most one per this many seconds… */
  secondsBetweenLinks: 1 * MINUTE,
  /** …and at most this many per hour. More requests are answered the same and send nothing. */
  linksPerHour: 5,
  /** Sign-in requests accepted from one IP address per window; more get 429. */
  requestsPerIp: 20,
  requestsPerIpWindowSeconds: 60 * MINUTE,
  /**
   * A link is single use, but works again for this long after its first use, on the device that used it first
   * (a double click, a lost answer): see `redeem.ts`.
   */
  reuseSeconds: 10 * MINUTE,
  /** How long the device cookie lasts (renewed at each sign-in): longer than a link's life and its reuse window. */
  deviceSeconds: 30 * 24 * 60 * MINUTE,
} as const;

/**
 * The session cookie's plain name (its value is a `session` token; its lifetime is that token's). The name a
 * browser holds is `sessionCookie()`: this one only where PUBLIC_URL is http (the local stack).
 */
export const COOKIE = "tidings_session";
/** The device cookie's plain name: a random id that a sign-in link's reuse window is bound to (`redeem.ts`). */
export const DEVICE_COOKIE = "tidings_device";

/**
 * The name a cookie goes by, decided here alone: `__Host-` and the plain name where PUBLIC_URL is https, so the
 * browser takes it only Secure, for Path=/ and without Domain (a sibling subdomain can neither set nor shadow it);
 * the plain name over http, where browsers refuse a `__Host-` cookie (it can't be Secure there). Only this name is
 * read: a plain-named cookie on an https deployment is ignored (signing in again replaces it).
 */
export function cookieName(plain: typeof COOKIE | typeof DEVICE_COOKIE): string {
  return securedOrigin() ? `__Host-${plain}` : plain;
}

/** Whether PUBLIC_URL is https: cookies are then `__Host-` prefixed and always Secure. */
export const securedOrigin = () => Config.get().PUBLIC_URL.startsWith("https:");

/** The session cookie's name (see `cookieName`). */
export const sessionCookie = () => cookieName(COOKIE);
/** The device cookie's name (see `cookieName`). */
export const deviceCookie = () => cookieName(DEVICE_COOKIE);

/**
 * Statuses that may not sign in. Every other status may, whether or not email is being sent to them (a lapsed
 * patron who unsubscribed still manages their membership). An erased subscriber is absent, or carries `erased`.
 */
export const cannotSignIn: readonly string[] = ["erased"];
