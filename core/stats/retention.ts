/**
 * The dashboard's Retention page in one call: over one period, conversions by source (`sources.ts`) and the
 * cancellations by reason (core/patrons/cancellations.ts), and how many patrons are paused now. The period is
 * every stats route's (`rangeOf`: the last 90 days by default, at most 400), given to both so they count the same days.
 */
import * as Db from "../db";
import { cancellationSummary, type CancellationSummary } from "../patrons/cancellations";
import { rangeOf } from "./history";
import { sourcesBetween, type SourceConversions } from "./sources";

export interface RetentionReport {
  from: string;
  to: string;
  sources: SourceConversions[];
  cancellations: CancellationSummary;
  /** Patrons whose collection is paused now (one index partition read: there are few). */
  paused: number;
}

export async function retentionReport(asked: { from?: string; to?: string }, now = new Date()): Promise<RetentionReport> {
  const range = rangeOf(asked, now);
  const [report, cancellations, paused] = await Promise.all([sourcesBetween(range, now), cancellationSummary(range, now), pausedCount()]);
  return { ...report, cancellations, paused };
}

async function pausedCount(): Promise<number> {
  let count = 0;
  for await (const _patron of Db.Patrons.byStatus("paused")) count++;
  return count;
}
