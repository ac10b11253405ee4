/**
 * `useLocalStack()`, optionally with a DynamoDB Local of the file's own: for the long adversarial runs
 * (`npm run test:long`), whose hundreds of thousands of requests, faults and all, would otherwise share one JVM
 * with every other file running beside them. `npm test` starts no DynamoDB Local but the shared one.
 */
import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import {
  dynamoDbClient,
  ensureLocalTable,
  startLocalStack,
  type LocalEnv,
  type LocalStack,
} from "../../scripts/local-stack";
import { useLocalEnv, useOwnQueues } from "./local";

/** Call at the top of a test file: a table and a send queue of its own, on its own DynamoDB Local if `own`. */
export function useLocalStackWith(options: { ownDynamoDb: boolean }): {
  readonly tableName: string;
  readonly env: LocalEnv;
} {
  const holder = { tableName: `tidings-test-${randomBytes(6).toString("hex")}`, env: undefined as unknown as LocalEnv };
  let own: LocalStack | undefined;
  beforeAll(async () => {
    holder.env = useLocalEnv();
    if (options.ownDynamoDb) {
      // Unset, DynamoDB Local is started; SES, SQS and the queue URL are set, so the shared ones are kept.
      delete process.env.DYNAMODB_ENDPOINT;
      own = await startLocalStack({ dynamoPort: 0 });
      holder.env = { ...holder.env, DYNAMODB_ENDPOINT: own.env.DYNAMODB_ENDPOINT };
      process.env.DYNAMODB_ENDPOINT = own.env.DYNAMODB_ENDPOINT;
    }
    process.env.TABLE_NAME = holder.tableName;
    Config.reset();
    Db.resetClient();
    await ensureLocalTable(holder.env, holder.tableName);
    await useOwnQueues(holder.env, holder.tableName);
  });
  afterAll(async () => {
    if (own) return own.stop();
    if (!holder.env) return;
    const client = dynamoDbClient(holder.env);
    await client.send(new DeleteTableCommand({ TableName: holder.tableName })).finally(() => client.destroy());
  });
  return holder;
}
