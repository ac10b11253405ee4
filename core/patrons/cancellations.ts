/**
 * Cancellation reasons, summarised for editors over a period (`GET /api/stats/cancellations`, the dashboard's
 * retention page): the cancellations requested from one day to another, by Stripe's reason and by the feedback
 * patrons gave in the Billing Portal's survey, and how many of them were taken back. Read from the per-day
 * counters (core/db/cancellation-days.ts), never from the patrons.
 */
import { daysBetween } from "../db/cancellation-days";
import { NONE } from "../db/cancellations";
import { rangeOf } from "../stats/history";

/** Stripe's reasons (`cancellation_details.reason`), in the order editors read them; others are shown as they come. */
export const REASONS = ["cancellation_requested", "payment_failed", "payment_disputed", "canceled_by_retention_policy"] as const;

/** The Billing Portal survey's answers (`cancellation_details.feedback`), and `none` for no answer. */
export const FEEDBACK = [
  "too_expensive",
  "unused",
  "missing_features",
  "switched_service",
  "low_quality",
  "customer_service",
  "too_complex",
  "other",
  NONE,
] as const;

export interface CancellationSummary {
  /** The first and last UTC day counted, both included (yyyy-mm-dd). */
  from: string;
  to: string;
  /** Cancellations requested in the period. */
  total: number;
  /** Of those, how many were taken back before they took effect (the portal's "Don't cancel"). */
  withdrawn: number;
  /** By Stripe's reason (`none`: Stripe gave none); zero counts left out. */
  byReason: Record<string, number>;
  /** By the patron's answer to the survey (`none`: no answer); zero counts left out. */
  byFeedback: Record<string, number>;
}

/**
 * The cancellations requested from `from` to `to` (UTC days, both included; `to` defaults to today, `from` to 90
 * days up to it; at most 400 days: a longer or reversed range, or a date that is no date, is refused as invalid).
 * One Query of the day counters: a year is a few hundred small items.
 */
export async function cancellationSummary(range: { from?: string; to?: string }, now = new Date()): Promise<CancellationSummary> {
  const { from, to } = rangeOf(range, now);
  const summary: CancellationSummary = { from, to, total: 0, withdrawn: 0, byReason: {}, byFeedback: {} };
  for (const day of await daysBetween(from, to)) {
    summary.total += day.total;
    summary.withdrawn += day.withdrawn;
    add(summary.byReason, day.byReason);
    add(summary.byFeedback, day.byFeedback);
  }
  return summary;
}

function add(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [name, count] of Object.entries(counts)) {
    const sum = (into[name] ?? 0) + count;
    if (sum === 0) delete into[name];
    else into[name] = sum;
  }
}
