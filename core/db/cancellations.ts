/**
 * Cancellations counted per UTC day of their request (`CANCELLATIONS` / `<yyyy-mm-dd>#<shard>`): how many, by Stripe's
 * reason and the patron's feedback, and how many were taken back. A day's item is changed only inside the
 * transaction of the patron's versioned write that records or changes a cancellation (`cancellationTally`, from
 * `Patrons.save`; on a random one of the day's shards, which the reading sums), so a count moves with its record or not at all: a retried or duplicated webhook that meets the
 * record already written changes nothing, and one whose write loses a race is cancelled whole, counter included.
 * Read back by cancellation-days.ts.
 */
import { randomInt } from "node:crypto";
import type { Cancellation, Patron } from "../patrons/types";
import * as keys from "./keys";
import { addTo, type TransactItem } from "./stats";

/** Counted for a cancellation without feedback (none asked, or the survey skipped) or, rarely, without a reason. */
export const NONE = "none";

/** A day's item holds `total`, `withdrawn`, and one number per `reason_<reason>` and `feedback_<feedback>`. */
export const REASON = "reason_";
export const FEEDBACK = "feedback_";

/** What one cancellation adds to its day's counters. */
function counted(cancellation: Cancellation): Record<string, number> {
  return {
    total: 1,
    [`${REASON}${cancellation.reason ?? NONE}`]: 1,
    [`${FEEDBACK}${cancellation.feedback ?? NONE}`]: 1,
    ...(cancellation.withdrawnAt && { withdrawn: 1 }),
  };
}

/**
 * The transaction item (none when nothing counts) that moves the day's counters from `previous` patron's
 * cancellation to `next`'s. A cancellation is one subscription's request at one time: a new one (another
 * subscription, or a request after one taken back) adds to its own day; the same one changed (taken back, its
 * feedback given later) moves only the difference. The previous one of another identity stays counted: it happened.
 */
export function cancellationTally(previous: Patron | undefined, next: Patron): TransactItem[] {
  const after = next.cancellation;
  if (!after) return [];
  const before = previous?.cancellation;
  const same = before !== undefined && before.subscriptionId === after.subscriptionId && before.requestedAt === after.requestedAt;
  const change = counted(after);
  if (same) for (const [name, amount] of Object.entries(counted(before))) change[name] = (change[name] ?? 0) - amount;
  const date = after.requestedAt.slice(0, 10);
  return addTo(keys.cancellationDay.key(date, randomInt(keys.CANCELLATION_SHARDS)), Object.entries(change), { entity: "cancellation-day", date });
}
