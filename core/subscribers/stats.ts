/**
 * The editors' numbers: subscribers by status, patrons by status and by tier, and monthly recurring revenue.
 * Counted on read, not kept in counters: no write anywhere pays for them, and editors ask rarely. The cost is a
 * read of every subscriber item (`Db.SubscriberLists.countByStatus`) and of every patron item.
 */
import * as Config from "../config";
import { contributionStats } from "../contributions/stats";
import * as Db from "../db";
import { isPaying, patronStatuses, type Patron, type PatronStatus } from "../patrons/types";

const zeros = <K extends string>(names: readonly K[]) => Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;

/**
 * Revenue counts paying patrons (`active`, and `grace`: Stripe still bills them) at the price they pay, a yearly
 * price as a twelfth; comped patrons and those still in a trial pay nothing (yet). Each currency apart, in its minor
 * unit: a currency's yearly total divided by 12 and rounded once (to the nearest unit, half up), so many yearly
 * prices don't pile up rounding.
 */
function monthlyRecurringRevenue(patrons: readonly Patron[], counts: (patron: Patron) => boolean = isPaying): Record<string, number> {
  const tiers = new Map(Config.get().TIERS.map((tier) => [tier.id, tier]));
  const yearly: Record<string, number> = {};
  for (const patron of patrons) {
    const tier = tiers.get(patron.tierId);
    if (!tier || !counts(patron)) continue;
    const price = Config.priceOfTier(tier, patron.stripePriceId); // the price they pay, a retired one included
    yearly[price.currency] = (yearly[price.currency] ?? 0) + price.amount * (price.interval === "year" ? 1 : 12);
  }
  return Object.fromEntries(Object.entries(yearly).map(([currency, amount]) => [currency, Math.round(amount / 12)]));
}

async function patronsOf(status: PatronStatus): Promise<Patron[]> {
  const patrons: Patron[] = [];
  for await (const patron of Db.Patrons.byStatus(status)) patrons.push(patron);
  return patrons;
}

/** Subscribers by status, patrons by status and tier, monthly recurring revenue by currency (minor units). */
export async function stats() {
  const [subscribers, patrons, contributions] = await Promise.all([
    Db.SubscriberLists.countByStatus(),
    Promise.all(patronStatuses.map(patronsOf)).then((lists) => lists.flat()),
    contributionStats(),
  ]);
  const byStatus = zeros<PatronStatus>(patronStatuses);
  const byTier: Record<string, Record<PatronStatus, number>> = {};
  for (const patron of patrons) {
    byStatus[patron.status]++;
    (byTier[patron.tierId] ??= zeros<PatronStatus>(patronStatuses))[patron.status]++;
  }
  return {
    subscribers: { byStatus: subscribers, total: Object.values(subscribers).reduce((a, b) => a + b, 0) },
    patrons: { byStatus, byTier, total: patrons.length },
    monthlyRecurringRevenue: monthlyRecurringRevenue(patrons),
    // Paused patrons pay nothing now, but will again by themselves: their revenue apart, not in the figure above.
    pausedMonthlyRevenue: monthlyRecurringRevenue(patrons, (patron) => patron.status === "paused"),
    contributions,
  };
}
