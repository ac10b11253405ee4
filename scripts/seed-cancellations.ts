/**
 * Demo data for `npm start`: a few former patrons who cancelled in the past weeks, for reasons the Billing Portal's
 * survey collects (and one whose payments failed), so the dashboard's retention page and their records show
 * cancellation reasons. Written as the webhook writes a patron (`Db.Patrons.save`: the day's counters in the same
 * transaction). Lapsed, with no live subscription, so the reconciliation leaves them be. Idempotent.
 */
import * as Config from "../core/config";
import * as Db from "../core/db";
import { demoReader } from "./seed-reader";
import type { Cancellation } from "../core/patrons/types";

const DAY = 86_400_000;

const former: Array<{ email: string; name?: string; language?: string; daysAgo: number; cancellation: Omit<Cancellation, "subscriptionId" | "requestedAt"> }> = [
  { email: "gus@example.com", name: "Gus", daysAgo: 3, cancellation: { reason: "cancellation_requested", feedback: "too_expensive", comment: "I'll be back when my contract ends." } },
  { email: "hana@example.com", name: "Hana", daysAgo: 6, cancellation: { reason: "cancellation_requested", feedback: "unused" } },
  { email: "ivo@example.com", daysAgo: 11, cancellation: { reason: "cancellation_requested", feedback: "switched_service", comment: "I read the same stories in another app now." } },
  { email: "yana@example.com", name: "Яна", language: "uk", daysAgo: 15, cancellation: { reason: "cancellation_requested", feedback: "too_expensive", comment: "Зараз важко з грошима." } },
  { email: "kit@example.com", daysAgo: 20, cancellation: { reason: "payment_failed" } },
];

/** Seeds the former patrons; returns a line worth printing. */
export async function seedCancellations(now: Date): Promise<string> {
  const tier = Config.get().TIERS[0];
  if (!tier) return "no tiers configured: no former patrons seeded";
  for (const [index, demo] of former.entries()) {
    const asked = new Date(now.getTime() - demo.daysAgo * DAY);
    const at = new Date(asked.getTime() - 90 * DAY).toISOString();
    const id = await demoReader({ id: `sub_democancel${String(index).padStart(16, "0")}`, email: demo.email, name: demo.name, language: demo.language, joinedAt: at });
    if (await Db.Patrons.get(id)) continue;
    const subscriptionId = `sub_democancel${index}`;
    // Cancelled at the period's end (the portal's default), which came a few days later; failed payments end at once.
    const lapsedAt = new Date(Math.min(now.getTime(), asked.getTime() + (demo.cancellation.reason === "payment_failed" ? 0 : 2 * DAY))).toISOString();
    await Db.Patrons.save({
      subscriberId: id,
      status: "lapsed",
      tierId: tier.id,
      stripeCustomerId: `cus_democancel${index}`,
      stripeCustomerIds: [`cus_democancel${index}`],
      stripeSubscriptionId: subscriptionId,
      stripePriceId: tier.priceId,
      subscriptionStatus: "canceled",
      cancelAtPeriodEnd: demo.cancellation.reason !== "payment_failed",
      lapsedAt,
      cancellation: { subscriptionId, requestedAt: asked.toISOString(), ...demo.cancellation },
      createdAt: at,
      updatedAt: lapsedAt,
      version: 1,
    });
  }
  return `${former.length} former patrons with their reasons for cancelling: the dashboard's retention page and their records (e.g. gus@example.com)`;
}
