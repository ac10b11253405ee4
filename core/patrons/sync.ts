/**
 * Bringing a patron in line with Stripe: every webhook and the reconciliation end here. The answer depends only on
 * what Stripe's API says *now* (fetched after the patron is read: see `apply.ts`) and what is stored, never on
 * which event arrived or in what order. See README.md in core/stripe.
 *
 * A person may pay through several Stripe customers (a second checkout while signed out makes a second one): each
 * customer is tied to its subscriber for good (`Db.Customers`), the patron lists them all, and the membership
 * follows the subscriptions of all of them.
 */
import * as Db from "../db";
import { log } from "../log";
import { applyMembership, type Applied } from "./apply";
import { endedMembership, membershipsOf } from "./memberships";
import { subscriberForCustomer } from "./resolve";
import { NEVER_PAID } from "./rules";
import type { Patron } from "./types";

export interface SyncResult extends Partial<Applied> {
  changed: boolean;
  /** Why nothing was done, when nothing was. */
  skipped?: "no_membership" | "no_subscriber" | "erased";
}

/**
 * Syncs the patron who pays through `customerId`, finding (or making) the subscriber if the customer is tied to
 * nobody yet, and tying it. A customer without a subscription at a configured tier's price changes nothing at all:
 * a shared Stripe account's other products make no phantom patrons. Nor does a customer whose subscriber was erased.
 */
export async function syncCustomer(customerId: string, hint: { subscriberId?: string } = {}, now = new Date()): Promise<SyncResult> {
  // The customer's subscriber erased their data: its events must not make them a subscriber (or a patron) again.
  if (await Db.Erasure.isErasedCustomer(customerId)) return { changed: false, skipped: "erased" };
  let subscriberId = await subscriberOfCustomer(customerId);
  if (!subscriberId) {
    // Someone who never paid (incomplete, incomplete_expired) is not a patron, nor made a subscriber.
    const found = (await membershipsOf([customerId])).filter((f) => !NEVER_PAID.has(f.membership.status));
    if (found.length === 0) return { changed: false, skipped: "no_membership" };
    const resolved = await subscriberForCustomer(customerId, hint, found.map((f) => f.subscription), now);
    if (!resolved) return { changed: false, skipped: "no_subscriber" };
    // Two first events of one customer may resolve it differently: the first tie stands, and both follow it.
    subscriberId = await Db.Customers.link(customerId, resolved, now.toISOString());
  }
  return syncPatron(subscriberId, [customerId], now);
}

/**
 * The subscriber a customer pays for: its tie, or (a patron written before customers were tied) the patron holding
 * it, which is then tied.
 */
export async function subscriberOfCustomer(customerId: string, now = new Date()): Promise<string | undefined> {
  const tied = await Db.Customers.subscriberOf(customerId);
  if (tied) return tied;
  const legacy = (await Db.Patrons.byCustomer(customerId))?.subscriberId;
  return legacy && (await Db.Customers.link(customerId, legacy, now.toISOString()));
}

/**
 * Syncs one subscriber's patron with the subscriptions of `customerIds` and of every customer they already pay
 * through, the deciding one chosen by `choose`. The subscription the patron held, if Stripe no longer shows it as
 * a membership (its customer deleted, or moved to a price in no tier), counts as ended.
 */
export async function syncPatron(subscriberId: string, customerIds: readonly string[], now = new Date()): Promise<SyncResult> {
  return applyMembership(
    subscriberId,
    async (before) => {
      const found = (await membershipsOf([...customerIds, ...customersOf(before)])).map((f) => f.membership);
      const live = found.filter((m) => m.status === "active" || m.status === "trialing" || m.status === "past_due");
      if (live.length > 1) {
        // Paying twice (two checkouts): both are shown on the account page to manage; editors see it in the logs.
        log.warn({ event: "patron.paying_twice", subscriberId, subscriptions: live.map((m) => m.subscriptionId) }, "a patron pays through several live subscriptions");
      }
      const ended = endedMembership(before, found);
      return ended ? [...found, ended] : found;
    },
    now,
  );
}

/** Every customer a patron has paid through. */
export function customersOf(patron: Patron | undefined): string[] {
  return [...new Set([...(patron?.stripeCustomerIds ?? []), ...(patron?.stripeCustomerId ? [patron.stripeCustomerId] : [])])];
}
