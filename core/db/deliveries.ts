/**
 * Delivery records. Every change of status is a conditional write on the status (and the claim) it expects, so
 * duplicated queue messages, overlapping workers and re-planning can never move a record backwards or send twice.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { Delivery, DeliveryStatus } from "../delivery/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import * as Counts from "./delivery-counts";
import { isConditionFailure, isRace } from "./errors";
import * as keys from "./keys";
import { transitionUpdate } from "./transition";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...delivery }: Record<string, any>) => delivery as Delivery;

export async function get(digestId: string, subscriberId: string): Promise<Delivery | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.delivery.key(digestId, subscriberId), ConsistentRead: true }),
  );
  return Item && strip(Item);
}

/**
 * Writes a planned delivery unless the subscriber already has one for this digest, and counts it in the same
 * transaction. Answers whether it wrote.
 */
export async function plan(delivery: Delivery): Promise<boolean> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.delivery.key(delivery.digestId, delivery.subscriberId),
                ...keys.delivery.byStatus(delivery.digestId, delivery.status, delivery.subscriberId),
                ...keys.delivery.bySubscriber(delivery.subscriberId, delivery.createdAt, delivery.digestId),
                entity: "delivery",
                ...delivery,
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          ...Counts.counterUpdate(delivery.digestId, undefined, delivery.status),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

type Changes = Partial<Omit<Delivery, "digestId" | "subscriberId" | "status">> & {
  remove?: Array<keyof Delivery>;
  add?: Partial<Record<"attempts", number>>;
};

/** Transactions that met another on the same item (a counter shard, mostly) are tried again this often. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Moves a delivery to `to` with `changes`, only if it is in one of the statuses `from` (and, when given, still held
 * by `claimId`, or its claim's lease has run out). Answers the updated record, or undefined if the condition failed.
 *
 * The counters must know the status left, so the record is read first (strongly consistent) and the write is
 * conditioned on exactly that status; a status change moves the counters in the same transaction (a write that
 * keeps the status is a plain conditional update). When the status moved meanwhile, the record is read again and
 * the move decided again. A write the SDK retried after it had already landed (its answer lost) fails its condition
 * on its own result: that result is recognised (status `to` and every field as set) and answered as done.
 */
export async function transition(
  digestId: string,
  subscriberId: string,
  expect: { from: readonly DeliveryStatus[]; claimId?: string; leaseExpiredBefore?: number },
  to: DeliveryStatus,
  changes: Changes,
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
  let tried: DeliveryStatus | undefined;
  for (let attempt = 1; ; attempt++) {
    const current = await get(digestId, subscriberId);
    if (!current) return undefined;
    if (tried !== undefined && current.status === tried) return undefined; // the status held: the rest of the condition failed
    if (tried !== undefined && landed(current, to, set)) return current;
    if (!expect.from.includes(current.status)) return undefined;
    tried = current.status;
    const update = transitionUpdate({
      key: keys.delivery.key(digestId, subscriberId),
      from: [current.status],
      to,
      indexKeys: { gsi1pk: keys.delivery.byStatus(digestId, to, subscriberId).gsi1pk },
      set,
      remove,
      add,
      ...(also.length && { also: { expressions: also, values } }),
    });
    try {
      if (current.status === to) {
        const { Attributes } = await db().send(new UpdateCommand({ ...update, ReturnValues: "ALL_NEW" }));
        return strip(Attributes!);
      }
      await db().send(
        new TransactWriteCommand({ TransactItems: [{ Update: update }, ...Counts.counterUpdate(digestId, current.status, to)] }),
      );
      return applied(current, to, changes);
    } catch (error) {
      if (isConditionFailure(error)) continue;
      if (!isRace(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      // A conflict with another transaction on the counter shard (or the record): nothing was written; again.
      tried = undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}

/** The record as `transition` leaves it, from the record it conditioned the write on. */
function applied(current: Delivery, to: DeliveryStatus, { remove = [], add = {}, ...set }: Changes): Delivery {
  const next: Record<string, unknown> = { ...current, ...set, status: to };
  for (const name of remove) delete next[name];
  for (const [name, amount] of Object.entries(add)) next[name] = Number(next[name] ?? 0) + (amount ?? 0);
  return next as unknown as Delivery;
}

/** Whether a record already shows this very write: status `to` and every field set as it sets them. */
function landed(current: Delivery, to: DeliveryStatus, set: Record<string, unknown>): boolean {
  const record = current as unknown as Record<string, unknown>;
  return current.status === to && Object.entries(set).every(([name, value]) => record[name] === value);
}

/**
 * A page of items over several partitions walked in turn (`partitions` of them, `query` asking one): the cursor
 * names the partition it stopped in and the key in it.
 */
async function walk(
  partitions: number,
  query: (partition: number, limit: number, start: Record<string, unknown> | undefined) => Promise<QueryCommandOutput>,
  options: { cursor?: string; limit?: number },
) {
  const [shardText, inner] = (options.cursor ?? "0.").split(".", 2) as [string, string];
  let shard = Number(shardText);
  if (!Number.isInteger(shard) || shard < 0 || shard >= partitions) shard = 0;
  const limit = options.limit ?? 100;
  const deliveries: Delivery[] = [];
  let cursor = inner ? decodeCursor(inner) : undefined;
  while (shard < partitions && deliveries.length < limit) {
    const { Items = [], LastEvaluatedKey } = await query(shard, limit - deliveries.length, cursor);
    deliveries.push(...Items.map(strip));
    cursor = LastEvaluatedKey;
    if (!cursor) shard++;
  }
  const next = shard < partitions ? `${shard}.${encodeCursor(cursor) ?? ""}` : null;
  return { deliveries, cursor: next };
}

/** Deliveries of a digest in one status ("queued deliveries of weekly-2026-W48"), a page at a time, shard by shard. */
export function page(digestId: string, status: DeliveryStatus, options: { cursor?: string; limit?: number } = {}) {
  return walk(
    keys.DELIVERY_SHARDS,
    (shard, limit, start) =>
      db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.delivery.statusPartition(digestId, status, shard) },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      ),
    options,
  );
}

/**
 * Every delivery of a digest, a page at a time, partition by partition (in subscriber order within each;
 * `consistent`: strongly consistent reads).
 */
export function pageAll(digestId: string, options: { cursor?: string; limit?: number; consistent?: boolean } = {}) {
  return walk(
    keys.DELIVERY_PARTITIONS,
    (partition, limit, start) =>
      db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.delivery.partition(digestId, partition), ":prefix": keys.delivery.prefix },
          Limit: limit,
          ExclusiveStartKey: start,
          ConsistentRead: options.consistent ?? false,
        }),
      ),
    options,
  );
}

/** How many deliveries of a digest are in each status: its counters (see delivery-counts.ts), in constant time. */
export const countByStatus = (digestId: string): Promise<Record<DeliveryStatus, number>> => Counts.read(digestId);

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
