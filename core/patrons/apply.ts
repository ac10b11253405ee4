/**
 * The one way a patron is written: read it (its version) → learn the memberships that decide it → derive the
 * patron → write only if the version is still the one read; a lost race starts again from the read. When nothing
 * differs, only the version moves (`touch`), so a slower attempt holding older news can never overwrite a newer
 * one: its write fails and it reads and asks again. Then the email the change owes is sent (`notify.ts`).
 *
 * Where the memberships come from is the caller's: Stripe's API (`sync.ts`), or what is stored (expiry, comps),
 * which keeps Stripe out of the functions that don't talk to it.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import { recount } from "../votes/recount";
import { deliverNotice } from "./notify";
import { choose, derive, sameMembership, type Comp, type PaidMembership } from "./rules";
import type { Patron } from "./types";

export interface Applied {
  subscriberId: string;
  before?: Patron;
  after?: Patron;
  /** Whether the membership changed (not just its version). */
  changed: boolean;
}

/**
 * Applies the membership rules to one subscriber's patron. `memberships` is called after each read of the patron
 * (never before: see above); `grant` is a comp being granted now (or made from the patron as read, each attempt).
 */
export async function applyMembership(
  subscriberId: string,
  memberships: (before: Patron | undefined) => Promise<PaidMembership[]> | PaidMembership[],
  now = new Date(),
  grant?: Comp | ((before: Patron | undefined) => Comp),
): Promise<Applied> {
  const { GRACE_DAYS } = Config.get();
  // Many events about one patron arrive at once: a lost race waits a random while (so they take turns) and reads again.
  const { before, after, changed } = await Db.retryWrite(`applying the membership of ${subscriberId}`, async () => {
    const before = await Db.Patrons.get(subscriberId);
    const found = await memberships(before);
    const derived = derive(before, choose(found), subscriberId, now, GRACE_DAYS, typeof grant === "function" ? grant(before) : grant);
    if (!derived) return { before, after: undefined, changed: false }; // nothing to write
    const customers = [...new Set([...(before?.stripeCustomerIds ?? []), ...found.map((m) => m.customerId)])].sort();
    if (customers.length > 0) derived.stripeCustomerIds = customers;
    const changed = !before || !sameMembership(before, derived);
    if (!changed) return { before, after: await Db.Patrons.touch(before!, now.toISOString()), changed };
    const after: Patron = { ...derived, version: (before?.version ?? 0) + 1, updatedAt: now.toISOString() };
    await Db.Patrons.save(after, before);
    return { before, after, changed };
  });
  if (!after) return { subscriberId, before, after: before, changed: false };
  if (changed) {
    log.info(
      { event: "patron.changed", subscriberId, from: before?.status ?? null, to: after.status, tier: after.tierId },
      `patron ${before?.status ?? "none"} → ${after.status}`,
    );
  }
  // Votes follow the membership (lapse, rejoin, tier). Idempotent, so run on every apply: a re-count a crash
  // interrupted is finished by the next webhook or the daily reconciliation.
  await recount(subscriberId, now);
  await deliverNotice(after);
  return { subscriberId, before, after, changed };
}
