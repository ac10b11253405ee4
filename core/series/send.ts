/**
 * Sending one step of a subscriber's welcome series, under the transactional worker's claim of its message (or the
 * confirmation's own, for day 0: the same message id, so the two can never both send it). Right before sending it
 * reads the step and the subscriber again and settles the step in the ledger: `sent` with SES's message id;
 * `skipped` with why (they unsubscribed, bounced or complained, became a patron, or there is nothing to read);
 * `failed` when SES refused it for good. Settling is conditional on `queued`, so it is recorded once.
 */
import { createHash } from "node:crypto";
import { SERIES_STEPS, type SeriesEmail } from "../../templates/series";
import * as Db from "../db";
import * as Series from "../db/series";
import { classify } from "../delivery/ses-errors";
import type * as Email from "../email";
import { log } from "../log";
import { stepMessage } from "./messages";
import type { SeriesOutcome, SkipReason } from "./types";

/**
 * The id of a step's transactional message: the same however often the schedule (or a confirmation) puts it on
 * the queue, so the worker's claim sends it once. A hash: the claim, kept for days, names no subscriber (erasure
 * need not look for it).
 */
export const stepMessageId = (subscriberId: string, step: string) =>
  `series_${createHash("sha256").update(`${subscriberId}\n${step}`).digest("hex").slice(0, 40)}`;

/**
 * Why a step must not go out now, or undefined when it may. Becoming a patron stops the series after the welcome:
 * any patron record counts (a member now, paused, or one who was: bringing a lapsed patron back is the win-back's
 * email, not the series').
 */
async function stopReason(step: string, subscriberId: string, status: string): Promise<SkipReason | undefined> {
  if (status !== "active") return status as SkipReason;
  if (!SERIES_STEPS.some((configured) => configured.id === step)) return "not-configured";
  if (step !== "welcome" && (await Db.Patrons.get(subscriberId))) return "patron";
  return undefined;
}

/**
 * Sends the step if it is still queued and still applies, through `send` (paced by the caller), and settles it.
 * Answers what it did, for logs; throws what SES throws (a permanent refusal is settled `failed` first).
 */
export async function sendStep(
  subscriberId: string,
  step: string,
  now: Date,
  send: (message: Email.Message) => Promise<{ messageId: string }>,
): Promise<string> {
  const [delivery, subscriber] = await Promise.all([Series.get(subscriberId, step), Db.Subscribers.get(subscriberId)]);
  if (!delivery || delivery.status !== "queued" || !subscriber) return "nothing"; // settled already, or erased
  const at = now.toISOString();
  const settle = async (outcome: SeriesOutcome) => {
    if (!(await Series.settle(subscriberId, step, outcome, at))) {
      log.warn({ event: "series.settled_elsewhere", step, status: outcome.status }, "welcome series step was settled by another writer");
    }
    return outcome.status === "skipped" ? `skipped: ${outcome.reason}` : outcome.status;
  };
  const stop = await stopReason(step, subscriberId, subscriber.status);
  if (stop) return settle({ status: "skipped", reason: stop });
  const message = await stepMessage(step as SeriesEmail, subscriber, now);
  if (!message) return settle({ status: "skipped", reason: "nothing-to-read" });
  let sesMessageId: string;
  try {
    ({ messageId: sesMessageId } = await send(message));
  } catch (error) {
    if (classify(error) === "permanent") await settle({ status: "failed", reason: String(error).slice(0, 300) });
    throw error;
  }
  return settle({ status: "sent", sesMessageId });
}
