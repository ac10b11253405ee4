/**
 * Delivery records. Every change of status is a conditional write on the status (and the claim) it expects, so
 * duplicated queue messages, overlapping workers and re-planning can never move a record backwards or send twice.
 */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Delivery, DeliveryStatus } from "../delivery/types";
import { deliveryStatuses } from "../digests/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { countPartition } from "./query";
import { transition as conditionally } from "./transition";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...delivery }: Record<string, any>) => delivery as Delivery;

export async function get(digestId: string, subscriberId: string): Promise<Delivery | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.delivery.key(digestId, subscriberId), ConsistentRead: true }),
  );
  return Item && strip(Item);
}

/** Writes a planned delivery unless the subscriber already has one for this digest. Answers whether it wrote. */
export async function plan(delivery: Delivery): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.delivery.key(delivery.digestId, delivery.subscriberId),
          ...keys.delivery.byStatus(delivery.digestId, delivery.status, delivery.subscriberId),
          ...keys.delivery.bySubscriber(delivery.subscriberId, delivery.createdAt, delivery.digestId),
          entity: "delivery",
          ...delivery,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Moves a delivery to `to` with `changes`, only if it is in one of the statuses `from` (and, when given, still held
 * by `claimId`, or its claim's lease has run out). Answers the updated record, or undefined if the condition failed.
 */
export async function transition(
  digestId: string,
  subscriberId: string,
  expect: { from: readonly DeliveryStatus[]; claimId?: string; leaseExpiredBefore?: number },
  to: DeliveryStatus,
  changes: Partial<Omit<Delivery, "digestId" | "subscriberId" | "status">> & {
    remove?: Array<keyof Delivery>;
    add?: Partial<Record<"attempts", number>>;
  },
): Promise<Delivery | undefined> {
  const { remove = [], add, ...set } = changes;
  const also: string[] = [];
  const values: Record<string, unknown> = {};
  if (expect.claimId) {
    values[":claim"] = expect.claimId;
    also.push("claimId = :claim");
  }
  if (expect.leaseExpiredBefore !== undefined) {
    // Only a claim whose lease has run out may be taken over.
    values[":now"] = expect.leaseExpiredBefore;
    values[":sending"] = "sending";
    also.push("#status <> :sending OR leaseUntil < :now");
  }
  const updated = await conditionally({
    key: keys.delivery.key(digestId, subscriberId),
    from: expect.from,
    to,
    indexKeys: { gsi1pk: keys.delivery.byStatus(digestId, to, subscriberId).gsi1pk },
    set,
    remove,
    add,
    ...(also.length && { also: { expressions: also, values } }),
  });
  return updated && strip(updated);
}

/** Deliveries of a digest in one status ("queued deliveries of weekly-2026-W48"), a page at a time per shard. */
export async function page(digestId: string, status: DeliveryStatus, options: { cursor?: string; limit?: number } = {}) {
  // The cursor names the shard it stopped in, so paging walks the shards in turn.
  const [shardText, inner] = (options.cursor ?? "0.").split(".", 2) as [string, string];
  let shard = Number(shardText);
  if (!Number.isInteger(shard) || shard < 0 || shard >= keys.DELIVERY_SHARDS) shard = 0;
  const limit = options.limit ?? 100;
  const deliveries: Delivery[] = [];
  let cursor = inner ? decodeCursor(inner) : undefined;
  while (shard < keys.DELIVERY_SHARDS && deliveries.length < limit) {
    const { Items = [], LastEvaluatedKey } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.delivery.statusPartition(digestId, status, shard) },
        Limit: limit - deliveries.length,
        ExclusiveStartKey: cursor,
      }),
    );
    deliveries.push(...Items.map(strip));
    cursor = LastEvaluatedKey;
    if (!cursor) shard++;
  }
  const next = shard < keys.DELIVERY_SHARDS ? `${shard}.${encodeCursor(cursor) ?? ""}` : null;
  return { deliveries, cursor: next };
}

/** Every delivery of a digest, in subscriber order, a page at a time. */
export async function pageAll(digestId: string, options: { cursor?: string; limit?: number } = {}) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.digest.key(digestId).pk, ":prefix": keys.delivery.prefix },
      Limit: options.limit ?? 100,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { deliveries: Items.map(strip), cursor: encodeCursor(LastEvaluatedKey) };
}

/** How many deliveries of a digest are in each status. */
export async function countByStatus(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const counts = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  await Promise.all(
    deliveryStatuses.flatMap((status) =>
      Array.from({ length: keys.DELIVERY_SHARDS }, async (_, shard) => {
        // Awaited first: `counts[status] += await …` would read the total before the await and lose the other shards'.
        const count = await countPartition(keys.delivery.statusPartition(digestId, status, shard));
        counts[status] += count;
      }),
    ),
  );
  return counts;
}

/**
 * Whether any delivery of the digest is still in one of `statuses`: one item per shard at most, shard after shard,
 * stopping at the first found (while a digest sends, that is the first query; workers ask after every batch).
 */
export async function anyIn(digestId: string, statuses: readonly DeliveryStatus[]): Promise<boolean> {
  for (const status of statuses) {
    for (let shard = 0; shard < keys.DELIVERY_SHARDS; shard++) {
      const { Items = [] } = await db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.delivery.statusPartition(digestId, status, shard) },
          Limit: 1,
        }),
      );
      if (Items.length > 0) return true;
    }
  }
  return false;
}
