/**
 * The send worker: what `functions/send-worker.ts` runs for each SQS batch, and the local poller for fauxqs.
 * Each message is a plan page or a send batch (see messages.ts), or a sign-in link left on the send queue by an
 * older version (new ones go to the transactional queue); a message that must be retried is reported as a batch
 * item failure, so SQS delivers it again after its visibility timeout.
 */
import * as Config from "../config";
import { log } from "../log";
import * as SignIn from "../signin";
import { controlPage } from "./control";
import { queueMessage } from "./messages";
import { sendRates, TokenBucket, workerRate } from "./pacing";
import { planPage } from "./plan";
import { sendBatch, type SendOptions } from "./send";

export interface QueueRecord {
  id: string;
  body: string;
}

let bucket: TokenBucket | undefined;

/** This process's share of the digests' part of the send rate, made once (a warm Lambda keeps it across batches). */
export function processBucket(): TokenBucket {
  const config = Config.get();
  bucket ??= new TokenBucket(workerRate(sendRates(config).digest, config.SEND_CONCURRENCY));
  return bucket;
}

/** Handles a batch of queue records; answers the ids of those to deliver again. */
export async function handleRecords(records: readonly QueueRecord[], options: Partial<SendOptions> = {}): Promise<string[]> {
  const retry: string[] = [];
  for (const record of records) {
    let message;
    try {
      message = queueMessage.parse(JSON.parse(record.body));
    } catch {
      // A message no version of Tidings wrote: retrying would never help.
      log.error({ event: "queue.malformed", messageId: record.id }, "dropping a malformed queue message");
      continue;
    }
    try {
      if (message.kind === "plan") await planPage(message, options.now?.());
      else if (message.kind === "control") await controlPage(message, options.now?.());
      else if (message.kind === "signin") await SignIn.sendLink(message.email, options.now?.());
      else await sendBatch(message, { bucket: processBucket(), ...options });
    } catch (error) {
      log.error({ err: error, event: "queue.failed", messageId: record.id, kind: message.kind }, "queue message failed");
      retry.push(record.id);
    }
  }
  return retry;
}
