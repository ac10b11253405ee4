/**
 * Which writes count as a conversion from a source (attribution), for the per-day counters by source. Like
 * `counted.ts`, the table functions ask these about the write they are making (`previous` as read, `next` as
 * written) and add the counter update to the same transaction: a retried or concurrent write that loses its version
 * check counts nothing, and one that finds nothing left to change writes nothing. Each answers the source and the
 * UTC day the conversion is counted on (the day the record itself says it happened), or undefined.
 */
import { isPaying, type Patron } from "../patrons/types";
import { optInExpired } from "../subscribers/rules";
import type { Subscriber } from "../subscribers/types";

export interface Attributed {
  source: string;
  /** `yyyy-mm-dd`, UTC. */
  date: string;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * A sign-up counts once per opt-in a person starts: the write that stores a new opt-in (a confirmation emailed)
 * while none of the address's earlier ones still waits. Signing up again before confirming (the email did not
 * come, another page's form) is the same sign-up and does not count again; nor does an active reader's "already
 * subscribed" email. A sign-up after the last one expired, or after unsubscribing, counts anew.
 */
export function signupAttributed(previous: Subscriber | undefined, next: Subscriber): Attributed | undefined {
  const optIn = next.optIn;
  const source = optIn?.consent.attribution;
  if (!optIn || !source || optIn.id === previous?.optIn?.id) return undefined;
  const at = new Date(optIn.requestedAt);
  const waiting = previous?.status !== "active" && [previous?.optIn, ...(previous?.earlierOptIns ?? [])].some((o) => o && !optInExpired(o, at));
  return waiting ? undefined : { source, date: day(optIn.requestedAt) };
}

/** A confirmation counts once: the write that makes the subscriber active with a newly confirmed consent. */
export function confirmationAttributed(previous: Subscriber | undefined, next: Subscriber): Attributed | undefined {
  const consent = next.consent;
  if (next.status !== "active" || previous?.status === "active" || !consent?.confirmedAt || !consent.attribution) return undefined;
  if (consent.confirmedAt === previous?.consent?.confirmedAt) return undefined;
  return { source: consent.attribution, date: day(consent.confirmedAt) };
}

/**
 * A new patron counts once: the write that gives the patron their source, which `derive` does only when they start
 * paying with none yet (core/patrons/rules.ts), and never again. A lapsed patron's return keeps the first source
 * and is not counted again (it is in the day's joined figures).
 */
export function patronAttributed(previous: Patron | undefined, next: Patron): Attributed | undefined {
  if (!next.source || previous?.source || !isPaying(next)) return undefined;
  return { source: next.source, date: day(next.updatedAt) };
}
