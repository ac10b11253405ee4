import * as Db from "../db";
import { SUBSCRIBER_SHARDS } from "../db/keys";
import { log } from "../log";

/**
 * Marks a sending digest `sent` once every shard is planned and no delivery is queued or being sent (no batch is
 * open). Cheap (while a digest sends, one read finds an open batch), so workers call it after every batch.
 */
export async function finishIfDone(digestId: string, now = new Date()): Promise<boolean> {
  const digest = await Db.Digests.get(digestId);
  if (digest?.status !== "sending") return false;
  const planned = Array.from({ length: SUBSCRIBER_SHARDS }, (_, shard) => digest.planned?.[shard] === "done");
  if (!planned.every(Boolean)) return false;
  if (await Db.Deliveries.anyOpen(digestId)) return false;
  const sent = await Db.Digests.transition(digest, ["sending"], "sent", { sentAt: now.toISOString() });
  if (sent) log.info({ event: "digest.sent", digestId }, "digest sent");
  return Boolean(sent);
}
