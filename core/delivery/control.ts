/**
 * Cancel and resume, worked on the queue a page at a time. The request only changes the digest's status (with a
 * conditional write) and enqueues a first page message; each page message works one page of the digest's
 * deliveries and enqueues the next, so the request takes as long at 100,000 deliveries as at 100.
 *
 * Both walk the digest's open batches (those with a recipient `queued` or `sending`):
 * - **cancel**: recipients still `queued`, and `sending` ones whose claim's lease ran out, are settled `skipped`
 *   (`cancelled`). A lap that ends with any still queued or held (a worker was mid-batch when the digest was
 *   cancelled) goes round again a minute later, until none are left.
 * - **resume**: the open batches go back on the queue in send messages; claims make a recipient sent once.
 *
 * The digest records where its cancel or resume has got to (`control.position`: `queued:<cursor>`, then `done`;
 * a `sending:` position, which older versions walked second, is done at once). A page message works only if the
 * position still stands where the message
 * starts, and moves it only from there, so a duplicated page message does nothing twice; a message of an earlier
 * cancel or resume (another `run`) does nothing. A chain that stops moving (a page message lost to the dead-letter
 * queue, a crash between recording a page and enqueueing the next) is taken up again by the recovery sweep.
 */
import { randomUUID } from "node:crypto";
import * as Db from "../db";
import type { Digest, DigestControl } from "../digests/types";
import { log } from "../log";
import * as Queue from "../queue";
import { finishIfDone } from "./finish";
import { sendMessages, type ControlMessage } from "./messages";
import { settleCancelled } from "./claims";

/**
 * Open batches per page: a cancel page is 10 batch writes (a read and a transaction each, all at once: well under
 * a second, far inside the worker's visibility timeout), a resume page 10 send messages (one SQS batch call), and a
 * page's own reads and writes (the digest, the markers, its progress) add a few percent. 100,000 deliveries are
 * 1,000 pages.
 */
export const CONTROL_PAGE_SIZE = 10;
/** A cancel or resume whose position has not moved for this long is presumed broken and taken up again. */
export const CONTROL_STALL_MS = 5 * 60_000;
/** A cancel's next lap, when deliveries were still held by live claims: those leases run out within 5 minutes. */
const LAP_DELAY_SECONDS = 60;

const START = "queued:";
export const DONE = "done";

/** A new cancel or resume, at its first page. */
export function newControl(action: DigestControl["action"], now: Date): DigestControl {
  const at = now.toISOString();
  return { action, run: randomUUID(), startedAt: at, position: START, movedAt: at };
}

/** The page message of `control` at `position` (its recorded one unless told). */
export function pageMessage(digestId: string, control: DigestControl, position = control.position): ControlMessage {
  const colon = position.indexOf(":");
  const status = position.slice(0, colon) as ControlMessage["status"];
  const cursor = position.slice(colon + 1);
  return { kind: "control", digestId, action: control.action, run: control.run, status, ...(cursor && { cursor }) };
}

const positionOf = (message: ControlMessage) => `${message.status}:${message.cursor ?? ""}`;

/** The digest status a cancel or resume works under: anything else (a resumed send paused again) stops it. */
const statusFor = (action: DigestControl["action"]) => (action === "cancel" ? "cancelled" : "sending");

/** Works one page of a cancel or resume and enqueues the next. */
export async function controlPage(message: ControlMessage, now = new Date()): Promise<void> {
  const digest = await Db.Digests.get(message.digestId);
  const control = digest?.control;
  if (!digest || !control || control.run !== message.run || control.position !== positionOf(message)) return;
  if (digest.status !== statusFor(control.action)) {
    // Sent before the resume got round (its workers finished what it had enqueued): there is nothing left to resume.
    if (digest.status === "sent") await Db.DigestControl.record(digest.id, control.run, positionOf(message), DONE, now.toISOString());
    return;
  }

  const page =
    message.status === "queued"
      ? await Db.DeliveryBatches.openPage(digest.id, { cursor: message.cursor, limit: CONTROL_PAGE_SIZE })
      : { batchIds: [], cursor: null };
  if (control.action === "cancel") await Promise.all(page.batchIds.map((batchId) => settleCancelled(digest.id, batchId, now)));
  else await Queue.enqueue(sendMessages(digest.id, page.batchIds));

  let next = page.cursor ? `${message.status}:${page.cursor}` : DONE;
  const lap = next === DONE && control.action === "cancel" && (await Db.Deliveries.anyOpen(digest.id));
  if (lap) next = START;
  if (!(await Db.DigestControl.record(digest.id, control.run, positionOf(message), next, now.toISOString()))) return;
  if (next !== DONE) return Queue.enqueue([pageMessage(digest.id, control, next)], lap ? LAP_DELAY_SECONDS : 0);
  log.info({ event: `digest.${control.action}.done`, digestId: digest.id }, `${control.action} worked through`);
  if (control.action === "resume") await finishIfDone(digest.id, now);
}

/**
 * Takes up a cancel or resume whose position has not moved for `CONTROL_STALL_MS`: enqueues the page it stands at
 * again (if the chain was only slow, that page is worked twice, harmlessly). Answers whether it did.
 */
export async function recoverControl(digest: Digest, now = new Date()): Promise<boolean> {
  const control = digest.control;
  if (!control || control.position === DONE || digest.status !== statusFor(control.action)) return false;
  if (now.getTime() - Date.parse(control.movedAt) < CONTROL_STALL_MS) return false;
  await Queue.enqueue([pageMessage(digest.id, control)]);
  log.warn({ event: "digest.control.recovered", digestId: digest.id, action: control.action }, "stalled cancel or resume taken up");
  return true;
}
