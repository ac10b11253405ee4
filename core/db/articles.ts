import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Article } from "../articles/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import { cancellationCodes, isRace, WriteConflictError } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";

const strip = ({ pk, sk, gsi1pk, gsi1sk, entity, ...article }: Record<string, any>) => article as Article;

export async function get(id: string): Promise<Article | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.article.key(id), ConsistentRead: true }));
  return Item && strip(Item);
}

/** The translations of an original, by language: the id of the article holding each. */
export async function translationsOf(originalId: string): Promise<Map<string, string>> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.article.key(originalId).pk, ":prefix": keys.article.translationPrefix },
      ConsistentRead: true,
    }),
  );
  return new Map(Items.map((item) => [String(item.sk).slice(keys.article.translationPrefix.length), String(item.articleId)]));
}

const claimOf = (article?: Pick<Article, "language" | "translationOf">) =>
  article?.translationOf && article.language ? keys.article.translation(article.translationOf, article.language) : undefined;

/**
 * Writes the article, and with it its claim as its original's translation into its language (one per language:
 * a claim another article holds fails the write), giving up the claim it held before (`previous`) if that
 * changed. Answers false when another article holds the claim; throws `WriteConflictError` on a race.
 */
export async function put(article: Article, previous?: Pick<Article, "language" | "translationOf">): Promise<boolean> {
  const claim = claimOf(article);
  const before = claimOf(previous);
  const moved = claim?.pk !== before?.pk || claim?.sk !== before?.sk;
  const held = { ConditionExpression: "attribute_not_exists(pk) OR articleId = :id", ExpressionAttributeValues: { ":id": article.id } };
  const item = { ...keys.article.key(article.id), ...keys.article.byTime(article.publishedAt, article.id), entity: "article", ...article };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: item } },
          ...(claim && moved ? [{ Put: { TableName: tableName(), Item: { ...claim, entity: "article-translation", articleId: article.id }, ...held } }] : []),
          ...(before && moved ? [{ Delete: { TableName: tableName(), Key: before, ...held } }] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (claim && moved && cancellationCodes(error)[1] === "ConditionalCheckFailed") return false;
    if (isRace(error)) throw new WriteConflictError(`article ${article.id}`);
    throw error;
  }
}

/** Deletes the article and its claim as a translation (its original may then take another in that language). */
export async function remove(id: string): Promise<void> {
  const article = await get(id);
  const claim = claimOf(article);
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: keys.article.key(id) } },
        ...(claim ? [{ Delete: { TableName: tableName(), Key: claim } }] : []),
      ],
    }),
  );
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
