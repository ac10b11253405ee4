import * as Db from "../db";
import * as Digests from "../digests";
import { VisibleError } from "../errors";
import { log } from "../log";
import { requeueQueued } from "./recover";

/**
 * Cancels a digest: nothing more is sent. What was sent stays sent; deliveries still queued are settled as
 * `skipped` (cancelled) by the workers as they reach them. Cancelling again changes nothing.
 */
export async function cancel(id: string): Promise<Digests.Digest> {
  const digest = await Digests.get(id);
  if (digest.status === "cancelled") return digest;
  if (digest.status === "sent") throw new VisibleError("conflict", "conflict", "This digest has been sent already.");
  const cancelled = await Db.Digests.transition(digest, ["draft", "sending", "paused"], "cancelled");
  if (!cancelled) return cancel(id); // it changed under us: decide again
  // A paused send's queued deliveries have no queue messages left: give them one, so workers settle them.
  if (digest.status === "paused") await requeueQueued(id);
  log.info({ event: "digest.cancelled", digestId: id }, "digest cancelled");
  return cancelled;
}
