/**
 * Double opt-in sign-up. Whatever the address's state, the caller learns nothing: the route answers the same 202.
 * What happens underneath depends on the state:
 * - unknown, or an unconfirmed sign-up that expired → a `pending` subscriber holding the opt-in, and a confirmation;
 * - `pending` → the opt-in is refreshed and the confirmation sent again;
 * - `unsubscribed` / `bounced` / `complained` → the status stays until the new opt-in is confirmed;
 * - `active` → nothing changes (a stranger must not rewrite someone's preferences); an "already subscribed"
 *   email with a manage link is sent instead.
 * Every email of this flow counts against the per-address limit: one per 10 minutes, five per 24 hours.
 * A sign-up that limit keeps from emailing changes nothing at all (but the unsubscribed page's undo: `holdsLink`).
 * The email is not sent here: the sign-up takes its slot (`confirmationsSentAt`, in the same write) and puts it on
 * the transactional queue, whose worker sends it once, retrying while SES throttles. So the answer never depends
 * on SES, and the slot counts emails sent or on their way.
 */
import { createHash, createHmac } from "node:crypto";
import { ulid } from "ulid";
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import { CONSENT_TEXT_VERSION, LIMITS, optInExpired, signupExpired } from "./rules";
import type { SignupInput } from "./input";
import { enqueue } from "../transactional/enqueue";
import type { SignupEmail } from "./notify";
import { ipNetwork } from "./ip-network";
import { assertFollowable } from "./topics";
import type { OptIn, Subscriber } from "./types";

export interface SignupContext {
  ip: string;
  userAgent?: string;
  /** Where the sign-up came from: `api` or `form`. */
  source: string;
  /**
   * The caller followed a link emailed to this address (the unsubscribed page's undo). Only then may a sign-up
   * that can't send an email still refresh the opt-in, for the confirmation already in that inbox to confirm.
   */
  holdsLink?: boolean;
}



/** What a sign-up did, for the caller's logs and for pages that may say it (`POST /api/subscribe` never does). */
export type SignupOutcome = SignupEmail | "nothing";

/**
 * Records a sign-up as the rules above say and queues its email. Throws a 429 `VisibleError` past the per-IP limit
 * and a 400 for topics nobody can follow. Resolves to the email it queued, or `"nothing"` (the per-address limit).
 */
export async function signup(input: SignupInput, context: SignupContext, now = new Date()): Promise<SignupOutcome> {
  const ipHash = hashIp(context.ip);
  const perIp = await Db.RateLimits.hit("signup-ip", ipHash, LIMITS.signupsPerIp, LIMITS.signupsPerIpWindowSeconds, now);
  if (!perIp.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many sign-ups from this network. Try again later.", {
      retryAfterSeconds: perIp.retryAfterSeconds,
    });
  }
  await assertFollowable(input.topics ?? []);

  let written: { next: Subscriber; email?: SignupEmail; existing?: Subscriber } | undefined;
  try {
    written = await Db.retryWrite("a sign-up", async () => {
      const existing = await Db.Subscribers.getByEmail(input.email);
      const { next, email } = decide(existing, input, { ...context, ipHash }, now);
      if (next) await Db.Subscribers.save(next, existing);
      return next && { next, email, existing };
    });
  } catch (error) {
    // Every attempt lost to a concurrent sign-up of the same address: that one has done what this one would.
    if (!(error instanceof Db.RetriesExhaustedError && Db.isRace(error.cause))) throw error;
    log.info({ event: "signup.contended" }, "sign-up lost every race; a concurrent one has done it");
    return "nothing";
  }
  if (!written) return "nothing";
  const { next, email, existing } = written;
  if (email) await queueOrRelease(email, next, existing);
  log.info({ event: "subscriber.signup", subscriberId: next.id, status: next.status, sent: email ?? "nothing" }, "sign-up");
  return email ?? "nothing";
}

