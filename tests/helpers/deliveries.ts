/** Reading what a send left in the table; working the send queue by hand. */
import { randomUUID } from "node:crypto";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "vitest";
import * as Db from "../../core/db";
import type { Delivery } from "../../core/delivery";
import { deliveryStatuses, type DeliveryStatus } from "../../core/digests/types";
import * as Queue from "../../core/queue";
import { pending } from "../../scripts/local-worker";

/** Every delivery record of a digest, by subscriber id (strongly consistent). */
export async function deliveriesOf(digestId: string): Promise<Map<string, Delivery>> {
  const all = new Map<string, Delivery>();
  let cursor: string | undefined;
  do {
    const page = await Db.Deliveries.pageAll(digestId, { cursor, limit: 500, consistent: true });
    for (const delivery of page.deliveries) all.set(delivery.subscriberId, delivery);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return all;
}

/** A digest's deliveries counted by status from the records themselves, as the counters should have them. */
export async function recount(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const counts = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const delivery of (await deliveriesOf(digestId)).values()) counts[delivery.status]++;
  return counts;
}

/** The digest's counters equal a recount of its delivery records (the check closing every chaos suite). */
export async function expectCountersMatchRecords(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const [counters, records] = await Promise.all([Db.Deliveries.countByStatus(digestId), recount(digestId)]);
  expect(counters, `counters of ${digestId} against its records`).toEqual(records);
  return records;
}

/** A send-queue message as received by hand. */
export interface ReceivedMessage {
  id: string;
  body: string;
}

/**
 * Works the file's send queue by hand, as a worker would, until it is empty and no send is pending: each message
 * (up to 10 at a time, hidden for `visibilitySeconds`) goes to `handle` and is deleted, unless `handle` answers
 * "keep" (a worker that died: it reappears once its visibility ends). Answers whether it emptied (false: still
 * busy after 40 idle polls).
 */
export async function workSendQueue(
  handle: (message: ReceivedMessage) => Promise<"keep" | void>,
  options: { visibilitySeconds?: number } = {},
): Promise<boolean> {
  for (let idle = 0; idle < 40; ) {
    const { Messages = [] } = await Queue.sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: Queue.queueUrl(),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: options.visibilitySeconds ?? 30,
      }),
    );
    if (Messages.length === 0) {
      if ((await pending()) === 0) return true;
      idle++;
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    for (const message of Messages) {
      if ((await handle({ id: message.MessageId!, body: message.Body! })) === "keep") continue;
      await Queue.sqs().send(new DeleteMessageCommand({ QueueUrl: Queue.queueUrl(), ReceiptHandle: message.ReceiptHandle! }));
    }
  }
  return false;
}

/**
 * Writes delivery records directly, as planning would (ten to a batch, with their refs and counts), for tests
 * that need deliveries in given statuses without a send. Answers the batch ids, in order.
 */
export async function planDeliveries(records: readonly Delivery[]): Promise<string[]> {
  const batchIds: string[] = [];
  for (let i = 0; i < records.length; i += 80) {
    const page = records.slice(i, i + 80);
    const batches: Db.DeliveryBatches.Batch[] = [];
    for (let j = 0; j < page.length; j += 10) {
      const chunk = page.slice(j, j + 10);
      const recipients = Object.fromEntries(
        chunk.map(({ digestId, subscriberId, claimId, leaseUntil, createdAt, ...recipient }) => [subscriberId, recipient]),
      );
      const batchId = `test.${randomUUID()}`;
      batches.push({ digestId: chunk[0]!.digestId, batchId, recipients, version: 0, createdAt: chunk[0]!.createdAt });
      batchIds.push(batchId);
    }
    const planned = await Db.DeliveryBatches.plan(batches);
    if (planned !== "planned") throw new Error(`planning test deliveries: ${JSON.stringify(planned)}`);
  }
  return batchIds;
}

/** The recipients of a send message's batch, in the order a worker sends them (subscriber order). */
export async function recipientsOf(message: { digestId: string; batchId: string }): Promise<string[]> {
  const batch = await Db.DeliveryBatches.read(message.digestId, message.batchId);
  return Object.keys(batch?.recipients ?? {}).sort();
}
