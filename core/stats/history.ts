/** The editors' figures over time, read back: the daily snapshots of a range of days (`GET /api/stats/history`). */
import * as Db from "../db";
import { VisibleError } from "../errors";
import { patronStatuses, type PatronStatus } from "../patrons/types";
import type { DaySnapshot } from "./types";

const DAY = 86_400_000;
/** The range when none is asked: the last 90 days, today included. */
export const DEFAULT_DAYS = 90;
/** The longest range one request may ask: a year and a bit (a year's chart with a month to spare). */
export const MAX_DAYS = 400;

/** A real calendar date, `yyyy-mm-dd` (so 2026-02-30 is refused, not rolled into March). */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = Date.parse(`${value}T00:00:00Z`); // NaN for a month 13 or a day 32
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(value);
}

const shift = (date: string, days: number) => Db.Stats.dayOf(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY));
const invalid = (message: string, fields: Record<string, string>) => new VisibleError("invalid", "invalid_request", message, { fields });

/**
 * The days asked, both ends included: `to` defaults to today (UTC), `from` to 90 days up to `to`. Refuses a
 * `from` after `to` and a range longer than 400 days. Dates are checked for their shape at the boundary too.
 */
export function rangeOf(asked: { from?: string; to?: string }, now = new Date()): { from: string; to: string } {
  for (const name of ["from", "to"] as const) {
    const value = asked[name];
    if (value !== undefined && !isDate(value)) throw invalid(`\`${name}\` must be a date, yyyy-mm-dd.`, { [name]: "not a date (yyyy-mm-dd)" });
  }
  const to = asked.to ?? Db.Stats.dayOf(now);
  const from = asked.from ?? shift(to, -(DEFAULT_DAYS - 1));
  if (from > to) throw invalid("`from` must not come after `to`.", { from: "after to" });
  if (shift(from, MAX_DAYS - 1) < to) throw invalid(`At most ${MAX_DAYS} days at a time.`, { from: `more than ${MAX_DAYS} days before to` });
  return { from, to };
}

/** The snapshots of the days asked (see `rangeOf`), oldest first; days without one are left out. */
export async function history(asked: { from?: string; to?: string }, now = new Date()): Promise<{ from: string; to: string; days: DaySnapshot[] }> {
  const { from, to } = rangeOf(asked, now);
  return { from, to, days: (await Db.Stats.snapshotsBetween(from, to)).map(everyPatronStatus) };
}

/** A snapshot taken before a patron status existed (`paused`) counts none of it: 0, so every day has every status. */
function everyPatronStatus(day: DaySnapshot): DaySnapshot {
  const filled = (counts: Partial<Record<PatronStatus, number>>) =>
    Object.fromEntries(patronStatuses.map((status) => [status, counts[status] ?? 0])) as Record<PatronStatus, number>;
  const byTier = Object.fromEntries(Object.entries(day.patrons.byTier).map(([tier, counts]) => [tier, filled(counts)]));
  return { ...day, patrons: { ...day.patrons, byStatus: filled(day.patrons.byStatus), byTier } };
}
