import * as Tokens from "../tokens";
import { log } from "../log";
import { mutate } from "./mutate";

/**
 * Unsubscribes the link's subscriber at once. Idempotent and permanent in effect: an unsubscribe link works
 * forever, for a subscriber already unsubscribed, bounced or complained it changes nothing, and for one who is
 * no longer held at all it still answers as done (there is nobody left to email).
 */
export async function unsubscribe(token: string, source: "one-click" | "page", now = new Date()): Promise<void> {
  const { subject } = Tokens.verify(token, "unsubscribe", now);
  const { written } = await mutate(subject, (current) => {
    if (!current || (current.status !== "active" && current.status !== "pending")) return undefined;
    return { ...current, status: "unsubscribed", unsubscribedAt: now.toISOString(), optIn: undefined, earlierOptIns: undefined };
  });
  if (written) log.info({ event: "subscriber.unsubscribed", subscriberId: subject, source }, "unsubscribed");
}
