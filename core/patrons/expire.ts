/**
 * Memberships that change by the clock: comps past their end, grace periods past theirs, pauses past theirs
 * (active again). Applied from what is
 * stored (no call to Stripe: reconciliation and webhooks correct anything Stripe knows better), each with its
 * lapsed email.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import { applyMembership } from "./apply";
import { storedMembership } from "./rules";
import type { Patron } from "./types";

export interface ExpiryReport {
  /** Subscribers whose membership changed, with the status it changed to. */
  changed: Array<{ subscriberId: string; from: string; to: string }>;
}

export async function expire(now = new Date()): Promise<ExpiryReport> {
  const at = now.toISOString();
  const { TIERS } = Config.get();
  const stored = (before: Patron | undefined) => {
    const membership = before && storedMembership(before, TIERS);
    return membership ? [membership] : [];
  };
  const due: string[] = [];
  for await (const patron of Db.Patrons.byStatus("comped")) if (patron.compedUntil && patron.compedUntil <= at) due.push(patron.subscriberId);
  for await (const patron of Db.Patrons.byStatus("grace")) if (patron.graceUntil && patron.graceUntil <= at) due.push(patron.subscriberId);
  // A pause resumes by itself: votes count again at its end even if Stripe's event is late (it then changes nothing).
  for await (const patron of Db.Patrons.byStatus("paused")) if (patron.pausedUntil && patron.pausedUntil <= at) due.push(patron.subscriberId);

  const report: ExpiryReport = { changed: [] };
  for (const subscriberId of due) {
    const { before, after, changed } = await applyMembership(subscriberId, stored, now);
    if (changed && before && after) report.changed.push({ subscriberId, from: before.status, to: after.status });
  }
  log.info({ event: "patrons.expired", count: report.changed.length, changed: report.changed }, "expired memberships applied");
  return report;
}
