/** Contributions in the editors' numbers: one-time revenue this month, apart from memberships. */
import * as Db from "../db";
import type { MonthTotals } from "./types";

/**
 * This month's (UTC) contributions by currency: amounts paid (fees covered included), how many, and how much of
 * them has been refunded since. Read from the month's counters (kept exact by the writes), never by a scan.
 */
export async function contributionStats(now = new Date()): Promise<{ thisMonth: Record<string, MonthTotals> }> {
  return { thisMonth: await Db.Contributions.monthTotals(now.toISOString().slice(0, 7)) };
}
