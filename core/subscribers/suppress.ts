/**
 * Suppression from SES feedback (see `product.md` → Sending → Bounces and complaints). A permanent bounce marks the
 * subscriber `bounced`, a complaint `complained`; both statuses receive no further marketing email. Transient
 * bounces are counted in a row and the third suppresses; a delivery resets the count. Each function is one
 * optimistic read-modify-write (`mutate`) and answers whether it changed the subscriber.
 */
import { log } from "../log";
import { mutate } from "./mutate";
import type { Subscriber } from "./types";

/** Transient bounces in a row that suppress a subscriber. */
export const TRANSIENT_BOUNCES_TO_SUPPRESS = 3;

const MAX_REASON = 300;

const suppressed = (subscriber: Subscriber) => subscriber.status === "bounced" || subscriber.status === "complained";

/**
 * A permanent bounce: the address does not take email. `detail` says why in words (bounce type and diagnostic);
 * it is kept on the subscriber as the reason. A complained subscriber stays `complained` (the stronger signal).
 */
export async function markBounced(id: string, detail: string, now = new Date()): Promise<boolean> {
  const { written, before } = await mutate(id, (current) => {
    if (!current || suppressed(current)) return undefined;
    return suppress(current, "bounced", `permanent bounce${detail ? `: ${detail}` : ""}`, now);
  });
  if (written) log.info({ event: "subscriber.bounced", subscriberId: id, was: before?.status }, "subscriber bounced");
  return written;
}

/** A complaint: the reader marked our email as spam. Overrides every other status, `bounced` included. */
export async function markComplained(id: string, detail = "", now = new Date()): Promise<boolean> {
  const { written, before } = await mutate(id, (current) => {
    if (!current || current.status === "complained") return undefined;
    return suppress(current, "complained", `complaint${detail ? ` (${detail})` : ""}`, now);
  });
  if (written) log.info({ event: "subscriber.complained", subscriberId: id, was: before?.status }, "subscriber complained");
  return written;
}

/**
 * A transient bounce (mailbox full, server busy, …): counted; the third in a row marks the subscriber `bounced`
 * with the reason "3 transient bounces in a row". Nothing changes for a subscriber already suppressed.
 */
export async function recordTransientBounce(id: string, now = new Date()): Promise<boolean> {
  const { written, after } = await mutate(id, (current) => {
    if (!current || suppressed(current)) return undefined;
    const transientBounces = (current.transientBounces ?? 0) + 1;
    if (transientBounces < TRANSIENT_BOUNCES_TO_SUPPRESS) return { ...current, transientBounces };
    return suppress({ ...current, transientBounces }, "bounced", `${transientBounces} transient bounces in a row`, now);
  });
  if (written && after?.status === "bounced") {
    log.info({ event: "subscriber.bounced", subscriberId: id, transientBounces: after.transientBounces }, "subscriber bounced");
  }
  return written;
}

/** A delivery SES reported: the in-a-row count of transient bounces starts again (no write when it is zero). */
export async function recordDelivered(id: string): Promise<boolean> {
  const { written } = await mutate(id, (current) => {
    if (!current?.transientBounces) return undefined;
    return { ...current, transientBounces: undefined };
  });
  return written;
}

function suppress(current: Subscriber, status: "bounced" | "complained", reason: string, now: Date): Subscriber {
  return { ...current, status, suppressedAt: now.toISOString(), suppressedReason: reason.slice(0, MAX_REASON) };
}
