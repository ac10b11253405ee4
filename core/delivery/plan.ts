/**
 * Planning: one page of one subscriber shard at a time, driven by plan messages. Each eligible subscriber gets
 * a delivery record before anything is sent: `queued`, or `skipped` with the reason. Records are written only if
 * absent and progress is recorded only if unchanged, so a duplicated or replayed plan message writes nothing new.
 */
import * as Db from "../db";
import * as Digests from "../digests";
import { select } from "../digests/render/select"; // not the renderer: planning needs no template engine
import type { Subscriber } from "../subscribers/types";
import * as Queue from "../queue";
import { finishIfDone } from "./finish";
import { sendMessages, type PlanMessage } from "./messages";
import { preparedFor } from "./prepared";
import type { Delivery, SkipReason } from "./types";

export const PLAN_PAGE_SIZE = 100;

export async function planPage(message: PlanMessage, now = new Date()): Promise<void> {
  const digest = await Db.Digests.get(message.digestId);
  if (digest?.status !== "sending") return;
  const progress = digest.planned?.[message.shard];
  // Only the message that continues from the recorded progress plans; any other is a stale duplicate.
  if (progress === "done" || progress !== message.cursor) return;

  const page = await Db.Subscribers.pageByStatus("active", digest.frequency, message.shard, message.cursor, PLAN_PAGE_SIZE);
  // The page's patron records in one batch read, not one request per subscriber.
  const readers = await Digests.readersFor(page.subscribers, now);
  const queued: string[] = [];
  for (let i = 0; i < page.subscribers.length; i += 25) {
    const planned = await Promise.all(
      page.subscribers.slice(i, i + 25).map((subscriber, j) => planOne(digest, subscriber, readers[i + j]!, now)),
    );
    for (const delivery of planned) if (delivery.status === "queued") queued.push(delivery.subscriberId);
  }
  await Queue.enqueue(sendMessages(digest.id, queued));

  const next = page.cursor ?? "done";
  if (!(await Db.Digests.recordPlanned(digest.id, message.shard, message.cursor, next))) return;
  if (next === "done") await finishIfDone(digest.id);
  else await Queue.enqueue([{ ...message, cursor: next }]);
}

/** Writes the subscriber's delivery unless it exists; answers the record as it stands. */
async function planOne(digest: Digests.Digest, subscriber: Subscriber, reader: Digests.AddressedRecipient, now: Date): Promise<Delivery> {
  const reason = await skipReason(digest, subscriber, reader, now);
  const at = now.toISOString();
  const delivery: Delivery = {
    digestId: digest.id,
    subscriberId: subscriber.id,
    email: subscriber.email,
    status: reason ? "skipped" : "queued",
    variant: reader.variant,
    ...(reason && { reason }),
    attempts: 0,
    createdAt: at,
    updatedAt: at,
  };
  if (await Db.Deliveries.plan(delivery)) return delivery;
  return (await Db.Deliveries.get(digest.id, subscriber.id)) ?? delivery;
}

/** Why a subscriber gets nothing from this digest, if they don't. Also checked again at send time. */
export async function skipReason(
  digest: Digests.Digest,
  subscriber: Subscriber,
  reader: Digests.AddressedRecipient,
  now: Date,
): Promise<SkipReason | undefined> {
  if (subscriber.pausedUntil && subscriber.pausedUntil >= now.toISOString().slice(0, 10)) return "paused";
  const prepared = await preparedFor(digest, reader.variant);
  return select(prepared.plan, reader) ? undefined : "nothing_to_read";
}
