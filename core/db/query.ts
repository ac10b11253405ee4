import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
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
