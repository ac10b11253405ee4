/**
 * The editors' views of the subscriber list, from the indexes sending already keeps (no index of their own):
 * subscribers of a status walk the status × frequency × shard partitions of gsi1; followers of a topic come from
 * the follow items on gsi2. Both skip expired sign-ups, which TTL deletes only some time later.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { signupExpired } from "../subscribers/rules";
import { frequencies, statuses, type Status, type Subscriber } from "../subscribers/types";
import { VisibleError } from "../errors";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import * as keys from "./keys";
import { countPartition, getMany } from "./query";

const nowSeconds = () => Math.floor(Date.now() / 1000);
const live = (item: Record<string, any>) => !signupExpired(item);
const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...subscriber }: Record<string, any>) => subscriber as Subscriber;

/** The gsi1 partitions holding subscribers of these statuses, in a fixed order (a cursor names a place in it). */
const partitionsOf = (of: readonly Status[]) =>
  of.flatMap((status) =>
    frequencies.flatMap((frequency) =>
      Array.from({ length: keys.SUBSCRIBER_SHARDS }, (_, shard) => keys.subscriber.statusPartition(status, frequency, shard)),
    ),
  );

/**
 * "Subscribers of a status" (every status when none is given), a page at a time. The cursor is
 * `<partition index>.<key in it>`, so paging walks the partitions in turn and never repeats or misses one.
 */
export async function page(options: { status?: Status; cursor?: string; limit?: number } = {}) {
  const partitions = partitionsOf(options.status ? [options.status] : statuses);
  const limit = options.limit ?? 100;
  const [at, inner] = (options.cursor ?? "0.").split(".", 2) as [string, string | undefined];
  let index = Number(at);
  if (!/^\d+$/.test(at) || index >= partitions.length) {
    throw new VisibleError("invalid", "invalid_request", "The cursor is not valid.", { fields: { cursor: "not a cursor this API returned" } });
  }
  let key = inner ? decodeCursor(inner) : undefined;
  const subscribers: Subscriber[] = [];
  while (index < partitions.length && subscribers.length < limit) {
    const { Items = [], LastEvaluatedKey } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": partitions[index] },
        Limit: limit - subscribers.length,
        ExclusiveStartKey: key,
      }),
    );
    subscribers.push(...Items.filter(live).map(strip));
    key = LastEvaluatedKey;
    if (!key) index++;
  }
  return { subscribers, cursor: index < partitions.length ? `${index}.${encodeCursor(key) ?? ""}` : null };
}

/** "Subscribers who follow a topic" (of a status, when given), a page at a time, each profile read in one batch. */
export async function followersPage(topic: string, options: { status?: Status; cursor?: string; limit?: number } = {}) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      KeyConditionExpression: options.status ? "gsi2pk = :pk AND begins_with(gsi2sk, :status)" : "gsi2pk = :pk",
      ExpressionAttributeValues: {
        ":pk": keys.follow.topicPartition(topic),
        ...(options.status && { ":status": `${options.status}#` }),
      },
      Limit: options.limit ?? 100,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  const ids = Items.filter(live).map((item) => item.subscriberId as string);
  const found = await profiles(ids);
  const subscribers = ids.map((id) => found.get(id)).filter((s): s is Subscriber => s !== undefined && live(s));
  return { subscribers, cursor: encodeCursor(LastEvaluatedKey) };
}

/** Profiles by id, 100 a request (strongly consistent), expired sign-ups included. */
async function profiles(ids: readonly string[]): Promise<Map<string, Subscriber>> {
  const items = await getMany(ids.map((id) => keys.subscriber.key(id)));
  return new Map(items.map((item) => [item.id as string, strip(item)]));
}

/**
 * "Subscribers by email address", many at once (an import's page of lines): the email items, then their profiles,
 * two batch reads per 100 addresses, strongly consistent. Expired sign-ups are included (they may be reused).
 */
export async function byEmails(emails: readonly string[]): Promise<Map<string, Subscriber>> {
  const owners = await getMany(emails.map((email) => keys.email.key(email)));
  const found = await profiles(owners.map((item) => item.subscriberId as string));
  return new Map([...found.values()].map((subscriber) => [subscriber.email, subscriber]));
}

/**
 * "How many subscribers of each status", counted on read: every status partition, in parallel, with `COUNT`
 * (DynamoDB still reads the items: about one read unit per 8 KB of subscribers, eventually consistent).
 */
export async function countByStatus(): Promise<Record<Status, number>> {
  const counts = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<Status, number>;
  await Promise.all(
    statuses.flatMap((status) =>
      partitionsOf([status]).map(async (partition) => {
        const count = await countPartition(partition, {
          expression: "attribute_not_exists(expiresAt) OR expiresAt > :now",
          values: { ":now": nowSeconds() },
        });
        counts[status] += count; // added after the await, so parallel partitions never overwrite each other
      }),
    ),
  );
  return counts;
}
