/**
 * The editors' list of contributions (`GET /api/contributions`): oldest first from `since` (default: the start of
 * the month eleven months ago, so a year's worth), all of them month by month through their month's index, or those
 * towards one topic through the refs in its partition. A page at a time; never a scan of the table.
 */
import * as Db from "../db";
import type { Contribution } from "./types";

/** What an editor sees of a contribution: no address, no subscriber. */
export interface ListedContribution {
  id: string;
  amount: number;
  currency: string;
  topic?: string;
  status: ContributionStatus;
  createdAt: string;
}

export const contributionStatuses = ["paid", "partially_refunded", "refunded", "disputed"] as const;
export type ContributionStatus = (typeof contributionStatuses)[number];

/** Where a contribution stands: a dispute not won comes first, then refunds. */
export function statusOf(c: Pick<Contribution, "amount" | "amountRefunded" | "dispute">): ContributionStatus {
  if (c.dispute && c.dispute.status !== "won") return "disputed";
  if (c.amountRefunded >= c.amount && c.amount > 0) return "refunded";
  return c.amountRefunded > 0 ? "partially_refunded" : "paid";
}

const listed = (c: Contribution): ListedContribution => ({
  id: c.id,
  amount: c.amount,
  currency: c.currency,
  ...(c.topicId && { topic: c.topicId }),
  status: statusOf(c),
  createdAt: c.createdAt,
});

/** The default `since`: the first day (UTC) of the month eleven months before `now`'s. */
const aYearOfMonths = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)).toISOString();

/** A page of contributions since `since` (ISO 8601 UTC), optionally towards `topic`; `cursor` from the page before. */
export async function list(
  options: { since?: string; topic?: string; cursor?: string; limit?: number },
  now = new Date(),
): Promise<{ contributions: ListedContribution[]; cursor: string | null }> {
  const since = options.since ?? aYearOfMonths(now);
  const limit = options.limit ?? 50;
  const page = options.topic
    ? await Db.ContributionLists.pageTowards(options.topic, since, options.cursor, limit)
    : await Db.ContributionLists.pageByMonth(since, now.toISOString().slice(0, 7), options.cursor, limit);
  return { contributions: page.contributions.map(listed), cursor: page.cursor };
}
