/** Which language a page reached by a subscriber's link speaks. */
import * as Db from "../db";
import * as Tokens from "../tokens";
import { waitingOptIn } from "./rules";

/**
 * The language of the subscriber a link token belongs to: for a confirmation link, the language its sign-up asked
 * for (confirming is what applies it); for any other link, the subscriber's. Undefined when the token is not
 * valid or its subscriber is gone: the page then speaks the visitor's language, and the route says what is wrong.
 */
export async function languageOfLink(token: string, purpose: Tokens.Purpose): Promise<string | undefined> {
  let subject: string;
  try {
    subject = Tokens.verify(token, purpose).subject;
  } catch {
    return undefined;
  }
  const [subscriberId = "", optInId] = subject.split("~");
  const subscriber = await Db.Subscribers.get(subscriberId);
  if (!subscriber) return undefined;
  const optIn = purpose === "confirm" ? (optInId ? waitingOptIn(subscriber, optInId) : subscriber.optIn) : undefined;
  return optIn?.language ?? subscriber.language;
}
