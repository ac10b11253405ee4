/**
 * "Cancellations requested from one day to another": the per-day counter items that `cancellationTally`
 * (cancellations.ts) keeps, read back. Apart from the tally, and not in the `Db` namespace, so that only what
 * summarises them (loaded on demand) carries this code, never the API's cold start.
 */
import { FEEDBACK, REASON } from "./cancellations";
import * as keys from "./keys";
import { queryAll } from "./query";

/** A day's counts: cancellations asked for that day, those taken back, by Stripe's reason and by feedback. */
export interface CancellationDay {
  date: string;
  total: number;
  withdrawn: number;
  byReason: Record<string, number>;
  byFeedback: Record<string, number>;
}

/** One Query of the partition, `sk BETWEEN from AND to`, strongly consistent; days without any are absent. */
export async function daysBetween(from: string, to: string): Promise<CancellationDay[]> {
  const days: CancellationDay[] = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.cancellationDay.partition, ":from": from, ":to": to },
    ConsistentRead: true,
  });
  for await (const item of items) days.push(dayOf(item));
  return days;
}

function dayOf(item: Record<string, any>): CancellationDay {
  const day: CancellationDay = { date: item.sk, total: Number(item.total ?? 0), withdrawn: Number(item.withdrawn ?? 0), byReason: {}, byFeedback: {} };
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(REASON)) day.byReason[name.slice(REASON.length)] = Number(value);
    else if (name.startsWith(FEEDBACK)) day.byFeedback[name.slice(FEEDBACK.length)] = Number(value);
  }
  return day;
}
