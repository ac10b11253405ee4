/**
 * The welcome series' ledger (core/series): one delivery per step under the subscriber's partition
 * (`SUB#<id>` / `SERIES#<step>`), indexed by its due day on gsi1 while it is `queued`. Every write is conditional:
 * the series is written once however often a confirmation is retried, each step is marked enqueued by one schedule
 * run, and it is settled once (from `queued` only, and never onto an erased subscriber's deleted item).
 *
 * Not in `Db`'s index on purpose: only the series' own code (loaded on demand, off the API's cold start) reads it.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { SeriesDelivery, SeriesOutcome } from "../series/types";
import { db, tableName } from "./client";
import { isConditionFailure, isRace } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";

const strip = ({ pk, sk, gsi1pk, gsi1sk, entity, ...delivery }: Record<string, any>) => delivery as SeriesDelivery;

/** "A subscriber's welcome series" (confirmation, export), strongly consistent, in step order as configured. */
export async function ofSubscriber(subscriberId: string): Promise<SeriesDelivery[]> {
  const found: SeriesDelivery[] = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId), ":prefix": keys.seriesDelivery.prefix },
    ConsistentRead: true,
  });
  for await (const item of items) found.push(strip(item));
  return found.sort((a, b) => a.day - b.day || a.step.localeCompare(b.step));
}

/** "One step's delivery to a subscriber" (the worker's re-check before sending), strongly consistent. */
export async function get(subscriberId: string, step: string): Promise<SeriesDelivery | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.seriesDelivery.key(subscriberId, step), ConsistentRead: true }),
  );
  return Item && strip(Item);
}

/**
 * Writes a subscriber's series, every step at once or none (`attribute_not_exists` on each): false when any step
 * is there already (a retried or racing confirmation wrote it), nothing written.
 */
export async function begin(deliveries: readonly SeriesDelivery[]): Promise<boolean> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: deliveries.map((delivery) => ({
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.seriesDelivery.key(delivery.subscriberId, delivery.step),
              ...keys.seriesDelivery.byDue(delivery.dueAt, delivery.subscriberId, delivery.step),
              entity: "series-delivery",
              ...delivery,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        })),
      }),
    );
    return true;
  } catch (error) {
    if (isRace(error)) return false;
    throw error;
  }
}

export interface DuePage {
  deliveries: SeriesDelivery[];
  cursor?: Record<string, unknown>;
}

/**
 * "Queued steps due on `day` by `until`, not put on the queue since `staleBefore`" (the schedule), a page at a
 * time, through gsi1 `SERIES#DUE#<day>` / `gsi1sk <= <until>#~`. Eventually consistent: a step settled a moment ago
 * may still show, and the worker's claim and re-check then send nothing.
 */
export async function duePage(
  day: string,
  until: string,
  staleBefore: string,
  options: { cursor?: Record<string, unknown>; limit: number },
): Promise<DuePage> {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :until",
      FilterExpression: "#status = :queued AND (attribute_not_exists(enqueuedAt) OR enqueuedAt < :stale)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":pk": keys.seriesDelivery.duePartition(day),
        ":until": `${until}#~`,
        ":queued": "queued",
        ":stale": staleBefore,
      },
      ExclusiveStartKey: options.cursor,
      Limit: options.limit,
    }),
  );
  return { deliveries: Items.map(strip), ...(LastEvaluatedKey && { cursor: LastEvaluatedKey as Record<string, unknown> }) };
}

/**
 * Records that the schedule put this step on the queue at `at`, on the condition that it is still queued and
 * nobody else did since it was read (`enqueuedAt` as read): false when another run got there first.
 */
export async function markEnqueued(delivery: SeriesDelivery, at: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.seriesDelivery.key(delivery.subscriberId, delivery.step),
        UpdateExpression: "SET enqueuedAt = :at",
        ConditionExpression: `#status = :queued AND ${delivery.enqueuedAt ? "enqueuedAt = :read" : "attribute_not_exists(enqueuedAt)"}`,
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":at": at, ":queued": "queued", ...(delivery.enqueuedAt && { ":read": delivery.enqueuedAt }) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Settles a queued step (sent, skipped with its reason, failed) and takes it out of the due index: false when it
 * is not queued any more (settled by another worker) or gone (the subscriber erased), nothing written.
 */
export async function settle(subscriberId: string, step: string, outcome: SeriesOutcome, at: string): Promise<boolean> {
  const values: Record<string, unknown> = { ":status": outcome.status, ":at": at, ":queued": "queued" };
  const sets = ["#status = :status", "settledAt = :at"];
  if (outcome.status === "sent") {
    sets.push("sentAt = :at", "sesMessageId = :ses");
    values[":ses"] = outcome.sesMessageId;
  } else {
    sets.push("reason = :reason");
    values[":reason"] = outcome.reason;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.seriesDelivery.key(subscriberId, step),
        UpdateExpression: `SET ${sets.join(", ")} REMOVE gsi1pk, gsi1sk`,
        ConditionExpression: "#status = :queued",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
