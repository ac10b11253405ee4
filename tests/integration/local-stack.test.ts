import { randomUUID } from "node:crypto";
import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { describe, expect, inject, it } from "vitest";
import { table } from "../../core/db/table";
import {
  clientConfig,
  dynamoDbClient,
  SEND_DEAD_LETTER_QUEUE,
  TRANSACTIONAL_DEAD_LETTER_QUEUE,
} from "../../scripts/local-stack";
import { useLocalStack } from "../helpers/local";

// Read before any hook runs: proves the workers inherit the endpoints from the global setup.
const inheritedEndpoint = process.env.DYNAMODB_ENDPOINT;
const { tableName } = useLocalStack();

describe("the local stack", () => {
  it("passes its endpoints to test workers through the environment and inject()", () => {
    const env = inject("localStack");
    expect(inheritedEndpoint).toBe(env.DYNAMODB_ENDPOINT);
    // Each file gets a table and queues of its own; every other endpoint is the global setup's.
    const { SEND_QUEUE_URL, TRANSACTIONAL_QUEUE_URL, ...shared } = env;
    expect(process.env).toMatchObject(shared);
    expect(process.env.SEND_QUEUE_URL).not.toBe(SEND_QUEUE_URL);
    expect(process.env.TRANSACTIONAL_QUEUE_URL).not.toBe(TRANSACTIONAL_QUEUE_URL);
    expect(process.env.TABLE_NAME).toBe(tableName);
  });

  it("has the app's table in DynamoDB Local, with its indexes and TTL", async () => {
    const dynamo = dynamoDbClient(inject("localStack"));
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const { TimeToLiveDescription } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    dynamo.destroy();

    expect(Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema]));
    for (const [name, keys] of Object.entries(table.globalIndexes)) {
      expect(indexes[name]).toEqual([
        { AttributeName: keys.hashKey, KeyType: "HASH" },
        { AttributeName: keys.rangeKey, KeyType: "RANGE" },
      ]);
    }
    expect(TimeToLiveDescription).toEqual({ AttributeName: table.ttl, TimeToLiveStatus: "ENABLED" });
  });

  it("accepts SendRawEmail in the SES stand-in and lists the message in /store", async () => {
    const env = inject("localStack");
    const recipient = `local-stack-${randomUUID()}@example.com`;
    const raw = [
      "From: Tidings <news@tidings.local>",
      `To: ${recipient}`,
      "Subject: Local stack check",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "It arrived.",
    ].join("\r\n");
    // The stand-in never answers some calls; a timeout turns a hang into a failure.
    const ses = new SESClient({ ...clientConfig(env, env.SES_ENDPOINT), requestHandler: { requestTimeout: 5000 } });

    const { MessageId } = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    ses.destroy();

    const { emails } = (await (await fetch(`${env.SES_ENDPOINT}/store`)).json()) as {
      emails: Array<{ messageId: string; destination: { to: string[] }; subject: string; body: { text?: string } }>;
    };
    const stored = emails.find((email) => email.messageId === MessageId);
    expect(stored).toMatchObject({ destination: { to: [recipient] }, subject: "Local stack check" });
    expect(stored?.body.text).toContain("It arrived.");
  });

  it.each([
    ["send", "SEND_QUEUE_URL", SEND_DEAD_LETTER_QUEUE],
    ["transactional", "TRANSACTIONAL_QUEUE_URL", TRANSACTIONAL_DEAD_LETTER_QUEUE],
  ] as const)("has the %s queue, which dead-letters to its DLQ", async (_, variable, deadLetterQueue) => {
    const env = inject("localStack");
    const sqs = new SQSClient(clientConfig(env, env.SQS_ENDPOINT));

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: env[variable], AttributeNames: ["RedrivePolicy"] }),
    );
    sqs.destroy();

    expect(JSON.parse(Attributes?.RedrivePolicy ?? "{}")).toMatchObject({
      deadLetterTargetArn: expect.stringMatching(new RegExp(`:${deadLetterQueue}$`)),
    });
  });

  // On a queue of its own: other test files may be sending to, and consuming, the send queue meanwhile.
  it("sends, receives and deletes messages in fauxqs", async () => {
    const env = inject("localStack");
    const sqs = new SQSClient(clientConfig(env, env.SQS_ENDPOINT));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `local-stack-check-${randomUUID()}` }));
    const body = JSON.stringify({ check: randomUUID() });

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle }));
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    sqs.destroy();

    expect(Messages.map((message) => message.Body)).toEqual([body]);
    expect(after.Messages ?? []).toEqual([]);
  });
});
