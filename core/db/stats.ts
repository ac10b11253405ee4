/**
 * The editors' figures over time in the table: the daily snapshots (`STATS#DAY` / `<date>`) and each day's
 * joined/churned counters (`STATS#COUNT#<date>` / `SHARD#<n>`). Counters are changed only inside the transactions
 * that write a subscriber or patron (`counterUpdate`), never on their own, so a count moves with its change or not
 * at all. The counts of a day are the sum over its shards.
 */
import { randomInt } from "node:crypto";
import { GetCommand, PutCommand, type TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { dayCounts, type DayCounts, type DaySnapshot } from "../stats/types";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** The UTC day of a moment, `yyyy-mm-dd`. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The transaction item adding `add` to a random counter shard of the day the write happens (UTC, by this clock:
 * a change written after midnight counts for the new day, so a day's counts are complete once it has ended).
 * None when nothing counts.
 */
export function counterUpdate(add: Partial<DayCounts>, at = new Date()): TransactItem[] {
  const date = dayOf(at);
  return addTo(keys.dayCounter.key(date, randomInt(keys.DAY_COUNTER_SHARDS)), Object.entries(add), { entity: "day-counter", date });
}

/**
 * The transaction item that ADDs each named amount to the counter item at `key` (creating it), setting `set`'s
 * attributes beside them (its `entity`, its day): none when every amount is 0. Every per-day counter is changed
 * through this, inside the transaction of the write it counts.
 */
export function addTo(key: Record<string, unknown>, amounts: ReadonlyArray<readonly [string, number | undefined]>, set: Record<string, string>): TransactItem[] {
  const changes = amounts.filter(([, amount]) => amount);
  if (changes.length === 0) return [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const additions = changes.map(([name, amount], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = amount;
    return `#c${i} :c${i}`;
  });
  const sets = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  return [
    {
      Update: {
        TableName: tableName(),
        Key: key,
        UpdateExpression: `ADD ${additions.join(", ")} SET ${sets.join(", ")}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
}

/** "A day's joined and churned counts": its counter shards in one consistent Query, summed. */
export async function countsOf(date: string): Promise<DayCounts> {
  const counts = Object.fromEntries(dayCounts.map((name) => [name, 0])) as DayCounts;
  const items = queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.dayCounter.partition(date) },
    ConsistentRead: true,
  });
  for await (const item of items) for (const name of dayCounts) counts[name] += Number(item[name] ?? 0);
  return counts;
}

/**
 * Writes a day's snapshot unless a final one is stored already (then that one stays, untouched, and is answered):
 * a schedule run again for a day leaves the first run's item as it was. A provisional snapshot (taken before its
 * day ended) is replaced by any later one, unless `onlyNew` (the demo seed, which replaces nothing).
 */
export async function putSnapshot(snapshot: DaySnapshot, options: { onlyNew?: boolean } = {}): Promise<{ snapshot: DaySnapshot; written: boolean }> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.statsDay.key(snapshot.date), entity: "stats-day", ...snapshot },
        ...(options.onlyNew
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : { ConditionExpression: "attribute_not_exists(pk) OR provisional = :true", ExpressionAttributeValues: { ":true": true } }),
      }),
    );
    return { snapshot, written: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.statsDay.key(snapshot.date), ConsistentRead: true }));
    return { snapshot: strip(Item!), written: false };
  }
}

/**
 * "The daily snapshots from one date to another, oldest first": one Query on the snapshot partition (pages of it,
 * should a long range pass DynamoDB's 1 MB a page). Days without a snapshot are simply absent.
 */
export async function snapshotsBetween(from: string, to: string): Promise<DaySnapshot[]> {
  const snapshots: DaySnapshot[] = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.statsDay.partition, ":from": from, ":to": to },
  });
  for await (const item of items) snapshots.push(strip(item));
  return snapshots;
}

function strip(item: Record<string, any>): DaySnapshot {
  const { pk, sk, entity, ...snapshot } = item;
  return snapshot as DaySnapshot;
}
