/**
 * The counters by source read back (pattern 50 in README.md; written by `sources.ts`), a month's partition at a
 * time. Apart from the writing side, and not in the `Db` namespace, so that only what reads them (the stats route
 * and the retention page, loaded on demand) carries it.
 */
import * as keys from "./keys";
import { queryAll } from "./query";

/** One counter item as read: a source's counts on one day (one shard of them). */
export interface SourceDay {
  date: string;
  source: string;
  signups: number;
  confirmations: number;
  patrons: number;
  contributions: Record<string, { amount: number; count: number; refunded: number }>;
}

/**
 * "Every source's counts on each day from one date to another": one Query per month of the range (`sk BETWEEN`),
 * strongly consistent; a year is 13 queries of a few items a day. Shards come back as items of their own.
 */
export async function daysBetween(from: string, to: string): Promise<SourceDay[]> {
  const found: SourceDay[] = [];
  for (const month of monthsOf(from, to)) {
    const items = queryAll({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": keys.sourceCounter.partition(month), ":from": from, ":to": `${to}#~` },
      ConsistentRead: true,
    });
    for await (const item of items) found.push(dayOf(item));
  }
  return found;
}

function dayOf(item: Record<string, any>): SourceDay {
  const contributions: SourceDay["contributions"] = {};
  for (const [name, value] of Object.entries(item)) {
    const match = /^(amount|count|refunded)_([a-z]{3})$/.exec(name);
    if (!match) continue;
    const totals = (contributions[match[2]!] ??= { amount: 0, count: 0, refunded: 0 });
    totals[match[1] as "amount" | "count" | "refunded"] += Number(value);
  }
  return {
    date: item.date,
    source: item.source,
    signups: Number(item.signups ?? 0),
    confirmations: Number(item.confirmations ?? 0),
    patrons: Number(item.patrons ?? 0),
    contributions,
  };
}

/** The months (`yyyy-mm`) from `from`'s to `to`'s, both days `yyyy-mm-dd`. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.slice(0, 7).split("-").map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, "0")}`;
    if (current > last) return months;
    months.push(current);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}
