/**
 * A subscriber's welcome series begins when they confirm their sign-up (core/subscribers/confirm.ts, which loads
 * this on demand): every configured step is written to the ledger at once, and day 0, the welcome, is sent there
 * and then, from the transactional reserve, as a delivery of the ledger like the rest.
 *
 * Only a confirmed sign-up starts a series: imported subscribers (the newsroom's list, who signed up elsewhere)
 * and gift recipients (patrons from the start) do not get one. A subscriber gets one series in their life: one who
 * unsubscribed and signs up again gets the welcome at their new confirmation (as always), not the series again.
 */
import { SERIES_STEPS } from "../../templates/series";
import * as Db from "../db";
import * as Series from "../db/series";
import { classify } from "../delivery/ses-errors";
import { log } from "../log";
import { sendWelcome } from "../subscribers/notify";
import type { Subscriber } from "../subscribers/types";
import * as Transactional from "../transactional";
import { sendStep, stepMessageId } from "./send";
import type { SeriesDelivery } from "./types";

const DAY_MS = 86_400_000;
/** As the transactional worker's: longer than sending one email takes. */
const CLAIM_LEASE_SECONDS = 120;
/** As the transactional worker's: past the dead-letter queue's 14 days. */
const SENT_SECONDS = 15 * 24 * 60 * 60;

/** The series of a subscriber who confirmed at `confirmedAt`: each configured step, due `day` days later. */
export function seriesOf(subscriberId: string, confirmedAt: Date, now: Date): SeriesDelivery[] {
  return SERIES_STEPS.map((step) => ({
    subscriberId,
    step: step.id,
    day: step.day,
    dueAt: new Date(confirmedAt.getTime() + step.day * DAY_MS).toISOString(),
    status: "queued" as const,
    createdAt: now.toISOString(),
  }));
}

/**
 * At a confirmation: writes the subscriber's series unless they have one, then sends its welcome if it is still
 * queued. `confirmation`: `new` when this call's confirmation made them active; `again` when the link was followed
 * again (a retry after a failure: whatever of the series that attempt did not write or send is done now).
 * Idempotent, and safe beside a concurrent call: the ledger's conditional writes and the welcome's claim decide.
 */
export async function begin(subscriber: Subscriber, confirmation: "new" | "again", now = new Date()): Promise<void> {
  const existing = await Series.ofSubscriber(subscriber.id);
  if (existing.length === 0) {
    const series = seriesOf(subscriber.id, new Date(subscriber.confirmedAt ?? now.toISOString()), now);
    if (series.length > 0) await Series.begin(series); // false: a concurrent call wrote it: fine
    if (!series.some((delivery) => delivery.step === "welcome")) return; // a series configured without a welcome
  } else if (!existing.some((delivery) => delivery.step === "welcome" && delivery.status === "queued")) {
    // Subscribed again after an earlier series: the welcome, as every confirmation has it, and no series again.
    // Followed again: nothing left to do.
    if (confirmation === "new") await sendWelcome(subscriber);
    return;
  }
  await sendWelcomeStep(subscriber.id, now);
}

/**
 * Sends the series' welcome now, under the claim the transactional worker would take for its message: if this
 * fails, the step stays queued, and the schedule puts it on the queue once the claim's lease is over.
 */
export async function sendWelcomeStep(subscriberId: string, now = new Date()): Promise<string> {
  const id = stepMessageId(subscriberId, "welcome");
  if (!(await Db.Events.once(Transactional.CLAIM_SOURCE, id, CLAIM_LEASE_SECONDS, now))) return "claimed elsewhere";
  let outcome: string;
  try {
    outcome = await sendStep(subscriberId, "welcome", now, (message) => Transactional.sendNow(message));
  } catch (error) {
    // Refused before sending (throttled, the account paused): give the claim back. Anything else may have been
    // sent: the lease runs out, and a retry sends at most a second copy.
    const kind = classify(error);
    if (kind === "throttled" || kind === "account") await Db.Events.release(Transactional.CLAIM_SOURCE, id);
    if (kind !== "permanent") throw error;
    outcome = "failed";
  }
  await Db.Events.keep(Transactional.CLAIM_SOURCE, id, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "series.unremembered" }, "welcome sent but its claim not kept"),
  );
  return outcome;
}
