import * as Db from "../db";
import { VisibleError } from "../errors";
import * as Tokens from "../tokens";
import { signup, type SignupContext } from "./signup";
import { followableTopics } from "./topics";

export type ResubscribeOutcome = "confirmation-sent" | "recently-sent" | "already-active";

/**
 * The "unsubscribed" page's undo: a new opt-in for the address the unsubscribe link belongs to, with the topics,
 * frequency, language and name it had, confirmed by email like any sign-up. Never a silent resubscribe: the link may sit in
 * an old or forwarded email, and only the address's owner may say yes. The answer may say what happened (unlike
 * `POST /api/subscribe`): whoever holds the link already knows whose address it is.
 */
export async function resubscribe(token: string, context: Omit<SignupContext, "source">, now = new Date()): Promise<ResubscribeOutcome> {
  const { subject } = Tokens.verify(token, "unsubscribe", now);
  const subscriber = await Db.Subscribers.get(subject);
  if (!subscriber) {
    throw new VisibleError("not_found", "not_found", "We hold nothing for this address any more. You can sign up again.");
  }
  if (subscriber.status === "active") return "already-active";
  // A topic may have become unfollowable since (proposed again): the new opt-in keeps the ones that still exist.
  const followable = new Set((await followableTopics()).map((topic) => topic.id));
  const input = {
    email: subscriber.email,
    name: subscriber.name,
    topics: subscriber.topics.filter((id) => followable.has(id)),
    frequency: subscriber.frequency,
    language: subscriber.language,
  };
  const sent = await signup(input, { ...context, source: "undo", holdsLink: true }, now);
  return sent === "confirmation" ? "confirmation-sent" : "recently-sent";
}
