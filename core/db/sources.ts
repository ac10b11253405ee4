/**
 * Conversions by source (attribution), counted per UTC day on counter items `SOURCES#<yyyy-mm>` /
 * `<yyyy-mm-dd>#<source>#<shard>` (pattern 50 in README.md): sign-ups, confirmations, new patrons, and contributions
 * by currency (amount, count, refunded). A counter is only ever changed inside the transaction of the write that
 * makes the conversion (a subscriber's, a patron's, a contribution's), so it moves with that write or not at all;
 * which writes count is core/stats/attributed.ts's rule. Read back by `source-days.ts` (loaded only where read).
 */
import { randomInt } from "node:crypto";
import type { Contribution } from "../contributions/types";
import type { Patron } from "../patrons/types";
import { confirmationAttributed, patronAttributed, signupAttributed, type Attributed } from "../stats/attributed";
import type { Subscriber } from "../subscribers/types";
import * as keys from "./keys";
import { addTo, type TransactItem } from "./stats";

/** What one write adds to a source's day. */
export interface SourceAdd {
  signups?: number;
  confirmations?: number;
  patrons?: number;
  /** A contribution's amount (minor units), count and refunded amount in its currency. */
  contribution?: { currency: string; amount?: number; count?: number; refunded?: number };
}

const CURRENCY = /^[a-z]{3}$/;

/** The transaction item adding `add` to a random shard of `source`'s counter on `date`; none when nothing counts. */
export function sourceUpdate(at: Attributed, add: SourceAdd): TransactItem[] {
  const { contribution, ...counts } = add;
  const changes: Array<[string, number]> = Object.entries(counts).filter(([, n]) => n);
  if (contribution && CURRENCY.test(contribution.currency)) {
    for (const name of ["amount", "count", "refunded"] as const) {
      if (contribution[name]) changes.push([`${name}_${contribution.currency}`, contribution[name]!]);
    }
  }
  return addTo(keys.sourceCounter.key(at.date, at.source, randomInt(keys.SOURCE_SHARDS)), changes, { entity: "source-counter", date: at.date, source: at.source });
}

/** A subscriber's write: a sign-up or a confirmation it makes, counted by the opt-in's or consent's source. */
export function subscriberSourceTally(previous: Subscriber | undefined, next: Subscriber): TransactItem[] {
  const signup = signupAttributed(previous, next);
  const confirmed = confirmationAttributed(previous, next);
  return [...(signup ? sourceUpdate(signup, { signups: 1 }) : []), ...(confirmed ? sourceUpdate(confirmed, { confirmations: 1 }) : [])];
}

/** A patron's write (in `Db.Patrons.save`'s transaction): +1 new patron the first time they pay, by their source. */
export function patronSourceTally(previous: Patron | undefined, next: Patron): TransactItem[] {
  const attributed = patronAttributed(previous, next);
  return attributed ? sourceUpdate(attributed, { patrons: 1 }) : [];
}

/**
 * A contribution's recording (amount and count) or marking (`refunded` by the difference), on the day it was
 * recorded, so a refund comes off the day the contribution counted on.
 */
export function contributionSourceTally(contribution: Contribution, add: NonNullable<SourceAdd["contribution"]>): TransactItem[] {
  if (!contribution.source) return [];
  return sourceUpdate({ source: contribution.source, date: contribution.createdAt.slice(0, 10) }, { contribution: add });
}
