/**
 * One page of a reconciliation cycle (`reconcile.ts` drives them): a page of Stripe's live subscriptions compared
 * with their patrons, read in batches; or a page of patrons swept for those the live lists never showed. Each
 * patron that may differ is synced the normal way (read, fetch again, write), so doing a page twice is harmless.
 */
import * as Db from "../db";
import { log } from "../log";
import type { Stripe } from "../stripe";
import { membershipOf } from "./memberships";
import { needsSync } from "./reconcile-compare";
import type { PaidMembership } from "./rules";
import { syncCustomer, syncPatron, type SyncResult } from "./sync";
import type { Patron } from "./types";

/** A patron the reconciliation changed, from what to what (`null`: no patron). */
export interface Change {
  subscriberId: string;
  customerId: string;
  from: { status: string; tierId: string } | null;
  to: { status: string; tierId: string } | null;
}

/** What one page did. */
export interface PageOutcome {
  /** Stripe customers holding a membership on the page (live pages). */
  customers: number;
  /** Patrons (or customers with no patron yet) synced. */
  synced: number;
  changed: Change[];
  /** Paying patrons that no live list of the cycle showed (swept: their subscription ended, or is gone). */
  unmatched: string[];
  /** Subscribers (or customers) whose sync failed: logged, and tried again next cycle. */
  failed: string[];
}

const emptyOutcome = (): PageOutcome => ({ customers: 0, synced: 0, changed: [], unmatched: [], failed: [] });

/**
 * Only these are swept for not being seen: the paying statuses, which a subscription that ended must change, and
 * `paused` (a subscription still live at Stripe, which will pay again by itself).
 */
const paying = (patron: Patron | undefined) => patron?.status === "active" || patron?.status === "grace" || patron?.status === "paused";

/**
 * A page of live subscriptions: their patrons found in batches (the customers' ties, else the legacy index), each
 * patron that may differ synced, each customer with no patron yet given one, and every paying patron marked as
 * seen in `cycleId` so the sweep passes it by.
 */
export async function reconcileLivePage(subscriptions: readonly Stripe.Subscription[], cycleId: string, now: Date): Promise<PageOutcome> {
  const outcome = emptyOutcome();
  const byCustomer = new Map<string, PaidMembership[]>();
  for (const membership of subscriptions.map(membershipOf)) {
    if (membership) byCustomer.set(membership.customerId, [...(byCustomer.get(membership.customerId) ?? []), membership]);
  }
  outcome.customers = byCustomer.size;
  if (byCustomer.size === 0) return outcome;

  const owners = await Db.Customers.subscribersOf([...byCustomer.keys()]);
  const untied = [...byCustomer.keys()].filter((customerId) => !owners.has(customerId));
  const legacy = await Promise.all(untied.map(async (customerId) => [customerId, (await Db.Patrons.byCustomer(customerId))?.subscriberId] as const));
  for (const [customerId, subscriberId] of legacy) if (subscriberId) owners.set(customerId, subscriberId);
  const patrons = await Db.Patrons.many([...new Set(owners.values())]);

  // A patron paying through several customers on this page is compared once, with all of them.
  const bySubscriber = new Map<string, { customerIds: string[]; memberships: PaidMembership[] }>();
  const withoutPatron: string[] = [];
  for (const [customerId, memberships] of byCustomer) {
    const subscriberId = owners.get(customerId);
    if (!subscriberId || !patrons.has(subscriberId)) {
      withoutPatron.push(customerId);
      continue;
    }
    const entry = bySubscriber.get(subscriberId) ?? { customerIds: [], memberships: [] };
    entry.customerIds.push(customerId);
    entry.memberships.push(...memberships);
    bySubscriber.set(subscriberId, entry);
  }

  const seen: string[] = [];
  for (const [subscriberId, { customerIds, memberships }] of bySubscriber) {
    const patron = patrons.get(subscriberId)!;
    const after = needsSync(patron, memberships, now)
      ? (await attempt(outcome, customerIds[0]!, subscriberId, () => syncPatron(subscriberId, customerIds, now)))?.after
      : patron;
    if (paying(after)) seen.push(subscriberId);
  }
  for (const customerId of withoutPatron) {
    const result = await attempt(outcome, customerId, undefined, () => syncCustomer(customerId, {}, now));
    if (result?.subscriberId && paying(result.after)) seen.push(result.subscriberId);
  }
  await Db.Patrons.markSeen(seen, cycleId);
  return outcome;
}

/**
 * A page of patrons of one status: each paying patron with a Stripe customer that this cycle's live lists did not
 * show (its subscription ended, or is gone) is synced, and so is each patron still owed an email (which sends it).
 */
export async function reconcileSweepPage(patrons: readonly Db.Patrons.SweptPatron[], cycleId: string, now: Date): Promise<PageOutcome> {
  const outcome = emptyOutcome();
  for (const { patron, reconciledIn } of patrons) {
    const customerId = patron.stripeCustomerId;
    const unseen = paying(patron) && customerId !== undefined && reconciledIn !== cycleId;
    if (unseen) outcome.unmatched.push(patron.subscriberId);
    if (unseen || patron.notice) {
      await attempt(outcome, customerId ?? "", patron.subscriberId, () => syncPatron(patron.subscriberId, customerId ? [customerId] : [], now));
    }
  }
  return outcome;
}

/**
 * Runs one sync and records what it changed. A failure is logged and recorded, not thrown: one patron Stripe or
 * the table keeps refusing must not hold up the cycle for everyone after it (the next cycle tries again).
 */
async function attempt(
  outcome: PageOutcome,
  customerId: string,
  subscriberId: string | undefined,
  sync: () => Promise<SyncResult>,
): Promise<SyncResult | undefined> {
  outcome.synced++;
  try {
    const result = await sync();
    if (result.changed && result.subscriberId) {
      const change: Change = {
        subscriberId: result.subscriberId,
        customerId,
        from: result.before ? { status: result.before.status, tierId: result.before.tierId } : null,
        to: result.after ? { status: result.after.status, tierId: result.after.tierId } : null,
      };
      outcome.changed.push(change);
      log.warn({ event: "patron.reconciled", ...change }, "reconciliation repaired a patron");
    }
    return result;
  } catch (error) {
    log.error({ err: error, event: "patron.reconcile_failed", subscriberId, customerId }, "reconciliation could not sync a patron");
    outcome.failed.push(subscriberId ?? customerId);
    return undefined;
  }
}
