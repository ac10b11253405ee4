/**
 * One subscriber's record as the dashboard shows it (`/editor/subscribers/{email}`): what they chose and agreed to,
 * their membership, and a summary of what their data export holds (deliveries, votes, contributions, gifts). Read
 * through `Privacy.exportData`, so the dashboard never shows an editor more than the reader could download.
 */
import type { Delivery } from "../delivery/types";
import * as Privacy from "../privacy";
import { byEmail } from "./list";

/** How many deliveries the record lists (the newest); the counts by status cover them all. */
export const RECENT_DELIVERIES = 20;

export type SubscriberRecord = Awaited<ReturnType<typeof subscriberRecord>>;

type Money = Record<string, { amount: number; refunded: number; count: number }>;

/** The record of the subscriber with this address (lower-cased); 404 `VisibleError` for nobody. */
export async function subscriberRecord(email: string) {
  const subscriber = await byEmail(email);
  const data = await Privacy.exportData(subscriber.id);
  const deliveries = data.deliveries as Array<Omit<Delivery, "claimId" | "leaseUntil">>;
  const byStatus: Record<string, number> = {};
  for (const delivery of deliveries) byStatus[delivery.status] = (byStatus[delivery.status] ?? 0) + 1;
  const contributions: Money = {};
  for (const c of data.contributions) {
    const currency = String(c.currency);
    const sum = (contributions[currency] ??= { amount: 0, refunded: 0, count: 0 });
    sum.amount += Number(c.amount);
    sum.refunded += Number(c.amountRefunded ?? 0);
    sum.count++;
  }
  const gift = (g: Record<string, unknown>) => ({
    tierId: String(g.tierId),
    months: Number(g.months),
    status: String(g.status),
    deliverOn: String(g.deliverOn),
    ...(typeof g.endsAt === "string" && { endsAt: g.endsAt }),
  });
  return {
    subscriber,
    deliveries: {
      total: deliveries.length,
      byStatus,
      recent: deliveries
        .slice(-RECENT_DELIVERIES)
        .reverse()
        .map(({ digestId, status, reason, updatedAt, sentAt }) => ({ digestId, status, reason, updatedAt, sentAt })),
    },
    votes: data.votes,
    contributions: { count: data.contributions.length, byCurrency: contributions },
    gifts: { given: data.gifts.given.map(gift), received: data.gifts.received.map(gift) },
    proposedTopics: data.proposedTopics.length,
    welcomeSeries: data.welcomeSeries,
  };
}
