/**
 * Bringing a patron in line with Stripe: every webhook and the reconciliation end here. The answer depends only on
 * what Stripe's API says *now* (fetched after the patron is read: see `apply.ts`) and what is stored, never on
 * which event arrived or in what order. See README.md in core/stripe.
 *
 * A person may pay through several Stripe customers (a second checkout while signed out makes a second one): each
 * customer is tied to its subscriber for good (`Db.Customers`), the patron lists them all, and the membership
 * follows the subscriptions of all of them.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import { applyMembership, type Applied } from "./apply";
import { endedMembership, membershipsOf } from "./memberships";
import { SUBSCRIBER_KEY, subscriberForCustomer } from "./resolve";
import { NEVER_PAID, choose, paidStatus, type PaidMembership } from "./rules";
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
      const known = [...new Set([...customerIds, ...customersOf(before)])];
      let found = (await membershipsOf(known)).map((f) => f.membership);
      // About to end a running membership: first make sure no other customer of theirs still pays (see below).
      if (before && (before.status === "active" || before.status === "grace" || before.status === "paused") && !keepsRunning(found, now)) {
        const others = await untiedCustomers(subscriberId, known, now);
        if (others.length > 0) found = [...found, ...(await membershipsOf(others)).map((f) => f.membership)];
      }
      const live = found.filter(isLive);
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

const { metadataValue } = StripeApi.Objects;
const isLive = (m: PaidMembership) => m.status === "active" || m.status === "trialing" || m.status === "past_due";

/** Whether the memberships found keep a patron running (active, paused, or in grace: a debt past its grace does not). */
function keepsRunning(found: readonly PaidMembership[], now: Date): boolean {
  const chosen = choose(found);
  const status = chosen && paidStatus(chosen, now, Config.get().GRACE_DAYS)?.status;
  return status === "active" || status === "grace" || status === "paused";
}

/**
 * Other customers of the person at Stripe, found by address (the subscriber's, and their known customers'), not
 * tied to anyone else, not erased, and holding a membership: tied to them now. A second customer's first events may
 * come after its first customer's cancellation; without this the membership would end (a lapsed email) while the
 * other customer still pays, and start again (a welcome) when its events arrive.
 */
async function untiedCustomers(subscriberId: string, known: readonly string[], now: Date): Promise<string[]> {
  const stripe = await StripeApi.stripe();
  const emails = new Set<string>();
  const subscriber = await Db.Subscribers.get(subscriberId);
  if (subscriber) emails.add(subscriber.email);
  for (const customerId of known) {
    const customer = await stripe.customers.retrieve(customerId).catch((error) => {
      if (StripeApi.isMissing(error)) return undefined; // purged: no address left to look by
      throw error;
    });
    if (customer && !customer.deleted && customer.email) emails.add(customer.email);
  }
  const found: string[] = [];
  for (const email of emails) {
    for (const customer of (await stripe.customers.list({ email, limit: 100 })).data) {
      if (known.includes(customer.id) || found.includes(customer.id)) continue;
      if (await Db.Erasure.isErasedCustomer(customer.id)) continue;
      const memberships = (await membershipsOf([customer.id])).filter((f) => !NEVER_PAID.has(f.membership.status));
      // Someone else's checkout (its metadata names another subscriber) is not theirs, whatever the address.
      if (memberships.length === 0 || memberships.some((f) => ![undefined, subscriberId].includes(metadataValue(f.subscription, SUBSCRIBER_KEY)))) continue;
      if ((await Db.Customers.link(customer.id, subscriberId, now.toISOString())) === subscriberId) found.push(customer.id);
    }
  }
  return found;
}

/** Every customer a patron has paid through. */
export function customersOf(patron: Patron | undefined): string[] {
  return [...new Set([...(patron?.stripeCustomerIds ?? []), ...(patron?.stripeCustomerId ? [patron.stripeCustomerId] : [])])];
}
