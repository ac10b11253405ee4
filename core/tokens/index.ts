/**
 * Link tokens: the signed, purpose-bound values inside emailed links (and the session cookie's value).
 *
 * A token is `<purpose>.<subject>.<expiry>.<key id>.<signature>`: the subject is what it acts on (a subscriber
 * id, or `sub_…~topic` for a vote, `sub_…~nonce` for a sign-in link), the expiry is epoch seconds in base 36 (`0`
 * for never), the key id names the secret that signed it (a hash of the secret, never the secret), and the
 * signature is an HMAC-SHA256 over all of it *and* the purpose, so a token of one purpose never verifies as
 * another. A token is checked against the one secret its key id names: the current signing secret or, so that
 * secrets can be rotated without breaking the unsubscribe and manage links already sent (they never expire, and
 * live in old emails), a previous one; a retired secret verifies only those, so a rotation ends every session and
 * every pending confirm, sign-in and vote link. An expiry beyond the purpose's lifetime (or none, for a purpose
 * that has one) is refused whatever signed it.
 *
 * Tokens signed before key ids (`<purpose>.<subject>.<expiry>.<signature>`, still in old emails) are checked
 * against every secret that may verify their purpose, by the same rules.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import * as Config from "../config";
import { VisibleError } from "../errors";
import { log } from "../log";

const DAY = 24 * 60 * 60;

/** Each purpose and how long its links live (`null`: forever, e.g. unsubscribe links in old emails). */
export const lifetimes = {
  confirm: 7 * DAY,
  manage: null,
  unsubscribe: null,
  vote: 30 * DAY,
  signin: 1 * DAY,
  /** A patron's new address, confirmed from that address (`sub_…~nonce`, the nonce naming the change). */
  "email-change": 7 * DAY,
  /** A gift's redeem link (the subject is the gift's Checkout session id), emailed on its delivery date. */
  gift: 365 * DAY,
  /** Not a link: the value of the session cookie (`sub_…~ses_…`), checked against its stored record too. */
  session: 30 * DAY,
  /** A dashboard sign-in link (`<editor key>~<nonce>`), single use, emailed to an address in `EDITORS`. */
  "editor-signin": 15 * 60,
  /** Not a link: the value of the editor's session cookie (`<editor key>~eds_…`), checked against its record too. */
  "editor-session": 12 * 60 * 60,
  /**
   * A patron's card-update link (`sub_…~cus_…`), in the payment-failed, grace reminder and expiring-card emails: it
   * outlives the grace period it is sent in by 30 days (read when used, so it follows GRACE_DAYS).
   */
  get "billing-update"(): number {
    return (Config.get().GRACE_DAYS + 30) * DAY;
  },
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
  const secret = Config.get().SIGNING_SECRET;
  const body = `${purpose}.${subject}.${expiry}.${keyId(secret)}`;
  return `${body}.${mac(secret, body)}`;
}

/**
 * Verifies a token for the `purpose` the caller expects. Throws a `VisibleError` (400 `invalid_token` or
 * `expired_token`) for anything forged, altered, of another purpose, or expired.
 */
export function verify(token: unknown, purpose: Purpose, now = new Date()): Verified {
  const invalid = new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  if (typeof token !== "string" || token.length > 400) throw invalid;
  const parts = token.split(".");
  if (parts.length !== 4 && parts.length !== 5) throw invalid;
  const [tokenPurpose, subject, expiry] = parts as [string, string, string];
  if (tokenPurpose !== purpose || !SUBJECT.test(subject) || !/^[0-9a-z]{1,12}$/.test(expiry)) throw invalid;

  const lifetime = lifetimes[purpose];
  const signer = signerOf(parts, lifetime === null);
  if (!signer) throw invalid;
  if (signer.retired) log.info({ event: "token.retired_key", purpose, keyId: signer.keyId }, "a link signed with a retired secret was used");

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

interface Signer {
  keyId: string;
  retired: boolean;
}

/**
 * The secret that signed a token's parts, if any may verify it: the current one, or (only for a purpose that
 * never expires: `mayBeRetired`) a retired one. A token with a key id is checked against that secret alone.
 */
function signerOf(parts: string[], mayBeRetired: boolean): Signer | undefined {
  const { SIGNING_SECRET, SIGNING_SECRET_PREVIOUS } = Config.get();
  const retired = mayBeRetired ? (SIGNING_SECRET_PREVIOUS ?? "").split(",").filter(Boolean) : [];
  const candidates = [SIGNING_SECRET, ...retired].map((secret, index) => ({ secret, keyId: keyId(secret), retired: index > 0 }));
  const signature = parts.at(-1)!;
  if (parts.length === 4) {
    const body = parts.slice(0, 3).join(".");
    return candidates.find(({ secret }) => sameSignature(mac(secret, body, "v1"), signature));
  }
  const body = parts.slice(0, 4).join(".");
  return candidates.find(({ secret, keyId }) => keyId === parts[3] && sameSignature(mac(secret, body, "v2"), signature));
}

const keyIds = new Map<string, string>();

/**
 * A short, stable name for a secret: enough to pick it among the configured ones, nothing to learn it from.
 * Worked out once per secret (every link of every email asks it).
 */
export function keyId(secret: string): string {
  let id = keyIds.get(secret);
  if (id === undefined) {
    id = createHash("sha256").update(`tidings:key-id:${secret}`).digest().subarray(0, 6).toString("base64url");
    keyIds.set(secret, id);
  }
  return id;
}

function mac(secret: string, body: string, version: "v1" | "v2" = "v2"): string {
  return createHmac("sha256", secret)
    .update(`tidings:${version}:${body}`)
    .digest()
    .subarray(0, SIGNATURE_BYTES)
    .toString("base64url");
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
