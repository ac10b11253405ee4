import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";

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
 * Items by key, many at once: BatchGetItem, 100 keys a request, retrying the keys DynamoDB left unprocessed.
 * Answers the items found, in no particular order.
 */
export async function getMany(keys: readonly Record<string, string>[], consistent = true): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, any>[] | undefined = keys.slice(start, start + 100);
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 1000)));
      const answer: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      items.push(...(answer.Responses?.[tableName()] ?? []));
      pending = answer.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return items;
}
