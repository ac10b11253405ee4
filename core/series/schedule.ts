/**
 * The welcome series' schedule (a job of the lifecycle schedule: hourly deployed, every few seconds under
 * `npm start`): the steps now due go on the transactional queue, one message each, and the transactional worker
 * sends them paced with the rest, re-checking each right before it sends (core/series/send.ts).
 *
 * It reads only the due-day partitions of the ledger's index, from `CATCH_UP_DAYS` ago to today, a page at a
 * time, never the table. A step is put on the queue by one run (marked `enqueuedAt` conditionally), and again only
 * if it is still queued `REENQUEUE_AFTER_MS` later (its message lost, or dead-lettered): the message's id is the
 * same each time, so the worker's claim still sends it once.
 */
import * as Series from "../db/series";
import { log } from "../log";
import * as Queue from "../queue";
import type { TransactionalMessage } from "../transactional/messages";
import { stepMessageId } from "./send";

/** How far back the schedule looks: a step due longer ago than this (the schedule down for weeks) is let go. */
export const CATCH_UP_DAYS = 14;
/** A step put on the queue this long ago and still queued is put on it again. */
export const REENQUEUE_AFTER_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;

export interface SeriesOptions {
  /** Items read per Query page (DynamoDB's `Limit`). */
  pageSize?: number;
}

/** Puts the due steps on the transactional queue; answers how many it put there and how many pages it read. */
export async function runSeries(now = new Date(), options: SeriesOptions = {}): Promise<{ queued: number; pages: number }> {
  const pageSize = options.pageSize ?? 100;
  const until = now.toISOString();
  const staleBefore = new Date(now.getTime() - REENQUEUE_AFTER_MS).toISOString();
  let queued = 0;
  let pages = 0;
  for (let back = CATCH_UP_DAYS; back >= 0; back--) {
    const day = new Date(now.getTime() - back * DAY_MS).toISOString().slice(0, 10);
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await Series.duePage(day, until, staleBefore, { cursor, limit: pageSize });
      pages++;
      cursor = page.cursor;
      // Marked first, then enqueued: a run that dies between leaves the step for a later run, never sent twice.
      const marked = await Promise.all(page.deliveries.map(async (delivery) => ((await Series.markEnqueued(delivery, until)) ? delivery : undefined)));
      const mine = marked.filter((delivery) => delivery !== undefined);
      const messages: TransactionalMessage[] = mine.map((delivery) => ({
        kind: "series-step",
        id: stepMessageId(delivery.subscriberId, delivery.step),
        subscriberId: delivery.subscriberId,
        step: delivery.step,
      }));
      await Queue.enqueue(messages, 0, Queue.transactionalQueueUrl());
      queued += mine.length;
    } while (cursor);
  }
  if (queued > 0) log.info({ event: "series.queued", queued, pages }, "welcome series steps put on the queue");
  return { queued, pages };
}
