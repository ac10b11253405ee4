import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { table } from "./table";

/** The table of `table.ts` as a `CreateTable` request (for DynamoDB Local; SST creates it when deployed). */
export function createTableInput(name: string): CreateTableCommandInput {
  const index = (hashKey: string, rangeKey: string) => [
    { AttributeName: hashKey, KeyType: "HASH" as const },
    { AttributeName: rangeKey, KeyType: "RANGE" as const },
  ];
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.keys(table.fields).map((field) => ({ AttributeName: field, AttributeType: "S" })),
    KeySchema: index(table.primaryIndex.hashKey, table.primaryIndex.rangeKey),
    GlobalSecondaryIndexes: Object.entries(table.globalIndexes).map(([indexName, keys]) => ({
      IndexName: indexName,
      KeySchema: index(keys.hashKey, keys.rangeKey),
      Projection: { ProjectionType: "ALL" },
    })),
  };
}

/** Creates the table unless it exists, and turns on TTL. Idempotent. */
export async function ensureTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(name)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  if (Table?.TableStatus !== "ACTIVE") throw new Error(`table ${name} is ${Table?.TableStatus}, not ACTIVE`);
  // Enabling TTL twice is a ValidationException, so look first.
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (TimeToLiveDescription?.TimeToLiveStatus === "ENABLED") return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: table.ttl, Enabled: true },
    }),
  );
}
