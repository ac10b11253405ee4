/**
 * Recovery: what makes a send finish after any crash. SQS redelivers a message whose worker died, so most
 * recovery is automatic; this sweep covers the rest: plan messages lost between marking a digest `sending` and
 * enqueueing them, claims whose lease ran out and whose message is gone (moved to the dead-letter queue), and
 * cancels and resumes whose chain of page messages broke (control.ts). Safe to run any time, as often as wanted.
 */
import * as Db from "../db";
import { SUBSCRIBER_SHARDS } from "../db/keys";
import type { Digest } from "../digests/types";
import { log } from "../log";
import * as Queue from "../queue";
import { recoverControl } from "./control";
import { finishIfDone } from "./finish";
import { sendMessages, type PlanMessage } from "./messages";

/** Claims live this long; a worker that has not finished by then is presumed dead. */
export const LEASE_MS = 5 * 60_000;
/** Planning that has not moved for this long is presumed lost and enqueued again. */
const PLAN_STALL_MS = 2 * 60_000;

export async function recover(digest: Digest, now = new Date(), options: { staleQueuedAfterMs?: number } = {}) {
  if (digest.status !== "sending") return { replanned: 0, requeued: 0 };
  let replanned = 0;
  if (now.getTime() - Date.parse(digest.sendStartedAt ?? digest.createdAt) > PLAN_STALL_MS || options.staleQueuedAfterMs === 0) {
    const plans = unplanned(digest);
    await Queue.enqueue(plans);
    replanned = plans.length;
  }
  const staleBefore = options.staleQueuedAfterMs === undefined ? undefined : now.getTime() - options.staleQueuedAfterMs;
  const requeued = await requeue(digest.id, now.getTime(), staleBefore);
  await finishIfDone(digest.id, now);
  if (replanned || requeued) log.info({ event: "digest.recovered", digestId: digest.id, replanned, requeued }, "recovery");
  return { replanned, requeued };
}

/** The plan message of every shard not yet planned to the end, from where it stands. */
export function unplanned(digest: Digest): PlanMessage[] {
  const plans: PlanMessage[] = [];
  for (let shard = 0; shard < SUBSCRIBER_SHARDS; shard++) {
    const progress = digest.planned?.[shard];
    if (progress !== "done") plans.push({ kind: "plan", digestId: digest.id, shard, ...(progress && { cursor: progress }) });
  }
  return plans;
}

/**
 * Runs recovery for every digest that is sending (the scheduled sweep), and takes up cancels and resumes that
 * stopped moving. When the send queue is empty, recipients still `queued` have no message left to send them
 * (theirs went to the dead-letter queue after repeated crashes), so they are enqueued again too; while the queue
 * holds anything, they may simply be waiting their turn.
 */
export async function recoverAll(now = new Date()) {
  const [sending, cancelled] = await Promise.all([Db.Digests.withStatus("sending"), Db.Digests.withStatus("cancelled")]);
  for (const digest of [...sending, ...cancelled]) await recoverControl(digest, now);
  if (sending.length === 0) return;
  const idle = (await Queue.depth()) === 0;
  for (const digest of sending) await recover(digest, now, idle ? { staleQueuedAfterMs: 0 } : {});
}

/**
 * Enqueues the digest's open batches that nobody will send otherwise: those with recipients `sending` whose claim
 * ran out (its worker died) or whose failed attempt's lease has passed, and, when `staleBefore` is given, those
 * with recipients `queued` since before it and no live claim. Answers how many recipients they hold.
 */
async function requeue(digestId: string, now: number, staleBefore: number | undefined): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await Db.DeliveryBatches.openPage(digestId, { cursor, limit: 100 });
    const batches = await Db.DeliveryBatches.readMany(digestId, page.batchIds);
    const stale = batches.filter((batch) => {
      const claimed = Boolean(batch.claimId) && (batch.leaseUntil ?? 0) >= now;
      return Object.values(batch.recipients).some((recipient) =>
        recipient.status === "queued"
          ? staleBefore !== undefined && Date.parse(recipient.updatedAt) <= staleBefore && !claimed
          : recipient.status === "sending" && Db.DeliveryBatches.heldUntil(batch, recipient) < now,
      );
    });
    await Queue.enqueue(sendMessages(digestId, stale.map((batch) => batch.batchId)));
    for (const batch of stale) count += Object.values(batch.recipients).filter(Db.DeliveryBatches.isOpen).length;
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return count;
}
