/**
 * Conversions by source over a period (`GET /api/stats/sources`, the dashboard's Retention page): the per-day
 * counters by source (core/db/sources.ts) of the days asked, summed per source. Never a scan: one Query per month.
 */
import { daysBetween } from "../db/source-days";
import { VisibleError } from "../errors";
import { isDate } from "./history";

const DAY = 86_400_000;
/** The period when none is asked: the last 30 days, today included. */
export const DEFAULT_SOURCE_DAYS = 30;
/** The longest period one request may ask: a year, a leap day included. */
export const MAX_SOURCE_DAYS = 366;

/** One source's conversions over the period. */
export interface SourceConversions {
  source: string;
  /** Opt-ins started (a confirmation emailed; again only after the last one expired or was confirmed). */
  signups: number;
  /** Opt-ins confirmed: subscribers who became active. */
  confirmations: number;
  /** Patrons who started paying for the first time. */
  patrons: number;
  /** One-time contributions by currency: `amount` paid net of refunds (minor units), how many, and `refunded`. */
  contributions: Record<string, { amount: number; count: number; refunded: number }>;
}

export interface SourcesReport {
  from: string;
  to: string;
  sources: SourceConversions[];
}

const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const invalid = (message: string, fields: Record<string, string>) => new VisibleError("invalid", "invalid_request", message, { fields });

/**
 * The days asked, both ends included: `to` defaults to today (UTC), `from` to 30 days up to `to`. A `from` after
 * `to`, or more than 366 days, is a 400 naming the field.
 */
export function sourceRange(asked: { from?: string; to?: string }, now = new Date()): { from: string; to: string } {
  for (const name of ["from", "to"] as const) {
    const value = asked[name];
    if (value !== undefined && !isDate(value)) throw invalid(`\`${name}\` must be a date, yyyy-mm-dd.`, { [name]: "not a date (yyyy-mm-dd)" });
  }
  const to = asked.to ?? now.toISOString().slice(0, 10);
  const from = asked.from ?? shift(to, -(DEFAULT_SOURCE_DAYS - 1));
  if (from > to) throw invalid("`from` must not come after `to`.", { from: "after to" });
  if (shift(from, MAX_SOURCE_DAYS - 1) < to) throw invalid(`At most ${MAX_SOURCE_DAYS} days at a time.`, { from: `more than ${MAX_SOURCE_DAYS} days before to` });
  return { from, to };
}

/**
 * Every source with a conversion in the period, the most sign-ups first (then confirmations, new patrons,
 * contributions, and the source's name, so the order never depends on the table's).
 */
export async function sourcesBetween(asked: { from?: string; to?: string }, now = new Date()): Promise<SourcesReport> {
  const { from, to } = sourceRange(asked, now);
  const bySource = new Map<string, SourceConversions>();
  for (const day of await daysBetween(from, to)) {
    const sum = bySource.get(day.source) ?? { source: day.source, signups: 0, confirmations: 0, patrons: 0, contributions: {} };
    sum.signups += day.signups;
    sum.confirmations += day.confirmations;
    sum.patrons += day.patrons;
    for (const [currency, paid] of Object.entries(day.contributions)) {
      const total = (sum.contributions[currency] ??= { amount: 0, count: 0, refunded: 0 });
      total.amount += paid.amount - paid.refunded;
      total.count += paid.count;
      total.refunded += paid.refunded;
    }
    bySource.set(day.source, sum);
  }
  const given = (s: SourceConversions) => Object.values(s.contributions).reduce((n, c) => n + c.count, 0);
  const sources = [...bySource.values()].sort(
    (a, b) => b.signups - a.signups || b.confirmations - a.confirmations || b.patrons - a.patrons || given(b) - given(a) || a.source.localeCompare(b.source),
  );
  return { from, to, sources };
}
