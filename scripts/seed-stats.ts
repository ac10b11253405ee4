/**
 * Demo figures over time for `npm start`: 90 made-up daily snapshots before today, each marked `demo`, so the
 * editors' dashboard has a history to chart on a fresh table. They are walked back from today's real figures (a
 * few readers joining most days, now and then one leaving), so the made-up past meets the real present instead of
 * jumping to it; today's own point is the local schedule's. Deterministic, and never replaces a stored snapshot.
 */
import { createHash } from "node:crypto";
import * as Config from "../core/config";
import * as Db from "../core/db";
import type { DaySnapshot } from "../core/stats/types";
import { stats } from "../core/subscribers/stats";

const DAY = 86_400_000;

/** A number in [0, 1) from a day and a purpose: the same demo every time it is seeded. */
const chance = (date: string, what: string) => createHash("sha1").update(`${date}:${what}`).digest().readUInt32BE(0) / 2 ** 32;

export async function seedStats(now = new Date(), days = 90): Promise<string> {
  const figures = await stats();
  const { CONTRIBUTION_AMOUNTS, CONTRIBUTION_CURRENCY } = Config.get();
  const subscribers = { ...figures.subscribers.byStatus };
  const patrons = { ...figures.patrons.byStatus };
  const activePatronsNow = patrons.active;
  const tierId = Object.entries(figures.patrons.byTier).sort(([, a], [, b]) => b.active - a.active)[0]?.[0] ?? Config.get().TIERS[0]?.id;
  const made: DaySnapshot[] = [];
  // Backwards from yesterday: a day's figures are the next day's, less what joined that next day, plus what left.
  let next: { joined: DaySnapshot["joined"]; churned: DaySnapshot["churned"] } | undefined;
  for (let back = 1; back <= days; back++) {
    const date = Db.Stats.dayOf(new Date(now.getTime() - back * DAY));
    if (next) {
      subscribers.active = Math.max(0, subscribers.active - next.joined.subscribers) + next.churned.subscribers;
      subscribers.unsubscribed = Math.max(0, subscribers.unsubscribed - next.churned.subscribers);
      patrons.active = Math.max(0, patrons.active - next.joined.patrons) + next.churned.patrons;
      patrons.lapsed = Math.max(0, patrons.lapsed - next.churned.patrons);
    }
    const joined = {
      subscribers: Math.min(subscribers.active, Math.floor(chance(date, "joined") * 4)),
      patrons: Math.min(patrons.active, chance(date, "patron") < 0.1 ? 1 : 0),
    };
    const churned = {
      subscribers: subscribers.unsubscribed > 0 && chance(date, "left") < 0.3 ? 1 : 0,
      patrons: patrons.lapsed > 0 && chance(date, "lapsed") < 0.05 ? 1 : 0,
    };
    const total = Object.values(subscribers).reduce((a, b) => a + b, 0);
    const mrr = Object.fromEntries(
      Object.entries(figures.monthlyRecurringRevenue).map(([currency, amount]) => [
        currency,
        activePatronsNow ? Math.round((amount * patrons.active) / activePatronsNow) : 0,
      ]),
    );
    made.push({
      date,
      takenAt: new Date(Date.parse(`${date}T00:05:00Z`) + DAY).toISOString(),
      subscribers: { byStatus: { ...subscribers }, total },
      patrons: {
        byStatus: { ...patrons },
        byTier: tierId ? { [tierId]: { ...patrons } } : {},
        total: Object.values(patrons).reduce((a, b) => a + b, 0),
      },
      mrr,
      contributions: { month: date.slice(0, 7), byCurrency: {} },
      joined,
      churned,
      demo: true,
    });
    next = { joined, churned };
  }
  // Forwards, the month's contributions so far: now and then someone gives one of the preset amounts.
  let running = { month: "", amount: 0, count: 0 };
  for (const snapshot of made.reverse()) {
    if (snapshot.contributions.month !== running.month) running = { month: snapshot.contributions.month, amount: 0, count: 0 };
    if (chance(snapshot.date, "gave") < 0.2) {
      running.amount += CONTRIBUTION_AMOUNTS[Math.floor(chance(snapshot.date, "amount") * CONTRIBUTION_AMOUNTS.length)] ?? 0;
      running.count++;
    }
    if (running.count) snapshot.contributions.byCurrency = { [CONTRIBUTION_CURRENCY]: { amount: running.amount, count: running.count, refunded: 0 } };
  }
  await Promise.all(made.map((snapshot) => Db.Stats.putSnapshot(snapshot, { onlyNew: true })));
  return `${days} days of made-up figures before today for the dashboard's charts (demo data, marked "demo")`;
}
