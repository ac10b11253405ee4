/**
 * Sessions in the table, one item per signed-in device under the subscriber's partition. The cookie is signed,
 * but only a stored, unexpired record makes it a session: deleting the record signs that device out.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import * as keys from "./keys";
import { queryAll } from "./query";
import { untilProcessed } from "./retry";

export interface Session {
  /** `ses_…`, random and unguessable. */
  id: string;
  subscriberId: string;
  createdAt: string;
  /** Epoch seconds; DynamoDB TTL deletes the record some time after, and reads treat it as gone from then. */
  expiresAt: number;
}

export async function put(session: Session): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.session.key(session.subscriberId, session.id), entity: "session", ...session },
    }),
  );
}

/** "A session by id" (strongly consistent, so a logout is seen at once); an expired session counts as absent. */
export async function get(subscriberId: string, sessionId: string, now = new Date()): Promise<Session | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.session.key(subscriberId, sessionId), ConsistentRead: true }),
  );
  if (!Item || (Item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
  const { id, createdAt, expiresAt } = Item as Session;
  return { id, subscriberId, createdAt, expiresAt };
}

export async function remove(subscriberId: string, sessionId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.session.key(subscriberId, sessionId) }));
}

/**
 * "A subscriber's sessions", all deleted (sign out everywhere; an address change), or only those started before
 * `startedBefore` (ISO). Answers how many were deleted.
 */
export async function removeAll(subscriberId: string, startedBefore?: string): Promise<number> {
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ...(startedBefore && { FilterExpression: "createdAt < :before" }),
    ExpressionAttributeValues: {
      ":pk": keys.session.partition(subscriberId),
      ":prefix": keys.session.prefix,
      ...(startedBefore && { ":before": startedBefore }),
    },
    ProjectionExpression: "pk, sk",
  });
  let batch: Array<Record<string, unknown>> = [];
  let count = 0;
  const flush = async () => {
    await untilProcessed(`deleting sessions of ${subscriberId}`, batch, async (keys) => {
      const requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
      const { UnprocessedItems } = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      return (UnprocessedItems?.[tableName()] ?? []).map((request) => request.DeleteRequest!.Key!);
    });
    batch = [];
  };
  for await (const item of items) {
    batch.push({ pk: item.pk, sk: item.sk });
    count++;
    if (batch.length === 25) await flush();
  }
  if (batch.length) await flush();
  return count;
}