/** What a sign-up changes and which email it sends, given what is stored (pure, so it is easy to test). */
export function decide(
  existing: Subscriber | undefined,
  input: SignupInput,
  context: Omit<SignupContext, "ip"> & { ipHash: string },
  now: Date,
): { next?: Subscriber; email?: SignupEmail } {
  const at = now.toISOString();
  const mayEmail = emailAllowed(existing?.confirmationsSentAt ?? [], now);
  const confirmationsSentAt = mayEmail
    ? [...(existing?.confirmationsSentAt ?? []), at].slice(-LIMITS.emailsPerDay)
    : (existing?.confirmationsSentAt ?? []);

  if (existing?.status === "active") {
    if (!mayEmail) return {};
    return { next: { ...existing, confirmationsSentAt, version: existing.version + 1 }, email: "already-subscribed" };
  }
  // No email to send: a stranger's sign-up changes nothing. Else a list-bomber would rewrite the pending opt-in
  // (name, topics, consent) that the owner's confirmation link, already in their inbox, then confirms.
  if (existing && !mayEmail && !context.holdsLink) return {};

  const expired = signupExpired(existing, now);
  const subscriberId = existing?.id ?? `sub_${ulid(now.getTime())}`;
  // The opt-ins whose confirmation links still work, newest first.
  const waiting = expired ? [] : [existing?.optIn, ...(existing?.earlierOptIns ?? [])].filter((o) => o && !optInExpired(o, now)) as OptIn[];
  const optIn = {
    // A new confirmation gets a new opt-in; the undo's refresh (no email) is confirmed by the link already sent
    // (a waiting opt-in's, or the one that confirmed the subscription the reader has just left).
    id: (!mayEmail && (waiting[0]?.id ?? existing?.consent?.optInId)) || optInId(subscriberId, at, existing?.version ?? 0),
    requestedAt: at,
    name: input.name || undefined,
    topics: input.topics ?? [],
    frequency: input.frequency ?? "weekly",
    language: input.language,
    consent: {
      requestedAt: at,
      source: context.source,
      ipHash: context.ipHash,
      userAgent: context.userAgent?.slice(0, 300),
      textVersion: CONSENT_TEXT_VERSION,
      ...(input.source && { attribution: input.source }),
    },
  } satisfies OptIn;
  const earlierOptIns = mayEmail ? waiting.slice(0, LIMITS.emailsPerDay - 1) : waiting.slice(1);
  const pending = !existing || existing.status === "pending" || expired;
  const expiresAt = Math.floor(now.getTime() / 1000) + LIMITS.pendingDays * 24 * 60 * 60;

  const next: Subscriber = existing
    ? {
        ...existing,
        ...(pending && { status: "pending", expiresAt, topics: optIn.topics, frequency: optIn.frequency, language: optIn.language ?? existing.language }),
        optIn,
        earlierOptIns: earlierOptIns.length > 0 ? earlierOptIns : undefined,
        confirmationsSentAt,
        updatedAt: at,
        version: existing.version + 1,
      }
    : {
        id: subscriberId,
        email: input.email,
        status: "pending",
        topics: optIn.topics,
        frequency: optIn.frequency,
        language: optIn.language,
        createdAt: at,
        updatedAt: at,
        optIn,
        confirmationsSentAt,
        version: 1,
        expiresAt,
      };
  return { next, email: mayEmail ? "confirmation" : undefined };
}

/** A stable name for the opt-in a write makes: each write of a subscriber has a version of its own. */
function optInId(owner: string, at: string, version: number): string {
  return createHash("sha256").update(`opt-in:${owner}:${at}:${version}`).digest("base64url").slice(0, 12);
}

function emailAllowed(sentAt: readonly string[], now: Date): boolean {
  const ago = (iso: string) => now.getTime() - Date.parse(iso);
  const lastDay = sentAt.filter((at) => ago(at) < 24 * 60 * 60 * 1000);
  const recent = sentAt.some((at) => ago(at) < LIMITS.minutesBetweenEmails * 60 * 1000);
  return !recent && lastDay.length < LIMITS.emailsPerDay;
}

/** Queues the planned email; if SQS refuses, gives the per-address slot back so a retry can send it. */
async function queueOrRelease(kind: SignupEmail, next: Subscriber, previous: Subscriber | undefined) {
  try {
    await enqueue({ kind: "signup", subscriberId: next.id, email: kind, optInId: next.optIn?.id });
  } catch (error) {
    const released = { ...next, confirmationsSentAt: previous?.confirmationsSentAt ?? [], version: next.version + 1 };
    await Db.Subscribers.save(released, next).catch(() => undefined);
    throw error;
  }
}

/**
 * A keyed hash of an IP address's network (`ipNetwork`: IPv4 itself, an IPv6 /64): enough to count and to evidence
 * consent, without keeping the address.
 */
export function hashIp(ip: string): string {
  return createHmac("sha256", Config.get().SIGNING_SECRET).update(`ip:${ipNetwork(ip)}`).digest("base64url").slice(0, 22);
}
