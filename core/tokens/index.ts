/**
 * Link tokens: the signed, purpose-bound values inside emailed links (and the session cookie's value).
 *
 * A token is `<purpose>.<subject>.<expiry>.<signature>`: the subject is what it acts on (a subscriber id, or
 * `sub_…~topic` for a vote, `sub_…~nonce` for a sign-in link), the expiry is epoch seconds in base 36 (`0` for
 * never), and the signature is an HMAC-SHA256 over all of it *and* the purpose, so a token of one purpose never
 * verifies as another. Tokens are checked against the current signing secret and then the previous ones, so
 * secrets can be rotated without breaking the unsubscribe and manage links already sent (they never expire, and
 * live in old emails); a retired secret verifies only those, so a rotation ends every session and every pending
 * confirm, sign-in and vote link. An expiry beyond the purpose's lifetime (or none, for a purpose that has one) is
 * refused whatever signed it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import * as Config from "../config";
import { VisibleError } from "../errors";

const DAY = 24 * 60 * 60;

/** Each purpose and how long its links live (`null`: forever, e.g. unsubscribe links in old emails). */
export const lifetimes = {
  confirm: 7 * DAY,
  manage: null,
  unsubscribe: null,
  vote: 30 * DAY,
  signin: 1 * DAY,
  /** Not a link: the value of the session cookie (`sub_…~ses_…`), checked against its stored record too. */
  session: 30 * DAY,
} as const satisfies Record<string, number | null>;

export type Purpose = keyof typeof lifetimes;

const SUBJECT = /^[A-Za-z0-9_~:-]{1,200}$/;
/** How far a token's expiry may lie beyond its purpose's lifetime from now: clocks of the signer and verifier. */
const CLOCK_SKEW_SECONDS = 5 * 60;
const SIGNATURE_BYTES = 16;

export interface Verified {
  purpose: Purpose;
  subject: string;
  /** Epoch seconds, or null for a token that never expires. */
  expiresAt: number | null;
}

/** Signs a token for `purpose` and `subject`, expiring after the purpose's lifetime from `now`. */
export function sign(purpose: Purpose, subject: string, now = new Date()): string {
  if (!SUBJECT.test(subject)) throw new Error(`invalid token subject for ${purpose}`);
  const lifetime = lifetimes[purpose];
  const expiry = lifetime === null ? "0" : (Math.floor(now.getTime() / 1000) + lifetime).toString(36);
  const body = `${purpose}.${subject}.${expiry}`;
  return `${body}.${mac(Config.get().SIGNING_SECRET, body)}`;
}

/**
 * Verifies a token for the `purpose` the caller expects. Throws a `VisibleError` (400 `invalid_token` or
 * `expired_token`) for anything forged, altered, of another purpose, or expired.
 */
export function verify(token: unknown, purpose: Purpose, now = new Date()): Verified {
  const invalid = new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  if (typeof token !== "string" || token.length > 400) throw invalid;
  const parts = token.split(".");
  if (parts.length !== 4) throw invalid;
  const [tokenPurpose, subject, expiry, signature] = parts as [string, string, string, string];
  if (tokenPurpose !== purpose || !SUBJECT.test(subject) || !/^[0-9a-z]{1,12}$/.test(expiry)) throw invalid;

  const body = `${tokenPurpose}.${subject}.${expiry}`;
  const { SIGNING_SECRET, SIGNING_SECRET_PREVIOUS } = Config.get();
  const lifetime = lifetimes[purpose];
  // Retired secrets (comma-separated) verify only what never expires: unsubscribe and manage links in old emails.
  const retired = lifetime === null ? (SIGNING_SECRET_PREVIOUS ?? "").split(",").filter(Boolean) : [];
  if (![SIGNING_SECRET, ...retired].some((secret) => sameSignature(mac(secret, body), signature))) throw invalid;

  const expiresAt = expiry === "0" ? null : parseInt(expiry, 36);
  // Signed, but not as `sign` would have: no expiry for a purpose that has one, one for a purpose that has none,
  // or one further away than the purpose's lifetime.
  if ((lifetime === null) !== (expiresAt === null)) throw invalid;
  if (expiresAt !== null && lifetime !== null && expiresAt > now.getTime() / 1000 + lifetime + CLOCK_SKEW_SECONDS) throw invalid;
  if (expiresAt !== null && expiresAt * 1000 <= now.getTime()) {
    throw new VisibleError("invalid", "expired_token", "This link has expired.");
  }
  return { purpose, subject, expiresAt };
}

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret)
    .update(`tidings:v1:${body}`)
    .digest()
    .subarray(0, SIGNATURE_BYTES)
    .toString("base64url");
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
