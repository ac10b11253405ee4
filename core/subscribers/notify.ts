/**
 * The emails of the subscriber lifecycle: confirmation, "already subscribed", welcome. Each is built as a
 * `Message` first (so tests can inspect its MIME) and then sent: the sign-up emails by the transactional worker
 * (the sign-up puts them on its queue), the welcome at once, from the transactional reserve.
 */
import { loadTemplates } from "../../templates/load";
import * as Config from "../config";
import * as Db from "../db";
import * as Email from "../email";
import * as Topics from "../topics";
import * as Transactional from "../transactional";
import { confirmUrl, manageUrl, unsubscribeUrl } from "./links";
import { signupExpired, waitingOptIn } from "./rules";
import type { Subscriber } from "./types";

export type SignupEmail = "confirmation" | "already-subscribed";

/**
 * Sign-up emails never carry the subscriber's name: a stranger may have typed it (list-bombing defence). A
 * confirmation's link confirms the opt-in it was sent for (`optIn`), and only that one, and speaks that sign-up's
 * language. "Already subscribed" goes to an active subscriber, in their own language: the sign-up's may be a
 * stranger's.
 */
export async function signupMessage(kind: SignupEmail, subscriber: Subscriber, optIn = subscriber.optIn): Promise<Email.Message> {
  const Templates = await loadTemplates();
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  if (kind === "confirmation" && !optIn) throw new Error("a confirmation needs the opt-in it confirms");
  const rendered =
    kind === "confirmation"
      ? Templates.confirmation({
          language: optIn!.language ?? subscriber.language,
          outletName,
          postalAddress,
          confirmUrl: confirmUrl(subscriber.id, optIn!.id),
        })
      : Templates.alreadySubscribed({ language: subscriber.language, outletName, postalAddress, manageUrl: manageUrl(subscriber.id) });
  return { to: subscriber.email, ...rendered };
}

/**
 * The welcome is the first marketing email: it carries the one-click unsubscribe headers. It speaks the language
 * the subscription now has, topic titles included.
 */
export async function welcomeMessage(subscriber: Subscriber): Promise<Email.Message> {
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  const followed = subscriber.topics.length > 0 ? await Db.Topics.many(subscriber.topics) : [];
  const titles = Object.fromEntries(followed.map((topic) => [topic.id, Topics.inLanguage(topic, subscriber.language).title]));
  const Templates = await loadTemplates();
  const unsubscribe = unsubscribeUrl(subscriber.id);
  const rendered = Templates.welcome({
    language: subscriber.language,
    outletName,
    postalAddress,
    name: subscriber.name,
    manageUrl: manageUrl(subscriber.id),
    unsubscribeUrl: unsubscribe,
    topics: subscriber.topics.map((id) => titles[id] ?? id),
    frequency: subscriber.frequency,
  });
  return { to: subscriber.email, ...rendered, marketing: { unsubscribeUrl: unsubscribe } };
}

export const sendWelcome = async (subscriber: Subscriber) => Transactional.sendNow(await welcomeMessage(subscriber));

/**
 * The transactional worker's part of a sign-up: sends the email the sign-up planned to the subscriber as stored
 * now, unless it no longer applies (erased since; the sign-up expired; already confirmed, through the link of an
 * earlier confirmation; the opt-in gone). A confirmation confirms the opt-in its sign-up made (`optInId`; the
 * newest, for a message queued before messages named it). Answers what it did, for logs and tests; throws what
 * SES throws.
 */
export async function sendPlannedSignupEmail(
  kind: SignupEmail,
  subscriberId: string,
  now = new Date(),
  send: (message: Email.Message) => Promise<unknown> = Email.send,
  optInId?: string,
): Promise<"sent" | "nothing"> {
  const subscriber = await Db.Subscribers.get(subscriberId);
  if (!subscriber) return "nothing";
  if (kind === "already-subscribed") {
    await send(await signupMessage(kind, subscriber));
    return "sent";
  }
  const optIn = optInId === undefined ? subscriber.optIn : waitingOptIn(subscriber, optInId);
  if (subscriber.status === "active" || signupExpired(subscriber, now) || !optIn) return "nothing";
  await send(await signupMessage(kind, subscriber, optIn));
  return "sent";
}
