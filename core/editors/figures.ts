/**
 * The overview's figures over time, from the daily snapshots (`core/stats`): one Query of the last year's days,
 * never a read of the subscribers themselves, so the page costs the same for 100 readers or 100,000. Days without a
 * snapshot are gaps (`null`), never zeros.
 *
 * - the last 90 days, day by day: subscribers by status, patrons by status;
 * - the last 12 months, month by month: monthly recurring revenue (the month's last snapshot), one-time revenue
 *   (the month's contributions, from its last snapshot), joins and churn (the days' counters added up);
 * - now: the latest snapshot (patrons by tier, today's totals).
 */
import { patronStatuses, type PatronStatus } from "../patrons/types";
import * as Stats from "../stats";
import type { DaySnapshot } from "../stats";
import { statuses, type Status } from "../subscribers/types";

const DAY_MS = 86_400_000;
export const RECENT_DAYS = 90;
export const MONTHS = 12;

export interface DailyFigures {
  /** `yyyy-mm-dd`, oldest first, every day of the range. */
  dates: string[];
  subscribers: Record<Status, Array<number | null>>;
  patrons: Record<PatronStatus, Array<number | null>>;
}

export interface MonthlyFigures {
  /** `yyyy-mm`, oldest first. */
  months: string[];
  /** By currency: the month's last figure, minor units. */
  mrr: Record<string, Array<number | null>>;
  /** By currency: the month's contributions, minor units (net of nothing: what was paid). */
  contributions: Record<string, Array<number | null>>;
  subscribersJoined: Array<number | null>;
  subscribersChurned: Array<number | null>;
  patronsJoined: Array<number | null>;
  patronsChurned: Array<number | null>;
}

export interface Figures {
  latest?: DaySnapshot;
  daily: DailyFigures;
  monthly: MonthlyFigures;
}

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export async function figures(now = new Date()): Promise<Figures> {
  const today = dayOf(now.getTime());
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1), 1));
  const { days } = await Stats.history({ from: dayOf(first.getTime()), to: today }, now);
  return { latest: days[days.length - 1], daily: daily(days, now), monthly: monthly(days, first) };
}

function daily(days: readonly DaySnapshot[], now: Date): DailyFigures {
  const byDate = new Map(days.map((day) => [day.date, day]));
  const dates = Array.from({ length: RECENT_DAYS }, (_, i) => dayOf(now.getTime() - (RECENT_DAYS - 1 - i) * DAY_MS));
  const column = <K extends string>(keys: readonly K[], pick: (day: DaySnapshot) => Record<K, number>) =>
    Object.fromEntries(keys.map((key) => [key, dates.map((date) => (byDate.has(date) ? (pick(byDate.get(date)!)[key] ?? 0) : null))])) as Record<K, Array<number | null>>;
  // Every status, in the order the domain lists them (a stored map keeps no order).
  const subscriberKeys: readonly Status[] = statuses;
  const patronKeys: readonly PatronStatus[] = patronStatuses;
  return {
    dates,
    subscribers: column(subscriberKeys, (day) => day.subscribers.byStatus),
    patrons: column(patronKeys, (day) => day.patrons.byStatus),
  };
}

function monthly(days: readonly DaySnapshot[], first: Date): MonthlyFigures {
  const months = Array.from({ length: MONTHS }, (_, i) => new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, 1)).toISOString().slice(0, 7));
  const inMonth = months.map((month) => days.filter((day) => day.date.startsWith(month)));
  const last = inMonth.map((list) => list[list.length - 1]);
  const currencies = (pick: (day: DaySnapshot) => Record<string, unknown>) => [...new Set(days.flatMap((day) => Object.keys(pick(day))))].sort();
  const byCurrency = (keys: string[], value: (day: DaySnapshot, currency: string) => number) =>
    Object.fromEntries(keys.map((currency) => [currency, last.map((day) => (day ? value(day, currency) : null))]));
  const sum = (pick: (day: DaySnapshot) => number) => inMonth.map((list) => (list.length ? list.reduce((total, day) => total + pick(day), 0) : null));
  return {
    months,
    mrr: byCurrency(currencies((day) => day.mrr), (day, currency) => day.mrr[currency] ?? 0),
    contributions: byCurrency(currencies((day) => day.contributions.byCurrency), (day, currency) => day.contributions.byCurrency[currency]?.amount ?? 0),
    subscribersJoined: sum((day) => day.joined.subscribers),
    subscribersChurned: sum((day) => day.churned.subscribers),
    patronsJoined: sum((day) => day.joined.patrons),
    patronsChurned: sum((day) => day.churned.patrons),
  };
}
