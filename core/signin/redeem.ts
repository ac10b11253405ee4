/**
 * Following a sign-in link: the `/login` page checks it (without using it), and its button's POST uses it
 * (never the GET: scanners open links). A link is single use, except that it works again for ten minutes after
 * its first use *on the device that used it first* (a double click, an answer lost on the way, a second tab).
 *
 * The device is a random id in a cookie of its own (`newDevice`), kept here only as a hash. The link is bound to
 * the device of its first *use*, not of its first opening: mail scanners open nearly every link (a GET) and some
 * also press the button; binding on opening would lock the owner out whenever a scanner merely looked. The price:
 * when a scanner presses the button before its owner does, the scanner's device holds the link and its owner is
 * told to ask for a new one, as for any used link. Without the binding, the reuse window let whoever saw the link
 * within ten minutes (a forwarded email, a shared screen) start sessions of their own.
 *
 * A link sent before the subscriber's address last changed is refused: it went to the old address, whose holder
 * must not sign in after the change (`Patrons.confirmEmailChange` ends the sessions they had).
 */
import { createHash, randomBytes } from "node:crypto";
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Subscriber } from "../subscribers";
import * as Tokens from "../tokens";
import { SIGNIN } from "./rules";
import * as Sessions from "./sessions";
import { signInable } from "./subscriber";

/** A fresh device id for the device cookie: random, only ever stored as a hash. */
export const newDevice = () => `dev_${randomBytes(16).toString("base64url")}`;

const deviceHash = (device: string) => createHash("sha256").update(`device:${device}`).digest("base64url");

/**
 * Checks a sign-in link without using it (for the page its GET shows), from `device` (the device cookie's value,
 * if the browser has one): throws the `VisibleError` that using it would, except for starting a session. Answers
 * the subscriber the link is for (its page speaks their language).
 */
export async function checkLink(token: string, device?: string, now = new Date()): Promise<Subscriber> {
  const link = await verify(token, now);
  const first = await Db.SignIn.firstUse(link.subscriber.id, link.nonce);
  // A device without the cookie yet gets it at its first use, so only a known other device is refused here.
  if (first) assertReusable(first, device ? deviceHash(device) : first.device, now);
  return link.subscriber;
}

/**
 * Verifies a sign-in link token, records its use from `device` (the device cookie's value) and starts a session.
 * Throws a 400 `VisibleError` for a forged, altered, expired or other-purpose token (`invalid_token`,
 * `expired_token`), a subscriber who can no longer sign in or whose address changed since the link was sent
 * (`invalid_token`), or a link first used more than ten minutes ago or from another device (`link_used`).
 */
export async function redeem(
  token: string,
  device: string,
  now = new Date(),
): Promise<{ subscriber: Subscriber; session: Sessions.Session; cookie: string }> {
  const { subscriber, nonce, expiresAt } = await verify(token, now);
  const mine = deviceHash(device);
  assertReusable(await Db.SignIn.markUsed(subscriber.id, nonce, now, expiresAt, mine), mine, now);
  const { session, cookie } = await Sessions.start(subscriber.id, now);
  return { subscriber, session, cookie };
}

async function verify(token: string, now: Date) {
  const verified = Tokens.verify(token, "signin", now);
  const [subscriberId, nonce, ...rest] = verified.subject.split("~");
  if (!subscriberId || !nonce || rest.length) {
    throw new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  }
  const subscriber = await signInable(subscriberId);
  // Sign-in tokens always expire; the record of their use is kept as long as they could verify.
  const expiresAt = verified.expiresAt ?? Math.floor(now.getTime() / 1000) + SIGNIN.reuseSeconds;
  // When the link was sent, to the second (as its expiry says); a link sent in the second of a change counts as after.
  const sentAt = expiresAt - Tokens.lifetimes.signin;
  const changedAt = subscriber?.emailChangedAt ? Math.floor(Date.parse(subscriber.emailChangedAt) / 1000) : 0;
  if (!subscriber || sentAt < changedAt) {
    throw new VisibleError("invalid", "invalid_token", "This sign-in link is no longer valid. Ask for a new one.");
  }
  return { subscriber, nonce, expiresAt };
}

function assertReusable(first: Db.SignIn.FirstUse, device: string | undefined, now: Date) {
  const late = now.getTime() - first.at.getTime() > SIGNIN.reuseSeconds * 1000;
  // A use recorded before uses named their device binds to nothing.
  const elsewhere = first.device !== undefined && first.device !== device;
  if (late || elsewhere) {
    throw new VisibleError("invalid", "link_used", "This sign-in link was already used. Ask for a new one to sign in again.");
  }
}
