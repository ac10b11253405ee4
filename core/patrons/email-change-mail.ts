/**
 * The emails of a patron's change of address, through the transactional queue as sign-in links go: the confirm
 * link to the new address, and notices to the old one, when the change is asked for and when it took effect.
 *
 * Each message's id is made of the change's nonce and the email's kind, so however often a change is seen (a
 * duplicated or repeated `customer.updated`, a webhook retried after a crash), each email of it is sent once:
 * the worker claims that id (`Events.once`) and keeps it once sent, for longer than the link lives. The worker
 * reads the change again before sending, so a change since replaced, withdrawn or confirmed sends nothing stale.
 */
import { randomBytes } from "node:crypto";
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import * as Email from "../email";
import { maskEmail } from "../log";
import * as Tokens from "../tokens";
import { enqueue } from "../transactional/enqueue";
import type { TransactionalMessage } from "../transactional/messages";

export type EmailChangeMessage = Extract<TransactionalMessage, { kind: "email-change" }>;
type Kind = EmailChangeMessage["email"];

/** A fresh nonce naming a change of address (its link, its emails). */
export const newNonce = () => randomBytes(16).toString("base64url");

/** The change's confirm link token: signed as of the change's request, so it expires with the change. */
export function confirmToken(change: Db.EmailChanges.EmailChange): string {
  return Tokens.sign("email-change", `${change.subscriberId}~${change.nonce}`, new Date(change.requestedAt));
}

export const confirmUrl = (token: string) => `${Config.get().PUBLIC_URL}/email-change?token=${encodeURIComponent(token)}`;

/** Puts these emails of `change` on the transactional queue, each under its own id (sent once however often queued). */
export async function queueEmails(change: Db.EmailChanges.EmailChange, kinds: readonly Kind[]): Promise<void> {
  for (const email of kinds) {
    await enqueue({ kind: "email-change", id: `emc_${change.nonce}_${email}`, subscriberId: change.subscriberId, nonce: change.nonce, email });
  }
}

/**
 * The transactional worker's part: sends the email a message asks for, if its change still stands as the email
 * assumes (the confirm link and the first notice only while unconfirmed; the second once confirmed). Notices skip
 * an old address that bounced or complained. Answers what it did, for logs and tests; throws what SES throws.
 */
export async function sendEmailChangeEmail(
  message: EmailChangeMessage,
  now = new Date(),
  send: (message: Email.Message) => Promise<unknown> = Email.send,
): Promise<"sent" | "nothing"> {
  const [subscriber, change] = await Promise.all([Db.Subscribers.get(message.subscriberId), Db.EmailChanges.get(message.subscriberId, now)]);
  if (!subscriber || !change || change.nonce !== message.nonce) return "nothing";
  const to =
    message.email === "confirm" ? !change.confirmedAt && change.email
    : message.email === "requested" ? !change.confirmedAt && subscriber.email
    : change.confirmedAt && change.previousEmail;
  if (!to) return "nothing";
  if (message.email !== "confirm" && (subscriber.status === "bounced" || subscriber.status === "complained")) return "nothing";
  const Templates = await loadTemplates();
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  const language = Config.readerLanguage(subscriber.language); // the subscriber's, at either address
  const rendered =
    message.email === "confirm"
      ? Templates.emailChangeConfirm({ language, outletName, postalAddress, confirmUrl: confirmUrl(confirmToken(change)) })
      : Templates.emailChangeNotice({ language, outletName, postalAddress, newAddress: maskEmail(change.email), changed: message.email === "changed" });
  await send({ to, ...rendered });
  return "sent";
}
