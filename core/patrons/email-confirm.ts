/**
 * Following the confirm link of a change of address (emailed to the new address by `email-change.ts`): its page
 * checks the link, its button's POST confirms (never the GET: scanners open links). Confirming moves the address
 * in one transaction with the change's record, so it happens once; then every session of the subscriber ends
 * (whoever was signed in through the old address is out), sign-in links sent to the old address stop working
 * (`SignIn.redeem` refuses links older than the change), and the old address is told.
 */
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as SignIn from "../signin";
import * as Tokens from "../tokens";
import { queueEmails } from "./email-change-mail";

export interface EmailChangeLink {
  /** The new address the link confirms. */
  email: string;
  /** Whether it was confirmed already (a second click). */
  confirmed: boolean;
  /** The subscriber's language: the link's pages speak it. */
  language?: string;
}

/** Checks a confirm link without using it (for its page); throws the 400 `VisibleError` that confirming would. */
export async function checkEmailChange(token: string, now = new Date()): Promise<EmailChangeLink> {
  const { subscriber, change } = await verify(token, now);
  return { email: change.email, confirmed: Boolean(change.confirmedAt), language: subscriber.language };
}

/**
 * Confirms the change of address a link names: `changed` (also for a second click), or `taken` when another
 * subscriber holds the address (nothing changes). Throws a 400 `VisibleError` for a forged, expired or
 * other-purpose link, or one whose change was withdrawn or replaced since.
 */
export async function confirmEmailChange(
  token: string,
  now = new Date(),
): Promise<{ outcome: "changed" | "taken"; email: string; language?: string }> {
  const at = now.toISOString();
  const { subscriberId, change, outcome, language } = await Db.retryWrite("confirming a change of address", async () => {
    const { subscriber, change } = await verify(token, now);
    const { language } = subscriber;
    if (change.confirmedAt) return { subscriberId: subscriber.id, change, outcome: "changed" as const, language };
    const outcome = await Db.SubscriberEmail.changeEmail(subscriber, change, at);
    return { subscriberId: subscriber.id, change: { ...change, confirmedAt: at }, outcome, language };
  });
  if (outcome === "taken") {
    log.warn({ event: "subscriber.email_change_taken", subscriberId }, "a confirmed new address belongs to another subscriber; nothing changed");
    return { outcome, email: change.email, language };
  }
  // Sessions signed in since the change (with the new address) stay, should this be a second click.
  const ended = await SignIn.Sessions.endAll(subscriberId, change.confirmedAt);
  await queueEmails(change, ["changed"]);
  log.info({ event: "subscriber.email_changed", subscriberId, sessionsEnded: ended }, "a patron's new address is confirmed");
  return { outcome, email: change.email, language };
}

async function verify(token: string, now: Date) {
  const [subscriberId, nonce, ...rest] = Tokens.verify(token, "email-change", now).subject.split("~");
  if (!subscriberId || !nonce || rest.length) {
    throw new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  }
  const [subscriber, change] = await Promise.all([Db.Subscribers.get(subscriberId), Db.EmailChanges.get(subscriberId, now)]);
  if (!subscriber || !change || change.nonce !== nonce) {
    throw new VisibleError(
      "invalid",
      "invalid_token",
      "This link is no longer valid: the change of address it confirms was withdrawn or replaced by a newer one.",
    );
  }
  return { subscriber, change };
}
