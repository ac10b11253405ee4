/**
 * The transactional worker: what `functions/transactional-worker.ts` runs for each SQS batch, and the local poller.
 * Each message is one email (messages.ts), sent at most once however often SQS delivers it:
 * - the message's id is claimed under a lease (`Events.once`) and kept once the email went out, so a duplicate
 *   or a redelivery finds it sent and sends nothing; one that finds the claim still held is retried later;
 * - SES throttling is waited out briefly, then the message goes back on the queue as a new delayed message (the
 *   claim given back): back-pressure, never counted towards the dead-letter queue;
 * - an account-level refusal (sending paused, the daily quota) gives the claim back and fails the message, so its
 *   retries end in the dead-letter queue, kept and alarmed, if it lasts;
 * - anything else (network, 5xx, a timeout: SES may have sent it) leaves the claim to expire and fails the message:
 *   its retry after the visibility timeout takes the claim over and sends, at worst, a second copy.
 */
import * as Db from "../db";
import { log } from "../log";
import * as SignIn from "../signin";
import { sendPlannedSignupEmail } from "../subscribers/notify";
import { sendEmailChangeEmail } from "../patrons/email-change-mail";
import { sendCoveredEmail, tellContributors } from "../contributions/covered";
import { sendLink as sendEditorLink } from "../editors/signin";
import { enqueue } from "./enqueue";
import { transactionalMessage, type TransactionalMessage } from "./messages";
import { paced, processBucket, type PaceOptions, type SendEmail } from "./pacing";

export { processBucket };

/** Where the claims of transactional emails are kept (`Events.once`'s source). */
export const CLAIM_SOURCE = "transactional-email";
/** Longer than sending one message may take (pacing, throttling waits, SES). */
const CLAIM_LEASE_SECONDS = 120;
/** Sent emails are remembered past the dead-letter queue's 14 days, so even a late redrive sends nothing twice. */
const SENT_SECONDS = 15 * 24 * 60 * 60;
/** How long a message handed back under throttling waits before it is tried again. */
export const HANDBACK_DELAY_SECONDS = 5;

export interface TransactionalOptions extends PaceOptions {
  now?: () => Date;
}

export interface QueueRecord {
  id: string;
  body: string;
}

/** Handles a batch of queue records; answers the ids of those to deliver again. */
export async function handleRecords(records: readonly QueueRecord[], options: TransactionalOptions = {}): Promise<string[]> {
  const retry: string[] = [];
  for (const record of records) {
    let message: TransactionalMessage;
    try {
      message = transactionalMessage.parse(JSON.parse(record.body));
    } catch {
      // A message no version of Tidings wrote: retrying would never help.
      log.error({ event: "transactional.malformed", messageId: record.id }, "dropping a malformed transactional message");
      continue;
    }
    try {
      await deliver(message, options);
    } catch (error) {
      log.error({ err: error, event: "transactional.failed", messageId: record.id, kind: message.kind }, "transactional email failed");
      retry.push(record.id);
    }
  }
  return retry;
}

class InFlightError extends Error {
  constructor() {
    super("this email is being sent by another worker");
    this.name = "InFlightError";
  }
}

async function deliver(message: TransactionalMessage, options: TransactionalOptions): Promise<void> {
  const now = options.now?.() ?? new Date();
  if (!(await Db.Events.once(CLAIM_SOURCE, message.id, CLAIM_LEASE_SECONDS, now))) {
    if (await Db.Events.processed(CLAIM_SOURCE, message.id)) {
      log.info({ event: "transactional.duplicate", kind: message.kind }, "transactional email already sent");
      return;
    }
    throw new InFlightError(); // delivered again after the visibility timeout: sent by then, or the lease expired
  }
  const outcome = await paced((send) => deliverOne(message, send, now), options);
  if (outcome.kind === "throttled" || outcome.kind === "account") {
    await Db.Events.release(CLAIM_SOURCE, message.id);
    if (outcome.kind === "account") throw outcome.error;
    await enqueue(message, HANDBACK_DELAY_SECONDS);
    log.info({ event: "transactional.handed_back", kind: message.kind }, "SES throttles: transactional email handed back");
    return;
  }
  if (outcome.kind === "failed") {
    log.warn({ event: "transactional.rejected", kind: message.kind, error: String(outcome.error) }, "SES rejected a transactional email");
  }
  // Sent (or refused for good): a failure to remember it is logged, not thrown (a retry would send it again).
  await Db.Events.keep(CLAIM_SOURCE, message.id, SENT_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "transactional.unremembered", kind: message.kind }, "transactional email sent but not remembered"),
  );
}

/** The one email a message asks for (or nothing, when it no longer applies; or a fan-out into more messages). */
async function deliverOne(message: TransactionalMessage, send: SendEmail, now: Date): Promise<string> {
  if (message.kind === "signin") return SignIn.sendLink(message.email, now, send);
  if (message.kind === "email-change") return sendEmailChangeEmail(message, now, send);
  if (message.kind === "funded-covered") return sendCoveredEmail(message, send);
  if (message.kind === "editor-signin") return sendEditorLink(message.email, send, now, message.language);
  if (message.kind === "series-step") {
    const { sendStep } = await import("../series/send"); // on demand: the API's bundle reaches this module too
    return sendStep(message.subscriberId, message.step, now, send);
  }
  if (message.kind === "topic-covered") {
    const told = await tellContributors(message.topicId, now); // sends nothing itself: notices, and emails queued
    return `${told.notices} notices, ${told.emails} emails queued`;
  }
  return sendPlannedSignupEmail(message.email, message.subscriberId, now, send, message.optInId);
}
