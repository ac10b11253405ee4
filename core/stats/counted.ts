/**
 * Which status changes count as joining and leaving, for the per-day counters. The table functions that write
 * subscribers and patrons (`Db.Subscribers.save`, `Db.Patrons.save`) ask these and change the day's counter in the
 * same transaction as the change itself, so a change counts exactly when it is written: a retried webhook or a
 * duplicated SES event finds nothing left to change and writes nothing, and of two concurrent deliveries only the
 * one whose version check passes writes (and counts).
 */
import { isMember, type Patron } from "../patrons/types";
import type { Status } from "../subscribers/types";
import type { DayCounts } from "./types";

/**
 * A subscriber joins when they become `active` (a confirmed sign-up, a resubscribe, an imported or gifted reader)
 * and leaves when they stop being `active` (unsubscribed, bounced, complained). Pending sign-ups count for neither.
 */
export function subscriberCounts(before: Status | undefined, after: Status): Partial<DayCounts> {
  if (before !== "active" && after === "active") return { subscribersJoined: 1 };
  if (before === "active" && after !== "active") return { subscribersChurned: 1 };
  return {};
}

/**
 * A patron joins when they start paying (`isPaying`: the first charged period, a trial's end, a lapsed patron's
 * return) and leaves when they stop (lapsed, or moved to a comp). A comp alone, or grace, is neither. A pause is
 * not leaving and its end not joining (`isMember`): a paused patron who lapses leaves then.
 */
export function patronCounts(before: Patron | undefined, after: Patron): Partial<DayCounts> {
  const [was, is] = [before !== undefined && isMember(before), isMember(after)];
  if (!was && is) return { patronsJoined: 1 };
  if (was && !is) return { patronsChurned: 1 };
  return {};
}

/** A patron erased (their item deleted, so no later change will count them) leaves if they were paying. */
export function patronErased(before: Patron): Partial<DayCounts> {
  return isMember(before) ? { patronsChurned: 1 } : {};
}

/** The sum of several changes' counts (an import's new subscribers, written in one transaction). */
export function sumCounts(counts: readonly Partial<DayCounts>[]): Partial<DayCounts> {
  const total: Partial<DayCounts> = {};
  for (const count of counts) {
    for (const [name, value] of Object.entries(count) as Array<[keyof DayCounts, number]>) total[name] = (total[name] ?? 0) + value;
  }
  return total;
}
