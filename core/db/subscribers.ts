/**
 * Subscribers in the table: the profile item, an email item that makes the address unique and finds the
 * subscriber by it, and one follow item per topic followed (the "subscribers by topic" index).
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { signupExpired } from "../subscribers/rules";
import type { Status, Subscriber } from "../subscribers/types";
import { db, tableName } from "./client";
import { WriteConflictError, isRace } from "./errors";
import * as keys from "./keys";
import { getMany, queryAll } from "./query";
import { decodeCursor, encodeCursor } from "./cursor";
import { subscriberCounts, sumCounts } from "../stats/counted";
import { counterUpdate } from "./stats";
import { subscriberSourceTally } from "./sources";

type Write = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

const live = (item: Subscriber | undefined) => (item && !signupExpired(item) ? item : undefined);

/** A subscriber by id (strongly consistent); an expired unconfirmed sign-up counts as absent. */
export async function get(id: string): Promise<Subscriber | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.subscriber.key(id), ConsistentRead: true }));
  return live(strip(Item));
}

/** Subscribers by id, many at once (strongly consistent, one request per 100); absent ones are left out. */
export async function many(ids: readonly string[]): Promise<Map<string, Subscriber>> {
  const items = await getMany(ids.map((id) => keys.subscriber.key(id)));
  const found = new Map<string, Subscriber>();
  for (const item of items) {
    const subscriber = live(strip(item));
    if (subscriber) found.set(subscriber.id, subscriber);
  }
  return found;
}

/** A subscriber by email address (strongly consistent), including an expired sign-up so it can be reused. */
export async function getByEmail(email: string): Promise<Subscriber | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email.key(email), ConsistentRead: true }));
  if (!Item) return undefined;
  const { Item: profile } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.subscriber.key(Item.subscriberId), ConsistentRead: true }),
  );
  return strip(profile);
}

/**
 * Writes a subscriber: a new one when `previous` is absent (the address must be free), else an update that
 * succeeds only if nobody wrote since `previous` was read. Follow items are kept in step in the same transaction,
 * and so is the day's joined or churned count when the status change is one that counts (core/stats/counted.ts).
 * Throws `WriteConflictError` when another write got there first.
 */
export async function save(next: Subscriber, previous?: Subscriber): Promise<void> {
  // A sign-up or confirmation is counted by its source (attribution) in the same transaction too.
  const counted = [...counterUpdate(subscriberCounts(previous?.status, next.status)), ...subscriberSourceTally(previous, next)];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [...writesFor(next, previous), ...counted] }));
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`subscriber ${next.id}`);
    throw error;
  }
}

/**
 * Creates several new subscribers in one transaction (an import's new addresses): all of them, or none when any
 * address is taken meanwhile (then `WriteConflictError`, and the caller writes them one by one). At most 100 items
 * a transaction: each subscriber is 2 items and one per topic, and one more counts the active ones as joined.
 */
export async function createMany(subscribers: readonly Subscriber[]): Promise<void> {
  const counted = counterUpdate(sumCounts(subscribers.map((next) => subscriberCounts(undefined, next.status))));
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [...subscribers.flatMap((next) => writesFor(next)), ...counted] }));
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`${subscribers.length} new subscribers`);
    throw error;
  }
}

/**
 * The items of a new subscriber (profile, email item, follow items), as `createMany` writes them, for loading
 * test and benchmark data with BatchWriteItem. Without `createMany`'s conditions: fresh ids and addresses only.
 */
export function itemsOf(subscriber: Subscriber): Record<string, unknown>[] {
  return writesFor(subscriber).flatMap((write) => (write.Put?.Item ? [write.Put.Item] : []));
}

/** The items a write of `next` puts and deletes (the profile, the email item when it changes, follow items). */
function writesFor(next: Subscriber, previous?: Subscriber): Write[] {
  const TableName = tableName();
  const items: Write[] = [
    {
      Put: {
        TableName,
        Item: {
          ...keys.subscriber.key(next.id),
          ...keys.subscriber.byStatus(next.status, next.frequency, next.id),
          entity: "subscriber",
          ...next,
        },
        ...(previous
          ? { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": previous.version } }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      },
    },
  ];
  if (!previous || previous.expiresAt !== next.expiresAt) {
    items.push({
      Put: {
        TableName,
        Item: { ...keys.email.key(next.email), entity: "email", subscriberId: next.id, expiresAt: next.expiresAt },
        ...(!previous && { ConditionExpression: "attribute_not_exists(pk)" }),
      },
    });
  }
  const before = new Set(previous?.topics ?? []);
  const rewriteAll = previous && (previous.status !== next.status || previous.expiresAt !== next.expiresAt);
  for (const topic of before) {
    if (!next.topics.includes(topic)) items.push({ Delete: { TableName, Key: keys.follow.key(next.id, topic) } });
  }
  for (const topic of next.topics) {
    if (before.has(topic) && !rewriteAll) continue;
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.follow.key(next.id, topic),
          ...keys.follow.byTopic(topic, next.status, next.id),
          entity: "follow",
          subscriberId: next.id,
          topic,
          status: next.status,
          expiresAt: next.expiresAt,
        },
      },
    });
  }
  return items;
}

/** Subscribers who follow a topic, by status ("active subscribers who follow climate"): ids, a page at a time. */
export async function followers(topic: string, status: Status, cursor?: Record<string, unknown>) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk AND begins_with(gsi2sk, :status)",
      ExpressionAttributeValues: { ":pk": keys.follow.topicPartition(topic), ":status": `${status}#` },
      ExclusiveStartKey: cursor,
    }),
  );
  return {
    subscriberIds: Items.filter((item) => !signupExpired(item)).map((item) => item.subscriberId as string),
    cursor: LastEvaluatedKey,
  };
}

/** One page of one shard of the subscribers of a status and frequency (planning a send walks these). */
export async function pageByStatus(status: Status, frequency: string, shard: number, cursor?: string, limit = 100) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.subscriber.statusPartition(status, frequency, shard) },
      ExclusiveStartKey: decodeCursor(cursor),
      Limit: limit,
    }),
  );
  const subscribers = Items.map((item) => live(strip(item))).filter((s): s is Subscriber => s !== undefined);
  return { subscribers, cursor: encodeCursor(LastEvaluatedKey) ?? undefined };
}

/** Every subscriber of a status and frequency ("active weekly subscribers", for sending), across all shards. */
export async function* byStatus(status: Status, frequency: string): AsyncGenerator<Subscriber> {
  for (let shard = 0; shard < keys.SUBSCRIBER_SHARDS; shard++) {
    const items = queryAll({
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.subscriber.statusPartition(status, frequency, shard) },
    });
    for await (const item of items) {
      const subscriber = live(strip(item));
      if (subscriber) yield subscriber;
    }
  }
}

function strip(item: Record<string, any> | undefined): Subscriber | undefined {
  if (!item) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...subscriber } = item;
  return subscriber as Subscriber;
}
