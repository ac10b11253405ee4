/**
 * Contributions read in lists: a topic's funding counter, the contributions towards a topic (the refs in its
 * partition), and the editors' list by month (gsi2 on the record). Each is a query of one partition: never a scan.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Contribution } from "../contributions/types";
import { VisibleError } from "../errors";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor, type Key } from "./cursor";
import * as keys from "./keys";
import { getMany, queryAll } from "./query";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...record }: Record<string, any>) => record as Contribution;

/** "A topic's funding" (pattern 35): its counter, read consistently; a topic nobody gave towards has none. */
export async function funding(topicId: string): Promise<{ raised: number; contributors: number }> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.contribution.funding(topicId), ConsistentRead: true }));
  return { raised: Number(Item?.raised ?? 0), contributors: Number(Item?.contributors ?? 0) };
}

/** "Every contribution towards a topic" (telling its contributors it is covered): the refs, then each record. */
export async function allTowards(topicId: string): Promise<Contribution[]> {
  const ids: string[] = [];
  const refs = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.topic.key(topicId).pk, ":prefix": keys.contribution.topicRefPrefix },
    ConsistentRead: true,
  });
  for await (const ref of refs) ids.push(ref.sessionId as string);
  return records(ids);
}

async function records(ids: readonly string[]): Promise<Contribution[]> {
  const found = (await getMany(ids.map((id) => keys.contribution.key(id)))).map(strip);
  const order = new Map(ids.map((id, i) => [id, i]));
  return found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

const badCursor = () =>
  new VisibleError("invalid", "invalid_request", "The cursor is not valid.", { fields: { cursor: "not a cursor this API returned" } });

/**
 * "Contributions towards a topic since a time, oldest first, a page at a time" (the editors' list with `topic`):
 * a query of the refs in the topic's partition from `since`, then the records by key.
 */
export async function pageTowards(topicId: string, since: string, cursor: string | undefined, limit: number) {
  const start = decodeCursor(cursor);
  if (start && start.pk !== keys.topic.key(topicId).pk) throw badCursor();
  const page = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": keys.topic.key(topicId).pk,
        ":from": `${keys.contribution.topicRefPrefix}${since}`,
        ":to": `${keys.contribution.topicRefPrefix}\uffff`,
      },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const ids = (page.Items ?? []).map((ref) => ref.sessionId as string);
  return { contributions: await records(ids), cursor: encodeCursor(page.LastEvaluatedKey) };
}

/** At most this many months are read for one page (a list from long ago passes its empty months a page at a time). */
const MONTHS_PER_PAGE = 24;

const nextMonth = (month: string) => {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
};

/**
 * "Contributions since a time, oldest first, a page at a time" (the editors' list): month after month up to
 * `untilMonth`, each a query of its gsi2 partition from `since`. The cursor is the last key read, or the next
 * month's partition (with no key in it) when a page ends at a month's end.
 */
export async function pageByMonth(since: string, untilMonth: string, cursor: string | undefined, limit: number) {
  const start: Key | undefined = decodeCursor(cursor);
  let month = since.slice(0, 7);
  if (start) {
    const found = /^CONTRIBUTIONS#(\d{4}-\d{2})#BY_TIME$/.exec(String(start.gsi2pk ?? ""));
    if (!found || typeof start.gsi2sk !== "string") throw badCursor();
    month = found[1]!;
  }
  let exclusiveStart = start?.pk ? start : undefined;
  const contributions: Contribution[] = [];
  for (let read = 0; month <= untilMonth; read++) {
    if (read === MONTHS_PER_PAGE || contributions.length === limit) {
      return { contributions, cursor: encodeCursor({ gsi2pk: keys.contribution.timePartition(month), gsi2sk: "" }) };
    }
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :pk AND gsi2sk >= :since",
        ExpressionAttributeValues: { ":pk": keys.contribution.timePartition(month), ":since": since },
        Limit: limit - contributions.length,
        ExclusiveStartKey: exclusiveStart,
      }),
    );
    contributions.push(...(page.Items ?? []).map(strip));
    if (page.LastEvaluatedKey) return { contributions, cursor: encodeCursor(page.LastEvaluatedKey) };
    exclusiveStart = undefined;
    month = nextMonth(month);
  }
  return { contributions, cursor: null };
}
