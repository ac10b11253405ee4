/**
 * A digest's delivery counts by status, kept as counters rather than counted on read: `COUNTER_SHARDS` counter
 * items (each its own partition), every one holding a number per status. Every write of a delivery batch changes
 * one counter item, chosen at random, in the same transaction: for each of its recipients, the status left −1 and
 * the status reached +1. A write whose condition fails (the batch's version moved) cancels the whole transaction, so
 * no counter moves; a retried write that already happened fails its condition too, so no counter moves twice.
 * The counts are the sum over the shards (a single shard may go below zero; only the sum means anything), read in
 * a few BatchGetItem requests whatever the digest's size.
 */
import { randomInt } from "node:crypto";
import { BatchGetCommand, type BatchGetCommandOutput, type TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryStatus } from "../delivery/types";
import { deliveryStatuses } from "../digests/types";
import { db, tableName } from "./client";
import * as keys from "./keys";
import { untilProcessed } from "./retry";

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];
export type Counts = Record<DeliveryStatus, number>;

export const zero = (): Counts => Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Counts;

/** The counts of a digest from its counter items as stored (missing statuses are 0; other attributes ignored). */
export function sum(items: readonly Record<string, unknown>[]): Counts {
  const counts = zero();
  for (const item of items) {
    for (const status of deliveryStatuses) counts[status] += Number(item[status] ?? 0);
  }
  return counts;
}

/** What moving a set of deliveries from the statuses `before` to the statuses `after` does to the counts. */
export function difference(before: readonly DeliveryStatus[], after: readonly DeliveryStatus[]): Partial<Counts> {
  const delta: Partial<Counts> = {};
  for (const status of before) delta[status] = (delta[status] ?? 0) - 1;
  for (const status of after) delta[status] = (delta[status] ?? 0) + 1;
  for (const status of deliveryStatuses) if (delta[status] === 0) delete delta[status];
  return delta;
}

/** The transaction item that applies `delta` to a random counter shard of the digest, if it changes anything. */
export function counterUpdate(digestId: string, delta: Partial<Counts>): TransactItem[] {
  const changes = Object.entries(delta).filter(([, amount]) => amount);
  if (changes.length === 0) return [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":entity": "delivery-count", ":digest": digestId };
  const additions = changes.map(([status, amount], i) => {
    names[`#c${i}`] = status;
    values[`:c${i}`] = amount;
    return `#c${i} :c${i}`;
  });
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.deliveryCount.key(digestId, randomInt(keys.COUNTER_SHARDS)),
        UpdateExpression: `ADD ${additions.join(", ")} SET entity = :entity, digestId = :digest`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
}

/**
 * "How many deliveries of a digest are in each status": every counter item of the digest, strongly consistent
 * (the breaker reads right after the write it reacts to), in parallel BatchGetItem requests of 100 keys.
 */
export async function read(digestId: string): Promise<Counts> {
  const all = Array.from({ length: keys.COUNTER_SHARDS }, (_, shard) => keys.deliveryCount.key(digestId, shard));
  const batches = Array.from({ length: Math.ceil(all.length / 100) }, (_, i) => all.slice(i * 100, (i + 1) * 100));
  const items: Record<string, unknown>[] = [];
  await Promise.all(
    batches.map((batch) =>
      untilProcessed(`reading the delivery counts of ${digestId}`, batch, async (pending) => {
        const answer: BatchGetCommandOutput = await db().send(
          new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [...pending], ConsistentRead: true } } }),
        );
        items.push(...(answer.Responses?.[tableName()] ?? []));
        return (answer.UnprocessedKeys?.[tableName()]?.Keys ?? []) as typeof batch;
      }),
    ),
  );
  return sum(items);
}
