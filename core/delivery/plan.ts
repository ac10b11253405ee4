/**
 * Planning: one page of one subscriber shard at a time, driven by plan messages. Each eligible subscriber gets a
 * delivery record before anything is sent, `queued` or `skipped` with the reason, ten to a batch: the whole page's
 * batches (and their refs and counts) in one transaction, under ids that depend only on the page, so a duplicated
 * or replayed plan message writes nothing new, and progress is recorded only if unchanged.
 */
import { createHash } from "node:crypto";
import * as Db from "../db";
import * as Digests from "../digests";
import { select } from "../digests/render/select"; // not the renderer: planning needs no template engine
import { log } from "../log";
import type { Subscriber } from "../subscribers/types";
import * as Queue from "../queue";
import { finishIfDone } from "./finish";
import { RECIPIENTS_PER_BATCH, sendMessages, type PlanMessage } from "./messages";
import { preparedFor } from "./prepared";
import type { SkipReason } from "./types";

/**
 * Subscribers per plan page: their refs, batches, open markers and counter fit one transaction (80 + 8 + 8 + 1 of
 * DynamoDB's 100 items).
 */
export const PLAN_PAGE_SIZE = 80;

export async function planPage(message: PlanMessage, now = new Date()): Promise<void> {
  const digest = await Db.Digests.get(message.digestId);
  if (digest?.status !== "sending") return;
  const progress = digest.planned?.[message.shard];
  // Only the message that continues from the recorded progress plans; any other is a stale duplicate.
  if (progress === "done" || progress !== message.cursor) return;

  const page = await Db.Subscribers.pageByStatus("active", digest.frequency, message.shard, message.cursor, PLAN_PAGE_SIZE);
  // The page's patron records in one batch read, not one request per subscriber.
  const readers = await Digests.readersFor(page.subscribers, now);
  const at = now.toISOString();
  let recipients = await Promise.all(
    page.subscribers.map(async (subscriber, i): Promise<[string, Db.DeliveryBatches.Recipient]> => {
      const reason = await skipReason(digest, subscriber, readers[i]!, now);
      const status = reason ? "skipped" : "queued";
      const { variant } = readers[i]!;
      return [subscriber.id, { email: subscriber.email, status, variant, ...(reason && { reason }), attempts: 0, updatedAt: at }];
    }),
  );
  const ids = batchIds(digest.id, message);
  for (;;) {
    const batches = chunks(recipients).map((chunk, n) => ({
      digestId: digest.id,
      batchId: ids(n),
      recipients: Object.fromEntries(chunk),
      version: 0,
      createdAt: at,
    }));
    const planned = await Db.DeliveryBatches.plan(batches);
    if (planned === "planned") {
      await Queue.enqueue(sendMessages(digest.id, batches.filter(hasQueued).map((batch) => batch.batchId)));
      break;
    }
    if (planned === "exists") {
      // Planned before (this message's twin, or a run that stopped before recording progress): send what is open.
      const pageIds = Array.from({ length: PLAN_PAGE_SIZE / RECIPIENTS_PER_BATCH }, (_, n) => ids(n));
      const existing = await Db.DeliveryBatches.readMany(digest.id, pageIds);
      await Queue.enqueue(sendMessages(digest.id, existing.filter(hasQueued).map((batch) => batch.batchId)));
      break;
    }
    // Subscribers who already have a delivery of this digest keep it; the page is planned without them.
    if (planned.taken.length === 0) throw new Error(`planning ${digest.id}: a condition failed on no batch and no ref`);
    log.warn({ event: "plan.already_planned", digestId: digest.id, subscribers: planned.taken.length }, "subscribers planned before");
    const taken = new Set(planned.taken);
    recipients = recipients.filter(([id]) => !taken.has(id));
  }

  const next = page.cursor ?? "done";
  if (!(await Db.Digests.recordPlanned(digest.id, message.shard, message.cursor, next))) return;
  if (next === "done") await finishIfDone(digest.id);
  else await Queue.enqueue([{ ...message, cursor: next }]);
}

const hasQueued = (batch: Db.DeliveryBatches.Batch) => Object.values(batch.recipients).some((recipient) => recipient.status === "queued");

function chunks<T>(items: readonly T[]): T[][] {
  const found: T[][] = [];
  for (let i = 0; i < items.length; i += RECIPIENTS_PER_BATCH) found.push(items.slice(i, i + RECIPIENTS_PER_BATCH));
  return found;
}

/** The ids of a plan page's batches: the shard, a hash of where the page starts, and the batch's place in it. */
function batchIds(digestId: string, message: PlanMessage) {
  const page = createHash("sha1").update(`${digestId}\n${message.shard}\n${message.cursor ?? ""}`).digest("base64url").slice(0, 16);
  return (n: number) => `${message.shard}.${page}.${n}`;
}

/** Why a subscriber gets nothing from this digest, if they don't. Also checked again at send time. */
export async function skipReason(
  digest: Digests.Digest,
  subscriber: Subscriber,
  reader: Digests.AddressedRecipient,
  now: Date,
): Promise<SkipReason | undefined> {
  if (subscriber.pausedUntil && subscriber.pausedUntil >= now.toISOString().slice(0, 10)) return "paused";
  const prepared = await preparedFor(digest, reader);
  return select(prepared.plan, reader) ? undefined : "nothing_to_read";
}
