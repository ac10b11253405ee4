import * as Db from "../db";
import * as Digests from "../digests";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as Queue from "../queue";
import { newControl, pageMessage } from "./control";

/**
 * Cancels a digest: nothing more is sent. What was sent stays sent; deliveries still queued are settled as
 * `skipped` (cancelled) on the queue, a page at a time (control.ts), so this answers at once however many there
 * are. Cancelling again changes nothing.
 */
export async function cancel(id: string, now = new Date()): Promise<Digests.Digest> {
  const digest = await Digests.get(id);
  if (digest.status === "cancelled") return digest;
  if (digest.status === "sent") throw new VisibleError("conflict", "conflict", "This digest has been sent already.");
  // A draft has no deliveries to settle.
  const control = digest.status === "draft" ? undefined : newControl("cancel", now);
  const cancelled = await Db.Digests.transition(digest, [digest.status], "cancelled", control && { control });
  if (!cancelled) return cancel(id, now); // it changed under us: decide again
  // If this enqueue is lost (a crash right here), the recovery sweep sees the cancel has not moved and enqueues it.
  if (control) await Queue.enqueue([pageMessage(id, control)]);
  log.info({ event: "digest.cancelled", digestId: id }, "digest cancelled");
  return cancelled;
}
