/** The numbers of signing in (`product.md` → Memberships → Signing in), in one place. */
const MINUTE = 60;

export const SIGNIN = {
  /** Sign-in links to one address: at most one per this many seconds… */
  secondsBetweenLinks: 1 * MINUTE,
  /** …and at most this many per hour. More requests are answered the same and send nothing. */
  linksPerHour: 5,
  /** Sign-in requests accepted from one IP address per window; more get 429. */
  requestsPerIp: 20,
  requestsPerIpWindowSeconds: 60 * MINUTE,
  /** A link is single use, but works again for this long after its first use: mail scanners open links first. */
  reuseSeconds: 10 * MINUTE,
} as const;

/** The session cookie's name. Its value is a `session` token; its lifetime is that token's. */
export const COOKIE = "tidings_session";

/**
 * Statuses that may not sign in. Every other status may, whether or not email is being sent to them (a lapsed
 * patron who unsubscribed still manages their membership). An erased subscriber is absent, or carries `erased`.
 */
export const cannotSignIn: readonly string[] = ["erased"];
