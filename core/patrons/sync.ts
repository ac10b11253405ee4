/**
 * Bringing a patron in line with Stripe: every webhook and the reconciliation end here. The answer depends only on
 * what Stripe's API says *now* (fetched after the patron is read: see `apply.ts`) and what is stored, never on
 * which event arrived or in what order. See README.md in core/stripe.
 */
import * as Db from "../db";
import { applyMembership, type Applied } from "./apply";
import { membershipsOf } from "./memberships";
import { subscriberForCustomer } from "./resolve";
import { NEVER_PAID } from "./rules";

export interface SyncResult extends Partial<Applied> {
  changed: boolean;
  /** Why nothing was done, when nothing was. */
  skipped?: "no_membership" | "no_subscriber" | "erased";
}

/**
 * Syncs the patron who pays through `customerId`, finding (or making) the subscriber if no patron holds that
 * customer yet. A customer without a subscription at a configured tier's price changes nothing at all: a shared
 * Stripe account's other products make no phantom patrons. Nor does a customer whose subscriber was erased.
 */
export async function syncCustomer(customerId: string, hint: { subscriberId?: string } = {}, now = new Date()): Promise<SyncResult> {
  // The customer's subscriber erased their data: its events must not make them a subscriber (or a patron) again.
  if (await Db.Erasure.isErasedCustomer(customerId)) return { changed: false, skipped: "erased" };
  let subscriberId = (await Db.Patrons.byCustomer(customerId))?.subscriberId;
  if (!subscriberId) {
    // Someone who never paid (incomplete, incomplete_expired) is not a patron, nor made a subscriber.
    const found = (await membershipsOf([customerId])).filter((f) => !NEVER_PAID.has(f.membership.status));
    if (found.length === 0) return { changed: false, skipped: "no_membership" };
    subscriberId = await subscriberForCustomer(customerId, hint, found.map((f) => f.subscription), now);
    if (!subscriberId) return { changed: false, skipped: "no_subscriber" };
  }
  return syncPatron(subscriberId, [customerId], now);
}

/**
 * Syncs one subscriber's patron with the subscriptions of `customerIds` and of the customer they already pay
 * through (someone who checked out twice has two), the deciding one chosen by `choose`.
 */
export async function syncPatron(subscriberId: string, customerIds: readonly string[], now = new Date()): Promise<SyncResult> {
  return applyMembership(
    subscriberId,
    async (before) => {
      const customers = [...customerIds, ...(before?.stripeCustomerId ? [before.stripeCustomerId] : [])];
      return (await membershipsOf(customers)).map((found) => found.membership);
    },
    now,
  );
}
