/**
 * Sessions: what the session cookie carries and what makes it valid. The cookie's value is a `session` token
 * (signed like link tokens, with the current or previous secret) naming the subscriber and the session; it is
 * valid only while its stored record exists and has not expired, so signing out (deleting the record) ends it
 * even though the signed value would still verify.
 */
import { createHash, randomBytes } from "node:crypto";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import type { Subscriber } from "../subscribers";
import * as Tokens from "../tokens";
import { signInable } from "./subscriber";

export type Session = Db.Sessions.Session;

/** How long a session lasts, in seconds: the `session` token's lifetime, and the cookie's Max-Age. */
export const SESSION_SECONDS = Tokens.lifetimes.session;

/**
 * A session id as logged: a hash of it, enough to follow one session through the logs (started, ended), not the
 * id itself, which with the subscriber id is most of a credential.
 */
const logged = (sessionId: string) => createHash("sha256").update(`session:${sessionId}`).digest("base64url").slice(0, 16);

/** Starts a session for a subscriber: stores its record and answers it with the cookie value that names it. */
export async function start(subscriberId: string, now = new Date()): Promise<{ session: Session; cookie: string }> {
  const session: Session = {
    id: `ses_${randomBytes(16).toString("base64url")}`,
    subscriberId,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + SESSION_SECONDS,
  };
  await Db.Sessions.put(session);
  log.info({ event: "session.started", subscriberId, session: logged(session.id) }, "signed in");
  return { session, cookie: Tokens.sign("session", `${subscriberId}~${session.id}`, now) };
}

/**
 * The session and subscriber a cookie value stands for, or undefined when it is absent, forged, altered,
 * expired, signed out, or its subscriber can no longer sign in.
 */
export async function resume(
  cookie: string | undefined,
  now = new Date(),
): Promise<{ session: Session; subscriber: Subscriber } | undefined> {
  const ids = parse(cookie, now);
  if (!ids) return undefined;
  const [session, subscriber] = await Promise.all([
    Db.Sessions.get(ids.subscriberId, ids.sessionId, now),
    signInable(ids.subscriberId),
  ]);
  return session && subscriber ? { session, subscriber } : undefined;
}

/** Ends the session a cookie value names, if any (signing out); harmless for anything else. */
export async function end(cookie: string | undefined, now = new Date()): Promise<void> {
  const ids = parse(cookie, now);
  if (!ids) return;
  await Db.Sessions.remove(ids.subscriberId, ids.sessionId);
  log.info({ event: "session.ended", subscriberId: ids.subscriberId, session: logged(ids.sessionId) }, "signed out");
}

/**
 * Ends every session of a subscriber (sign out everywhere; their address changed), or every one started before
 * `startedBefore` (ISO). Answers how many it ended.
 */
export async function endAll(subscriberId: string, startedBefore?: string): Promise<number> {
  const ended = await Db.Sessions.removeAll(subscriberId, startedBefore);
  log.info({ event: "session.ended_all", subscriberId, ended }, "signed out everywhere");
  return ended;
}

function parse(cookie: string | undefined, now: Date) {
  if (!cookie) return undefined;
  let subject: string;
  try {
    subject = Tokens.verify(cookie, "session", now).subject;
  } catch (error) {
    if (error instanceof VisibleError) return undefined;
    throw error;
  }
  const [subscriberId, sessionId, ...rest] = subject.split("~");
  if (!subscriberId || !sessionId || rest.length) return undefined;
  return { subscriberId, sessionId };
}
