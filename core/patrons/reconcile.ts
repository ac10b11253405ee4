/**
 * The daily reconciliation: Stripe's whole subscription list, page by page, compared with the patrons. A patron
 * who differs from what the list says (a webhook lost, or never sent) is synced the usual way (read, fetch
 * again, write: the list may already be older than a webhook processed meanwhile), and a membership with no
 * patron yet gets one. What changed is logged and returned.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import { membershipOf } from "./memberships";
import { choose, derive, sameMembership, type PaidMembership } from "./rules";
import { syncCustomer, syncPatron } from "./sync";

export interface ReconcileReport {
  /** Pages of Stripe's subscription list read, and the subscriptions on them. */
  pages: number;
  subscriptions: number;
  /** Stripe customers holding a membership (a subscription at a tier's price), all compared. */
  customers: number;
  changed: Array<{
    subscriberId: string;
    customerId: string;
    from: { status: string; tierId: string } | null;
    to: { status: string; tierId: string } | null;
  }>;
  /** Paying patrons whose Stripe customer has no membership in the list (their customer deleted?): left alone. */
  unmatched: string[];
}

export const PAGE_SIZE = 100;

export async function reconcile(now = new Date()): Promise<ReconcileReport> {
  const { GRACE_DAYS } = Config.get();
  const report: ReconcileReport = { pages: 0, subscriptions: 0, customers: 0, changed: [], unmatched: [] };
  const byCustomer = new Map<string, PaidMembership[]>();
  let startingAfter: string | undefined;
  do {
    const page = await (await StripeApi.stripe()).subscriptions.list({
      status: "all",
      limit: PAGE_SIZE,
      ...(startingAfter && { starting_after: startingAfter }),
    });
    report.pages++;
    report.subscriptions += page.data.length;
    for (const subscription of page.data) {
      const membership = membershipOf(subscription);
      if (membership) byCustomer.set(membership.customerId, [...(byCustomer.get(membership.customerId) ?? []), membership]);
    }
    startingAfter = page.has_more ? page.data.at(-1)?.id : undefined;
  } while (startingAfter);

  report.customers = byCustomer.size;
  for (const [customerId, memberships] of byCustomer) {
    const patron = await Db.Patrons.byCustomer(customerId);
    const current = patron && (await Db.Patrons.get(patron.subscriberId));
    if (current) {
      const all = [...memberships, ...(current.stripeCustomerId !== customerId ? (byCustomer.get(current.stripeCustomerId ?? "") ?? []) : [])];
      const expected = derive(current, choose(all), current.subscriberId, now, GRACE_DAYS);
      // A patron still owed an email (its notice: a sender that failed or died) is synced too, which sends it.
      if (expected && sameMembership(current, expected) && !current.notice) continue;
    }
    const result = current ? await syncPatron(current.subscriberId, [customerId], now) : await syncCustomer(customerId, {}, now);
    if (result.changed && result.subscriberId) {
      const change = {
        subscriberId: result.subscriberId,
        customerId,
        from: result.before ? { status: result.before.status, tierId: result.before.tierId } : null,
        to: result.after ? { status: result.after.status, tierId: result.after.tierId } : null,
      };
      report.changed.push(change);
      log.warn({ event: "patron.reconciled", ...change }, "reconciliation repaired a patron");
    }
  }

  for (const status of ["active", "grace"] as const) {
    for await (const patron of Db.Patrons.byStatus(status)) {
      if (patron.stripeCustomerId && !byCustomer.has(patron.stripeCustomerId)) report.unmatched.push(patron.subscriberId);
    }
  }
  if (report.unmatched.length) {
    log.warn({ event: "patron.unmatched", subscriberIds: report.unmatched }, "paying patrons with no membership at Stripe");
  }
  log.info(
    { event: "patrons.reconciled", pages: report.pages, subscriptions: report.subscriptions, changed: report.changed.length },
    "reconciliation done",
  );
  return report;
}
