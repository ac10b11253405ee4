/**
 * Locally, this stands in for Lambda's SQS event sources: it polls the send queue and the transactional queue
 * (fauxqs) and hands each batch to the same code `functions/send-worker.ts` and `functions/transactional-worker.ts`
 * run, deleting what succeeded and leaving the rest to reappear after the visibility timeout, as SQS does. It also
 * runs the recovery sweep that is scheduled when deployed, and (`startLocalSchedules`, for npm start) the gifts'
 * schedule.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import * as Config from "../core/config";
import * as Delivery from "../core/delivery";
import { TRANSACTIONAL_CONCURRENCY } from "../core/delivery/pacing";
import type { SendOptions } from "../core/delivery/send";
import { runSchedule as deliverGifts } from "../core/gifts/deliver";
import { runLifecycle } from "../core/lifecycle";
import { log } from "../core/log";
import * as Queue from "../core/queue";
import * as Transactional from "../core/transactional";

export interface PollOptions extends Partial<SendOptions> {
  waitSeconds?: number;
  /** How long a received message stays hidden before SQS hands it out again (a dead worker's message). */
  visibilitySeconds?: number;
}

/** Receives one batch from the send queue and handles it; answers how many messages it received. */
export async function pollOnce(options: PollOptions = {}): Promise<number> {
  return pollQueue(Queue.queueUrl(), (records) => Delivery.handleRecords(records, options), options);
}

/** Receives one batch from the transactional queue and handles it; answers how many messages it received. */
export async function pollTransactionalOnce(options: PollOptions & Transactional.TransactionalOptions = {}): Promise<number> {
  const { bucket = transactionalBucket(), ...rest } = options;
  return pollQueue(Queue.transactionalQueueUrl(), (records) => Transactional.handleRecords(records, { ...rest, bucket }), options);
}

async function pollQueue(
  url: string,
  handle: (records: Delivery.QueueRecord[]) => Promise<string[]>,
  options: Pick<PollOptions, "waitSeconds" | "visibilitySeconds">,
): Promise<number> {
  const { Messages = [] } = await Queue.sqs().send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 5,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      VisibilityTimeout: options.visibilitySeconds ?? 30,
    }),
  );
  if (Messages.length === 0) return 0;
  const retry = new Set(await handle(Messages.map((m) => ({ id: m.MessageId!, body: m.Body ?? "" }))));
  const done = Messages.filter((m) => !retry.has(m.MessageId!));
  if (done.length > 0) {
    await Queue.sqs().send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return Messages.length;
}

/** Messages on a queue (the send queue unless `url` says otherwise), visible, in flight or delayed. */
export async function pending(url = Queue.queueUrl()): Promise<number> {
  const { Attributes = {} } = await Queue.sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return Object.values(Attributes).reduce((sum, count) => sum + Number(count), 0);
}

/**
 * One pacing bucket for all of this process's send pollers, at the digests' whole part of SES_MAX_SEND_RATE:
 * together they stand for the SEND_CONCURRENCY Lambdas that each take their share when deployed (each alone on
 * `processBucket()` would hold the process to one share). The transactional pollers likewise share one bucket at
 * the whole reserve.
 */
const localBucket = () => new Delivery.TokenBucket(Delivery.sendRates(Config.get()).digest);
const transactionalBucket = () => new Delivery.TokenBucket(Delivery.sendRates(Config.get()).transactional);

/**
 * Works the send queue with `workers` pollers, and the transactional queue with one, until both are empty (for
 * tests and scripts): answers messages handled. `bucket` paces the send queue only.
 */
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
  const transactional = async () => {
    if (!Config.get().TRANSACTIONAL_QUEUE_URL) return;
    handled += await drainTransactional({ ...options, bucket: undefined });
  };
  await Promise.all([transactional(), ...Array.from({ length: options.workers ?? Config.get().SEND_CONCURRENCY }, worker)]);
  return handled;
}

/**
 * Works the transactional queue until it is empty (`visibleOnly`: until nothing on it is ready, leaving messages
 * handed back for later): answers messages handled.
 */
export async function drainTransactional(
  options: PollOptions & Transactional.TransactionalOptions & { visibleOnly?: boolean } = {},
): Promise<number> {
  let handled = 0;
  const bucket = options.bucket ?? transactionalBucket();
  const url = Queue.transactionalQueueUrl();
  for (;;) {
    const received = await pollTransactionalOnce({ ...options, bucket, waitSeconds: 0 });
    handled += received;
    if (received > 0) continue;
    if (options.visibleOnly ? (await visible(url)) === 0 : (await pending(url)) === 0) return handled;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function visible(url: string): Promise<number> {
  const { Attributes = {} } = await Queue.sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

/**
 * Keeps polling in the background (npm start): SEND_CONCURRENCY send pollers, TRANSACTIONAL_CONCURRENCY
 * transactional pollers, and the recovery sweep.
 */
export function startLocalWorker(options: { recoverEveryMs?: number } = {}) {
  let running = true;
  const bucket = localBucket();
  const reserve = transactionalBucket();
  const loop = (poll: () => Promise<number>) => async () => {
    while (running) {
      await poll().catch((error) => {
        log.error({ err: error, event: "local_worker.failed" }, "local worker poll failed");
        return new Promise((resolve) => setTimeout(resolve, 1000));
      });
    }
  };
  const loops = [
    ...Array.from({ length: Config.get().SEND_CONCURRENCY }, loop(() => pollOnce({ bucket }))),
    ...Array.from({ length: TRANSACTIONAL_CONCURRENCY }, loop(() => pollTransactionalOnce({ bucket: reserve }))),
  ];
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

/**
 * The gifts' and the lifecycle schedules (`functions/cron/deliver-gifts.ts`, `functions/cron/lifecycle.ts`, hourly
 * when deployed), run at once and then every `everyMs` (npm start: 15 s, so a gift bought for today or a welcome
 * series' step reaches the mail viewer within moments rather than at the next hour). A run starts only after the
 * previous one ended, as one Lambda at a time would take it.
 */
export function startLocalSchedules(options: { everyMs?: number } = {}) {
  const every = options.everyMs ?? 15_000;
  const schedules = [repeating(deliverGifts, every, "gifts.schedule_failed"), repeating(runLifecycle, every, "lifecycle.schedule_failed")];
  return { stop: () => Promise.all(schedules.map((schedule) => schedule.stop())).then(() => undefined) };
}

/**
 * Runs `job` at once and then `everyMs` after each run ended (never two at once, as one Lambda at a time would take
 * a schedule), logging a failure under `failedEvent`; `stop` waits for a run in progress.
 */
export function repeating(job: () => Promise<unknown>, everyMs: number, failedEvent: string) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = job()
      .then(() => undefined)
      .catch((error) => log.error({ err: error, event: failedEvent }, "a local schedule's run failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, everyMs);
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
