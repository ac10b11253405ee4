import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { untilProcessed } from "./retry";

/** Every item a query matches, page after page (for the sweeps that need all of them). */
export async function* queryAll(input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey">) {
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey: cursor }));
    yield* page.Items ?? [];
    cursor = page.LastEvaluatedKey;
  } while (cursor);
}

/**
 * How many items of one gsi1 partition match, page after page with `Select: COUNT` (DynamoDB still reads them:
 * about one read unit per 8 KB, eventually consistent). `filter` adds a FilterExpression and its values.
 */
export async function countPartition(
  gsi1pk: string,
  filter?: { expression: string; values: Record<string, unknown> },
): Promise<number> {
  let count = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ...(filter && { FilterExpression: filter.expression }),
        ExpressionAttributeValues: { ":pk": gsi1pk, ...filter?.values },
        Select: "COUNT",
        ExclusiveStartKey: cursor,
      }),
    );
    count += page.Count ?? 0;
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return count;
}

/**
 * Items by key, many at once: BatchGetItem, 100 keys a request, retrying the keys DynamoDB left unprocessed.
 * Answers the items found, in no particular order.
 */
export async function getMany(keys: readonly Record<string, string>[], consistent = true): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    await untilProcessed(`reading ${Math.min(100, keys.length - start)} items`, keys.slice(start, start + 100), async (pending) => {
      const answer: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [...pending], ConsistentRead: consistent } } }),
      );
      items.push(...(answer.Responses?.[tableName()] ?? []));
      return answer.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    });
  }
  return items;
}
