import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as Config from "../config";

let client: DynamoDBDocumentClient | undefined;

/** The document client, created on first use: local endpoints get dummy credentials so the SDK never looks further. */
export function db(): DynamoDBDocumentClient {
  if (!client) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = Config.get();
    const raw = new DynamoDBClient({
      region: AWS_REGION,
      // Without throwOnRequestTimeout the SDK only warns and keeps waiting on a hung connection.
      requestHandler: { requestTimeout: 5_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },
      ...(DYNAMODB_ENDPOINT && {
        endpoint: DYNAMODB_ENDPOINT,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    });
    client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}

export function tableName(): string {
  return Config.get().TABLE_NAME;
}

/** Forgets the client (tests that point to another table or endpoint). */
export function resetClient(): void {
  client = undefined;
}
