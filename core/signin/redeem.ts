/**
 * Following a sign-in link: the `/login` page checks it (without using it), and its button's POST uses it
 * (never the GET: scanners open links). A link is single use, except that it works again for ten minutes after
 * its first use, because a mail scanner may have opened it and pressed the button before its owner did.
 */
import * as Db from "../db";
import { VisibleError } from "../errors";
import type { Subscriber } from "../subscribers";
import * as Tokens from "../tokens";
import { SIGNIN } from "./rules";
import * as Sessions from "./sessions";
import { signInable } from "./subscriber";

/**
 * Checks a sign-in link without using it (for the page its GET shows): throws the `VisibleError` that using it
 * would, except for starting a session.
 */
export async function checkLink(token: string, now = new Date()): Promise<void> {
  const link = await verify(token, now);
  const firstUsedAt = await Db.SignIn.firstUse(link.subscriber.id, link.nonce);
  if (firstUsedAt) assertReusable(firstUsedAt, now);
}

/**
 * Verifies a sign-in link token, records its use and starts a session. Throws a 400 `VisibleError` for a forged,
 * altered, expired or other-purpose token (`invalid_token`, `expired_token`), a subscriber who can no longer sign
 * in (`invalid_token`), or a link first used more than ten minutes ago (`link_used`).
 */
export async function redeem(
  token: string,
  now = new Date(),
): Promise<{ subscriber: Subscriber; session: Sessions.Session; cookie: string }> {
  const { subscriber, nonce, expiresAt } = await verify(token, now);
  assertReusable(await Db.SignIn.markUsed(subscriber.id, nonce, now, expiresAt), now);
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
  if (!subscriber) {
    throw new VisibleError("invalid", "invalid_token", "This sign-in link is no longer valid. Ask for a new one.");
  }
  // Sign-in tokens always expire; the record of their use is kept as long as they could verify.
  return { subscriber, nonce, expiresAt: verified.expiresAt ?? Math.floor(now.getTime() / 1000) + SIGNIN.reuseSeconds };
}

function assertReusable(firstUsedAt: Date, now: Date) {
  if (now.getTime() - firstUsedAt.getTime() > SIGNIN.reuseSeconds * 1000) {
    throw new VisibleError("invalid", "link_used", "This sign-in link was already used. Ask for a new one to sign in again.");
  }
}
