import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { topicStatuses, type Topic } from "../topics/types";
import { db, tableName } from "./client";
import { WriteConflictError, isRace } from "./errors";
import * as keys from "./keys";
import { getMany, queryAll } from "./query";

/**
 * How many writes to topics and their tallies this process has made. A copy of topics read before the latest one
 * is stale (`core/topics/public.ts` drops it); other processes' writes are not seen here, so such a copy lives briefly.
 */
let writes = 0;
export const writesSoFar = () => writes;
/** Called after every write to a topic or a tally (whether it succeeded or not: it may have). */
export const wrote = () => void writes++;

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/** Writes to topics, tallies or proposals, all or nothing; then the copy of topics this process keeps is stale. */
export async function transact(items: TransactItem[], what: string): Promise<void> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    // A condition that no longer holds, or a transaction that met another on the same items: read again.
    // (A transaction cancelled by throttling is no race: it goes up as it is, for the caller's retry to wait out.)
    if (isRace(error)) throw new WriteConflictError(what);
    throw error;
  } finally {
    wrote(); // it may have written
  }
}

/** A topic's item as stored: its keys, its status index, its entity. */
export const item = (topic: Topic) => ({
  ...keys.topic.key(topic.id),
  ...keys.topic.byStatus(topic.status, topic.id),
  entity: "topic",
  ...topic,
});

/** Writes a topic whatever was there (seeding); an editor's change goes through `Proposals.save`. */
export async function put(topic: Topic): Promise<void> {
  try {
    await db().send(new PutCommand({ TableName: tableName(), Item: item(topic) }));
  } finally {
    wrote();
  }
}

/** Topics by id, many at once ("the topics a subscriber follows", "an article's topics"); those not found are left out. */
export async function many(ids: readonly string[]): Promise<Topic[]> {
  const items = await getMany([...new Set(ids)].map((id) => keys.topic.key(id)));
  return items.map(({ pk, sk, gsi1pk, gsi1sk, entity, ...topic }) => topic as Topic);
}

/** Every topic of the given statuses ("open and covered topics"), ordered by id within each status. */
export async function byStatus(statuses: readonly string[] = topicStatuses): Promise<Topic[]> {
  const lists = await Promise.all(
    statuses.map(async (status) => {
      const topics: Topic[] = [];
      const items = queryAll({
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.topic.statusPartition(status) },
      });
      for await (const { pk, sk, gsi1pk, gsi1sk, entity, ...topic } of items) topics.push(topic as Topic);
      return topics;
    }),
  );
  return lists.flat();
}

export async function get(id: string): Promise<Topic | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.topic.key(id), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, entity, ...topic } = Item;
  return topic as Topic;
}

/**
 * A topic's score and voter count: the sum over its tally shards (votes keep the tallies; a topic nobody
 * voted for has none and scores 0).
 */
export async function tally(id: string): Promise<{ score: number; voters: number }> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tally)",
      ExpressionAttributeValues: { ":pk": keys.topic.key(id).pk, ":tally": keys.tally.prefix },
      ConsistentRead: true,
    }),
  );
  return Items.reduce<{ score: number; voters: number }>(
    (sum, shard) => ({ score: sum.score + Number(shard.score ?? 0), voters: sum.voters + Number(shard.voters ?? 0) }),
    { score: 0, voters: 0 },
  );
}
