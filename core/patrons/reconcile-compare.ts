/**
 * The reconciliation's one question about a patron seen on a page of Stripe's live subscriptions: could it differ
 * from what Stripe says? Kept apart and small so that it follows the membership rules as they change.
 */
import * as Config from "../config";
import { choose, derive, sameMembership, type PaidMembership } from "./rules";
import type { Patron } from "./types";

/**
 * Whether `patron` must be synced (read, fetched again, written: the normal way), given its `memberships` on one
 * page of the live list. Yes when it is still owed an email (syncing sends it), when the deciding subscription is
 * past due (its grace counts from invoices only Stripe's API gives), and when the rules derive another membership
 * than the one stored. The page may hold only some of the patron's subscriptions: a false "yes" costs one sync,
 * and whichever page holds the deciding one compares it (`choose` picks it from any subset that contains it).
 */
export function needsSync(patron: Patron, memberships: readonly PaidMembership[], now: Date): boolean {
  if (patron.notice) return true;
  const deciding = choose(memberships);
  if (!deciding || deciding.status === "past_due") return true;
  const expected = derive(patron, deciding, patron.subscriberId, now, Config.get().GRACE_DAYS);
  return !expected || !sameMembership(patron, expected);
}
