import * as Tokens from "../tokens";
import { VisibleError } from "../errors";
import { log } from "../log";
import { activated } from "./activate";
import { mutate } from "./mutate";
import { optInExpired, waitingOptIn } from "./rules";
import type { OptIn, Subscriber } from "./types";

const expired = () =>
  new VisibleError("invalid", "expired_token", "This confirmation link has expired. Please sign up again.");
const invalid = () => new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");

/**
 * Confirms a sign-up from the confirmation link's POST: the opt-in the link names becomes the subscription
 * (`active`, its topics, frequency and name, the consent record with its confirmation time) and the welcome series
 * begins, its welcome email at once (core/series). The link confirms what was asked when it was sent, never what a
 * later sign-up of the address (perhaps a stranger's) wrote. Confirming again is harmless: it answers `alreadyActive`
 * and sends nothing (but what a failed attempt left of the series).
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
    if (before?.status === "active") {
      // The link that made this subscription, followed again (a retry after a failure, say): whatever of the welcome
      // series that attempt left undone is done now (usually nothing).
      if (optInId && before.consent?.optInId === optInId) await welcomeSeries(before, "again", now);
      return { subscriber: before, alreadyActive: true };
    }
    throw expired();
  }
  await welcomeSeries(after!, "new", now);
  return { subscriber: after!, alreadyActive: false };
}

/**
 * The welcome series begins (core/series; loaded on demand, so the API's cold start never parses it), and its
 * day 0, the welcome, is sent. A failure is logged, not answered: a step left queued is sent by the schedule.
 */
async function welcomeSeries(subscriber: Subscriber, confirmation: "new" | "again", now: Date): Promise<void> {
  try {
    const { begin } = await import("../series/start");
    await begin(subscriber, confirmation, now);
  } catch (error) {
    log.error({ err: error, event: "welcome.failed" }, "welcome email not sent");
  }
}

/** The opt-in a link names: by its id, or (a link sent before opt-ins had ids) the stored one without an id. */
function named(subscriber: Subscriber, optInId: string | undefined): OptIn | undefined {
  if (optInId !== undefined) return waitingOptIn(subscriber, optInId);
  return subscriber.optIn && !subscriber.optIn.id ? subscriber.optIn : undefined;
}
