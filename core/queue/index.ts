/**
 * The queues (SQS): the send queue (batches of digest work for the send worker) and the transactional queue (one
 * email each: confirmations and sign-in links, for the transactional worker). Messages are JSON; every consumer
 * is idempotent, so SQS's at-least-once delivery (duplicates, redelivery after a crash) is harmless.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as Config from "../config";

let client: SQSClient | undefined;

export function sqs(): SQSClient {
  if (!client) {
    const { SQS_ENDPOINT, AWS_REGION } = Config.get();
    client = new SQSClient({
      region: AWS_REGION,
      requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true },
      ...(SQS_ENDPOINT && { endpoint: SQS_ENDPOINT, credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
    });
  }
  return client;
}

/** Forgets the client, so the next call builds one from the current settings (a new local stack). */
export function resetClient(): void {
  client?.destroy();
  client = undefined;
}

export function queueUrl(): string {
  const url = Config.get().SEND_QUEUE_URL;
  if (!url) throw new Config.ConfigError("Tidings is not configured: SEND_QUEUE_URL is required to send digests");
  return url;
}

export function transactionalQueueUrl(): string {
  const url = Config.get().TRANSACTIONAL_QUEUE_URL;
  if (!url) {
    throw new Config.ConfigError("Tidings is not configured: TRANSACTIONAL_QUEUE_URL is required to send confirmations and sign-in links");
  }
  return url;
}

/**
 * Puts messages on a queue (the send queue unless `url` says otherwise), ten per request (SQS's maximum),
 * retrying any the batch call did not take; `delaySeconds` (up to 900) keeps them invisible for a while.
 */
export async function enqueue(messages: readonly unknown[], delaySeconds = 0, url = queueUrl()): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    let entries = messages.slice(start, start + 10).map((message, i) => ({
      Id: String(i),
      MessageBody: JSON.stringify(message),
      ...(delaySeconds > 0 && { DelaySeconds: Math.min(900, Math.ceil(delaySeconds)) }),
    }));
    for (let attempt = 0; entries.length > 0; attempt++) {
      const { Failed = [] } = await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      if (Failed.length > 0 && attempt >= 4) throw new Error(`SQS refused ${Failed.length} messages: ${Failed[0]?.Code}`);
      const failed = new Set(Failed.map((failure) => failure.Id));
      entries = entries.filter((entry) => failed.has(entry.Id));
    }
  }
}

/** Messages on a queue (the send queue unless `url` says otherwise): visible, in flight or delayed (SQS's approximate counts). */
export async function depth(url = queueUrl()): Promise<number> {
  const { Attributes = {} } = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return Object.values(Attributes).reduce((sum, count) => sum + Number(count), 0);
}
