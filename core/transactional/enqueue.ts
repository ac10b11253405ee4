import { randomUUID } from "node:crypto";
import * as Queue from "../queue";
import type { NewTransactionalMessage, TransactionalMessage } from "./messages";

/**
 * Puts one email on the transactional queue, under an id of its own: however often SQS delivers it, the worker
 * sends it once (`worker.ts`). `delaySeconds` keeps it invisible for a while (a hand-back under throttling).
 */
export async function enqueue(message: NewTransactionalMessage | TransactionalMessage, delaySeconds = 0): Promise<void> {
  const withId = { id: `txm_${randomUUID()}`, ...message };
  await Queue.enqueue([withId], delaySeconds, Queue.transactionalQueueUrl());
}
