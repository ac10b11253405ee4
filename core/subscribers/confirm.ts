import * as Tokens from "../tokens";
import { VisibleError } from "../errors";
import { log } from "../log";
import { activated } from "./activate";
import { mutate } from "./mutate";
import { sendWelcome } from "./notify";
import { optInExpired, waitingOptIn } from "./rules";
import type { OptIn, Subscriber } from "./types";

const expired = () =>
  new VisibleError("invalid", "expired_token", "This confirmation link has expired. Please sign up again.");
const invalid = () => new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");

/**
 * Confirms a sign-up from the confirmation link's POST: the opt-in the link names becomes the subscription
 * (`active`, its topics, frequency and name, the consent record with its confirmation time) and a welcome email
 * follows. The link confirms what was asked when it was sent, never what a later sign-up of the address (perhaps a
 * stranger's) wrote. Confirming again is harmless: it answers `alreadyActive` and sends nothing.
 */
export async function confirm(token: string, now = new Date()): Promise<{ subscriber: Subscriber; alreadyActive: boolean }> {
  const { subject } = Tokens.verify(token, "confirm", now);
  const [subscriberId, optInId, ...rest] = subject.split("~");
  if (!subscriberId || rest.length > 0 || optInId === "") throw invalid();
  const at = now.toISOString();
  const { before, after, written } = await mutate(subscriberId, (current) => {
    if (!current || current.status === "active") return undefined;
    const optIn = named(current, optInId);
    if (!optIn || optInExpired(optIn, now)) return undefined;
    return activated({ ...current, optIn }, { ...optIn.consent, confirmedAt: at, optInId: optIn.id }, at);
  });
  if (!written) {
    if (before?.status === "active") return { subscriber: before, alreadyActive: true };
    throw expired();
  }
  await sendWelcome(after!).catch((error) => log.error({ err: error, event: "welcome.failed" }, "welcome email not sent"));
  return { subscriber: after!, alreadyActive: false };
}

/** The opt-in a link names: by its id, or (a link sent before opt-ins had ids) the stored one without an id. */
function named(subscriber: Subscriber, optInId: string | undefined): OptIn | undefined {
  if (optInId !== undefined) return waitingOptIn(subscriber, optInId);
  return subscriber.optIn && !subscriber.optIn.id ? subscriber.optIn : undefined;
}
