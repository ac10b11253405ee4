/**
 * The daily snapshot of the editors' figures: shortly after a UTC day ends, the schedule
 * (`functions/cron/stats-snapshot.ts`) writes that day's item, so the dashboard's charts read a few hundred small
 * items instead of counting the table for every view. Today's figures come from `stats()` (what `GET /api/stats`
 * answers); the day's joined and churned from its counters, which the writes keep (core/stats/counted.ts).
 */
import * as Db from "../db";
import { log } from "../log";
import { stats } from "../subscribers/stats";
import type { DaySnapshot } from "./types";

const DAY = 86_400_000;

/**
 * Takes and writes the snapshot of `date` (UTC, `yyyy-mm-dd`) as the figures stand at `now`. Once the day has
 * ended the snapshot is final and written once: taken again (a retried schedule) it leaves the stored item as it
 * is and answers it. Taken during its day it is provisional, replaced by any later one.
 */
export async function takeSnapshot(date: string, now = new Date()): Promise<{ snapshot: DaySnapshot; written: boolean }> {
  const [figures, contributions, counts] = await Promise.all([
    stats(),
    Db.Contributions.monthTotals(date.slice(0, 7)), // the day's month, not the month of `now` (a 1st's run)
    Db.Stats.countsOf(date),
  ]);
  const snapshot: DaySnapshot = {
    date,
    takenAt: now.toISOString(),
    subscribers: figures.subscribers,
    patrons: figures.patrons,
    mrr: figures.monthlyRecurringRevenue,
    contributions: { month: date.slice(0, 7), byCurrency: contributions },
    joined: { subscribers: counts.subscribersJoined, patrons: counts.patronsJoined },
    churned: { subscribers: counts.subscribersChurned, patrons: counts.patronsChurned },
    ...(date >= Db.Stats.dayOf(now) && { provisional: true }),
  };
  return Db.Stats.putSnapshot(snapshot);
}

/** The schedule's run: the snapshot of the UTC day before `now` (the day that just ended). */
export async function runSchedule(now = new Date()): Promise<{ date: string; written: boolean }> {
  const date = Db.Stats.dayOf(new Date(now.getTime() - DAY));
  const { written } = await takeSnapshot(date, now);
  log.info({ event: "stats.snapshot", date, written }, written ? `snapshot of ${date} written` : `snapshot of ${date} was already there`);
  return { date, written };
}

/** A provisional snapshot of today (the local demo's schedule, so its dashboard has today's point). */
export async function snapshotToday(now = new Date()): Promise<DaySnapshot> {
  return (await takeSnapshot(Db.Stats.dayOf(now), now)).snapshot;
}
