/**
 * Conversions by source over a period (`GET /api/stats/sources`, the dashboard's Retention page): the per-day
 * counters by source (core/db/sources.ts) of the days asked, summed per source. Never a scan: one Query per month.
 */
import { daysBetween } from "../db/source-days";
import { rangeOf } from "./history";

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

/**
 * Every source with a conversion in the period, the most sign-ups first (then confirmations, new patrons,
 * contributions, and the source's name, so the order never depends on the table's).
 */
export async function sourcesBetween(asked: { from?: string; to?: string }, now = new Date()): Promise<SourcesReport> {
  const { from, to } = rangeOf(asked, now);
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
