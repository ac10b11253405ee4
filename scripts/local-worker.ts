/**
 * Locally, this stands in for Lambda's SQS event source: it polls the send queue (fauxqs) and hands each batch to
 * the same code `functions/send-worker.ts` runs, deleting what succeeded and leaving the rest to reappear after
 * the visibility timeout, as SQS does. It also runs the recovery sweep that is scheduled when deployed.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import * as Config from "../core/config";
import * as Delivery from "../core/delivery";
import type { SendOptions } from "../core/delivery/send";
import { log } from "../core/log";
import * as Queue from "../core/queue";

export interface PollOptions extends Partial<SendOptions> {
  waitSeconds?: number;
  /** How long a received message stays hidden before SQS hands it out again (a dead worker's message). */
  visibilitySeconds?: number;
}

/** Receives one batch and handles it; answers how many messages it received. */
export async function pollOnce(options: PollOptions = {}): Promise<number> {
  const { Messages = [] } = await Queue.sqs().send(
    new ReceiveMessageCommand({
      QueueUrl: Queue.queueUrl(),
      MaxNumberOfMessages: 5,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      VisibilityTimeout: options.visibilitySeconds ?? 30,
    }),
  );
  if (Messages.length === 0) return 0;
  const retry = new Set(await Delivery.handleRecords(Messages.map((m) => ({ id: m.MessageId!, body: m.Body ?? "" })), options));
  const done = Messages.filter((m) => !retry.has(m.MessageId!));
  if (done.length > 0) {
    await Queue.sqs().send(
      new DeleteMessageBatchCommand({
        QueueUrl: Queue.queueUrl(),
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return Messages.length;
}

/** Messages on the queue, visible, in flight or delayed. */
export async function pending(): Promise<number> {
  const { Attributes = {} } = await Queue.sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: Queue.queueUrl(),
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return Object.values(Attributes).reduce((sum, count) => sum + Number(count), 0);
}

/**
 * One pacing bucket for all of this process's pollers, at the whole SES_MAX_SEND_RATE: together they stand for the
 * SEND_CONCURRENCY Lambdas that each take their share when deployed (each alone on `processBucket()` would hold the
 * process to one share).
 */
const localBucket = () => new Delivery.TokenBucket(Config.get().SES_MAX_SEND_RATE);

/** Works the queue with `workers` pollers until it is empty (for tests and scripts): answers messages handled. */
export async function drain(options: PollOptions & { workers?: number } = {}): Promise<number> {
  let handled = 0;
  const bucket = options.bucket ?? localBucket();
  const worker = async () => {
    for (;;) {
      const received = await pollOnce({ ...options, bucket, waitSeconds: 0 });
      handled += received;
      if (received === 0) {
        if ((await pending()) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers ?? Config.get().SEND_CONCURRENCY }, worker));
  return handled;
}

/** Keeps polling in the background (npm start): SEND_CONCURRENCY pollers and the recovery sweep. */
export function startLocalWorker(options: { recoverEveryMs?: number } = {}) {
  let running = true;
  const bucket = localBucket();
  const loop = async () => {
    while (running) {
      await pollOnce({ bucket }).catch((error) => {
        log.error({ err: error, event: "local_worker.failed" }, "local worker poll failed");
        return new Promise((resolve) => setTimeout(resolve, 1000));
      });
    }
  };
  const loops = Array.from({ length: Config.get().SEND_CONCURRENCY }, loop);
  const sweep = setInterval(() => {
    Delivery.recoverAll().catch((error) => log.error({ err: error, event: "recover.failed" }, "recovery failed"));
  }, options.recoverEveryMs ?? 30_000);
  return {
    async stop() {
      running = false;
      clearInterval(sweep);
      await Promise.all(loops);
    },
  };
}
