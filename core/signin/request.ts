/**
 * Asking for a sign-in link. The caller learns nothing about the address: the route answers the same 202
 * whether it belongs to a subscriber or not, and whether or not a link was sent. Only a per-IP limit is visible
 * (429), and it counts every request alike.
 *
 * The request path does the same work for every address (the per-IP count, one message on the transactional queue) and
 * never reads the subscriber or talks to SES: sending inline made a known address measurably slower than an
 * unknown one (an enumeration side channel), and an SES failure would have answered 500 for known addresses
 * only. The transactional worker does the rest (`sendLink`), ahead of any digest being sent.
 */
import { randomBytes } from "node:crypto";
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import * as Email from "../email";
import { VisibleError } from "../errors";
import { log } from "../log";
import { hashIp } from "../subscribers/signup";
import * as Tokens from "../tokens";
import { enqueue } from "../transactional/enqueue";
import { SIGNIN } from "./rules";
import { allowed } from "./subscriber";

const HOUR_MS = 60 * 60 * 1000;

export type RequestOutcome = "sent" | "unknown" | "limited";

/** The message asking a worker to email a sign-in link (see `sendLink`). */
export interface SigninLinkMessage {
  kind: "signin";
  email: string;
}

/**
 * `POST /api/login`: counts the request against the per-IP limit (throws a 429 `VisibleError` past it) and puts
 * the address on the transactional queue, whatever it is. Nothing here depends on whether the address is known.
 */
export async function requestLink(email: string, context: { ip: string }, now = new Date()): Promise<void> {
  const perIp = await Db.RateLimits.hit("signin-ip", hashIp(context.ip), SIGNIN.requestsPerIp, SIGNIN.requestsPerIpWindowSeconds, now);
  if (!perIp.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many sign-in requests from this network. Try again later.", {
      retryAfterSeconds: perIp.retryAfterSeconds,
    });
  }
  await queueLink(email);
}

/** Puts a sign-in link for `email` on the transactional queue (the worker checks the address and its limits). */
export async function queueLink(email: string): Promise<void> {
  await enqueue({ kind: "signin", email } satisfies SigninLinkMessage);
}

/**
 * The worker's part: emails a sign-in link to `email` if it belongs to a subscriber who may sign in, within
 * the per-address limit (one a minute, five an hour; beyond it nothing is sent, silently). Answers what
 * happened, for logs and tests only. Throws when SES does, so the queue delivers the message again. `send` is the
 * worker's paced sending.
 */
export async function sendLink(
  email: string,
  now = new Date(),
  send: (message: Email.Message) => Promise<unknown> = Email.send,
): Promise<RequestOutcome> {
  const subscriber = allowed(await Db.Subscribers.getByEmail(email), now);
  if (!subscriber) {
    log.info({ event: "signin.requested", outcome: "unknown" }, "sign-in link requested");
    return "unknown";
  }
  const claim = await claimSlot(subscriber.id, now);
  if (!claim) {
    log.info({ event: "signin.requested", outcome: "limited", subscriberId: subscriber.id }, "sign-in link requested");
    return "limited";
  }
  try {
    await send(await signinMessage(subscriber.email, linkToken(subscriber.id, now), subscriber.language));
  } catch (error) {
    await claim.release().catch(() => undefined);
    throw error;
  }
  log.info({ event: "signin.requested", outcome: "sent", subscriberId: subscriber.id }, "sign-in link requested");
  return "sent";
}

/** A fresh link token: its own random nonce makes it single use (see `redeem`). */
export function linkToken(subscriberId: string, now = new Date()): string {
  return Tokens.sign("signin", `${subscriberId}~${randomBytes(16).toString("base64url")}`, now);
}

export function signinUrl(token: string): string {
  return `${Config.get().PUBLIC_URL}/login?token=${encodeURIComponent(token)}`;
}

/**
 * The sign-in email: the link and nothing of the subscriber's (no name: anyone can ask for any address), in the
 * subscriber's `language` (only its words, which tell nothing the address's owner does not know).
 */
export async function signinMessage(to: string, token: string, language?: string): Promise<Email.Message> {
  const Templates = await loadTemplates();
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  return { to, ...Templates.signin({ language: Config.readerLanguage(language), outletName, postalAddress, signinUrl: signinUrl(token) }) };
}

/**
 * Takes a slot of the per-address limit (sliding windows: none in the last minute, fewer than five in the last
 * hour), or answers undefined. A concurrent request that wins the race takes it instead: one of them sends.
 * `release` gives the slot back when the email could not be sent, so a retry can send it.
 */
async function claimSlot(subscriberId: string, now: Date) {
  const previous = await Db.SignIn.linksSent(subscriberId);
  const ago = (at: string) => now.getTime() - Date.parse(at);
  const lastHour = (previous?.sentAt ?? []).filter((at) => ago(at) < HOUR_MS);
  if (lastHour.some((at) => ago(at) < SIGNIN.secondsBetweenLinks * 1000) || lastHour.length >= SIGNIN.linksPerHour) {
    return undefined;
  }
  const expiresAt = Math.floor(now.getTime() / 1000) + HOUR_MS / 1000;
  let written: Db.SignIn.LinksSent;
  try {
    written = await Db.SignIn.recordLinksSent(subscriberId, [...lastHour, now.toISOString()], previous, expiresAt);
  } catch (error) {
    if (error instanceof Db.WriteConflictError) return undefined;
    throw error;
  }
  return {
    release: () => Db.SignIn.recordLinksSent(subscriberId, lastHour, written, expiresAt),
  };
}
