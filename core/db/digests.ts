import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Digest, DigestStatus } from "../digests/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

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
