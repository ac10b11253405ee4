import * as Db from "../db";
import { SUBSCRIBER_SHARDS } from "../db/keys";
import * as Digests from "../digests";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as Queue from "../queue";
import type { PlanMessage } from "./messages";
import { recover } from "./recover";

/**
 * Starts sending a digest: `draft` → `sending`, then one plan message per subscriber shard. Calling it again
 * while it sends, or after, changes nothing; a `paused` digest resumes (what is still queued is sent).
 */
export async function start(id: string, now = new Date()): Promise<Digests.Digest> {
  const digest = await Digests.get(id);
  if (digest.status === "draft") {
    const started = await Db.Digests.transition(digest, ["draft"], "sending", { sendStartedAt: now.toISOString(), planned: {} });
    if (!started) return Digests.get(id); // a concurrent call started it
    const plans: PlanMessage[] = Array.from({ length: SUBSCRIBER_SHARDS }, (_, shard) => ({ kind: "plan", digestId: id, shard }));
    // If this enqueue is lost (a crash right here), recovery sees unplanned shards and enqueues them again.
    await Queue.enqueue(plans);
    log.info({ event: "digest.send.started", digestId: id }, "sending started");
    return started;
  }
  if (digest.status === "paused") {
    const resumed = await Db.Digests.transition(digest, ["paused"], "sending", { remove: ["pauseReason"] });
    if (resumed) await recover(resumed, now, { staleQueuedAfterMs: 0 });
    return resumed ?? Digests.get(id);
  }
  if (digest.status === "cancelled") {
    throw new VisibleError("conflict", "conflict", "This digest was cancelled; create a new one to send.");
  }
  return digest;
}
