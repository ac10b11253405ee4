import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Article } from "../articles/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import * as keys from "./keys";
import { queryAll } from "./query";

const strip = ({ pk, sk, gsi1pk, gsi1sk, entity, ...article }: Record<string, any>) => article as Article;

export async function get(id: string): Promise<Article | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.article.key(id), ConsistentRead: true }));
  return Item && strip(Item);
}

export async function put(article: Article): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.article.key(article.id), ...keys.article.byTime(article.publishedAt, article.id), entity: "article", ...article },
    }),
  );
}

export async function remove(id: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.article.key(id) }));
}

/** Articles published in [since, until), newest first, a page at a time ("articles about housing this week"). */
export async function page(options: { since?: string; until?: string; topic?: string; cursor?: string; limit?: number }) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to",
      ...(options.topic && { FilterExpression: "contains(topics, :topic)" }),
      ExpressionAttributeValues: {
        ":pk": keys.article.partition,
        ":from": options.since ?? "0",
        // "#" sorts before every id character, so an article published exactly at `until` is left out.
        ":to": options.until ? `${options.until}#` : "9",
        ...(options.topic && { ":topic": options.topic }),
      },
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: decodeCursor(options.cursor),
    }),
  );
  return { articles: Items.map(strip), cursor: encodeCursor(LastEvaluatedKey) };
}

/** Every article published in [since, until), newest first (what a digest covers). */
export async function publishedBetween(since: string, until: string): Promise<Article[]> {
  const articles: Article[] = [];
  const items = queryAll({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.article.partition, ":from": since, ":to": `${until}#` },
    ScanIndexForward: false,
  });
  for await (const item of items) articles.push(strip(item));
  return articles;
}

/** Several articles by id, in the order asked, leaving out any since deleted. */
export async function many(ids: readonly string[]): Promise<Article[]> {
  const found = await Promise.all(ids.map(get));
  return found.filter((article): article is Article => article !== undefined);
}
