import * as Db from "../db";
import { SUBSCRIBER_SHARDS } from "../db/keys";
import * as Digests from "../digests";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as Queue from "../queue";
import { newControl, pageMessage } from "./control";
import type { PlanMessage } from "./messages";
import { unplanned } from "./recover";

/**
 * Starts sending a digest: `draft` → `sending`, then one plan message per subscriber shard. Calling it again
 * while it sends, or after, changes nothing; a `paused` digest resumes: planning goes on, and what is still queued
 * goes back on the queue a page at a time (control.ts), so this answers at once however many there are.
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
    const control = newControl("resume", now);
    const resumed = await Db.Digests.transition(digest, ["paused"], "sending", { remove: ["pauseReason"], control });
    // Plan messages that came while it was paused were dropped: every unfinished shard gets one again.
    if (resumed) await Queue.enqueue([...unplanned(resumed), pageMessage(id, control)]);
    return resumed ?? Digests.get(id);
  }
  if (digest.status === "cancelled") {
    throw new VisibleError("conflict", "conflict", "This digest was cancelled; create a new one to send.");
  }
  return digest;
}
