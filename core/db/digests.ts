import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Digest, DigestStatus } from "../digests/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { transition as conditionally } from "./transition";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...digest }: Record<string, any>) => digest as Digest;

const item = (digest: Digest) => ({
  ...keys.digest.key(digest.id),
  ...keys.digest.byCreation(digest.createdAt, digest.id),
  ...keys.digest.byFrequencyAndStatus(digest.frequency, digest.status, digest.coversTo, digest.id),
  entity: "digest",
  ...digest,
});

export async function get(id: string): Promise<Digest | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.digest.key(id), ConsistentRead: true }));
  return Item && strip(Item);
}

/** Stores a new digest; if one with the same id exists, stores nothing and answers `false`. */
export async function create(digest: Digest): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({ TableName: tableName(), Item: item(digest), ConditionExpression: "attribute_not_exists(pk)" }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Digests, newest first, a page at a time; optionally only those of one status. */
export async function page(options: { status?: DigestStatus; cursor?: string; limit?: number }) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ...(options.status && { FilterExpression: "#status = :status", ExpressionAttributeNames: { "#status": "status" } }),
      ExpressionAttributeValues: { ":pk": keys.digest.partition, ...(options.status && { ":status": options.status }) },
      ScanIndexForward: false,
      Limit: options.limit ?? 25,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { digests: Items.map(strip), cursor: encodeCursor(LastEvaluatedKey) };
}

/** The most recent sent digest of a frequency (where the next one's articles start). */
export async function lastSent(frequency: string): Promise<Digest | undefined> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.digest.statusPartition(frequency, "sent") },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  return Items[0] && strip(Items[0]);
}

/**
 * Moves a digest from one of the statuses `from` to `to`, with `changes`; answers the updated digest, or
 * undefined when it was not in one of those statuses (someone else moved it first).
 */
export async function transition(
  digest: Pick<Digest, "id" | "frequency" | "coversTo">,
  from: readonly DigestStatus[],
  to: DigestStatus,
  changes: Partial<Digest> & { remove?: Array<keyof Digest> } = {},
): Promise<Digest | undefined> {
  const { remove = [], ...set } = changes;
  const updated = await conditionally({
    key: keys.digest.key(digest.id),
    from,
    to,
    indexKeys: { gsi2pk: keys.digest.statusPartition(digest.frequency, to) },
    set,
    remove,
  });
  return updated && strip(updated);
}

/**
 * Records how far planning of one shard got (`next`: a cursor, or "done"), only if it still stood at `expected`:
 * a duplicated plan message can never move progress backwards. Answers whether it recorded.
 */
export async function recordPlanned(id: string, shard: number, expected: string | undefined, next: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.digest.key(id),
        UpdateExpression: "SET planned.#shard = :next",
        ConditionExpression: expected === undefined ? "attribute_not_exists(planned.#shard)" : "planned.#shard = :expected",
        ExpressionAttributeNames: { "#shard": String(shard) },
        ExpressionAttributeValues: { ":next": next, ...(expected !== undefined && { ":expected": expected }) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Digests of a status, any frequency ("digests sending now", for recovery). */
export async function withStatus(status: DigestStatus): Promise<Digest[]> {
  const found = await Promise.all(
    ["daily", "weekly"].map(async (frequency) => {
      const { Items = [] } = await db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.digest.statusPartition(frequency, status) },
        }),
      );
      return Items.map(strip);
    }),
  );
  return found.flat();
}
