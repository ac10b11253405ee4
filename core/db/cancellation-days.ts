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

/**
 * One Query of the partition, `sk BETWEEN <from> AND <to>#~`, strongly consistent, each day's shards summed;
 * oldest first, days without any absent.
 */
export async function daysBetween(from: string, to: string): Promise<CancellationDay[]> {
  const days = new Map<string, CancellationDay>();
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.cancellationDay.partition, ":from": from, ":to": `${to}#~` },
    ConsistentRead: true,
  });
  for await (const item of items) {
    const date = String(item.sk).slice(0, 10);
    const day = days.get(date) ?? { date, total: 0, withdrawn: 0, byReason: {}, byFeedback: {} };
    days.set(date, day);
    day.total += Number(item.total ?? 0);
    day.withdrawn += Number(item.withdrawn ?? 0);
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(REASON)) add(day.byReason, name.slice(REASON.length), Number(value));
      else if (name.startsWith(FEEDBACK)) add(day.byFeedback, name.slice(FEEDBACK.length), Number(value));
    }
  }
  return [...days.values()];
}

/** A count moved between shards (feedback given later) sums to nothing: left out, like a count never made. */
function add(counts: Record<string, number>, name: string, value: number): void {
  const sum = (counts[name] ?? 0) + value;
  if (sum === 0) delete counts[name];
  else counts[name] = sum;
}
