/**
 * SES feedback (configuration set → SNS → Lambda) applied to subscribers and deliveries:
 * - permanent bounce → subscriber `bounced`, the delivery `bounced`, then the digest's circuit breaker;
 * - transient bounce → counted on the subscriber (the third in a row suppresses); the delivery stays `sent`;
 * - complaint → subscriber `complained`, the delivery `complained`, then the breaker ("not-spam" reports are not
 *   complaints and change nothing);
 * - delivery → the subscriber's transient-bounce count starts again.
 * Other event types are ignored. Transactional email (no digest trace) still affects the subscriber.
 *
 * Tracing: the digest from the `X-Tidings-Digest` header (or `tidings-digest` tag); the reader from the
 * `X-Tidings-Delivery` header (or `tidings-delivery` tag) when the email had one recipient, else by address.
 *
 * Each SNS message is applied once, under a lease: `Db.Events.once` claims it for `LEASE_SECONDS`, longer than the
 * function may run, and `Db.Events.keep` remembers it for 14 days once applied. An invocation killed or timed out
 * mid-message leaves only the lease, which expires, so Lambda's retry applies the message instead of skipping it
 * as a duplicate; a retry that meets a live lease throws (to be retried again) rather than skip a message that may
 * never finish. A delivery only moves from `sent`, so a replay or a late event can never move a record backwards;
 * the breaker runs whenever the delivery stands bounced or complained, so a retry redoes a check that failed.
 * A malformed message is logged and skipped; a failure to apply (DynamoDB unavailable) releases the claim and
 * throws, so Lambda retries it, and after its retries the message waits in a dead-letter queue (sst.config.ts).
 */
import type { SNSEvent, SNSEventRecord } from "aws-lambda";
import * as Db from "../db";
import { log, maskEmail } from "../log";
import * as Subscribers from "../subscribers";
import * as Breaker from "./breaker";
import { parseSesMessage, type Mail, type SesEvent } from "./ses-notification";

/** How long an applied SNS message id is remembered: Lambda retries for hours at most, so two weeks is ample. */
export const REMEMBER_SECONDS = 14 * 24 * 60 * 60;

/** How long a claim holds off others: longer than ses-events may run (sst.config.ts gives it 1 minute). */
export const LEASE_SECONDS = 90;

/** A message another invocation holds under a live lease: thrown so that Lambda tries it again later. */
export class SesEventInFlightError extends Error {
  constructor(snsMessageId: string) {
    super(`SES event ${snsMessageId} is being applied elsewhere; to be retried`);
    this.name = "SesEventInFlightError";
  }
}

/** Applies every record of an SNS event; throws after trying them all if any failed to apply (to be retried). */
export async function handleSesEvents(event: SNSEvent, now = new Date()): Promise<void> {
  const failures: unknown[] = [];
  for (const record of event?.Records ?? []) {
    try {
      await handleRecord(record, now);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length) throw new AggregateError(failures, `${failures.length} SES events not applied`);
}

async function handleRecord(record: SNSEventRecord | undefined, now: Date): Promise<void> {
  const snsMessageId = record?.Sns?.MessageId;
  const message = record?.Sns?.Message;
  if (typeof snsMessageId !== "string" || !snsMessageId || typeof message !== "string") {
    log.warn({ event: "ses.malformed", problem: "not an SNS notification record" }, "SES event skipped");
    return;
  }
  const parsed = parseSesMessage(message);
  if (!parsed.ok) {
    log.warn({ event: "ses.malformed", snsMessageId, problem: parsed.problem }, "SES event skipped");
    return;
  }
  if (parsed.event.type === "other") {
    log.debug({ event: "ses.ignored", snsMessageId, eventType: parsed.event.eventType }, "SES event ignored");
    return;
  }
  if (!(await Db.Events.once("ses", snsMessageId, LEASE_SECONDS, now))) {
    if (!(await Db.Events.processed("ses", snsMessageId))) {
      log.warn({ event: "ses.in-flight", snsMessageId }, "SES event claimed elsewhere; to be retried");
      throw new SesEventInFlightError(snsMessageId);
    }
    log.info({ event: "ses.duplicate", snsMessageId }, "SES event already applied");
    return;
  }
  try {
    await apply(parsed.event, now);
  } catch (error) {
    await Db.Events.release("ses", snsMessageId).catch(() => undefined);
    log.error({ err: error, event: "ses.failed", snsMessageId }, "SES event not applied; to be retried");
    throw error;
  }
  // Applied: a failure to remember it now is logged, not thrown, as a retry would apply it a second time.
  await Db.Events.keep("ses", snsMessageId, REMEMBER_SECONDS, now).catch((error) =>
    log.error({ err: error, event: "ses.unremembered", snsMessageId }, "SES event applied but not remembered"),
  );
}

/** Applies one parsed SES event to each recipient it names. */
export async function apply(event: SesEvent, now = new Date()): Promise<void> {
  if (event.type === "other") return;
  if (event.type === "complaint" && event.feedbackType === "not-spam") return;
  const recipients = event.type === "bounce" ? event.recipients.map((r) => r.email) : event.recipients;
  for (const [i, email] of recipients.entries()) {
    const { subscriberId, digestId } = await trace(event.mail, email);
    if (!subscriberId) {
      log.info({ event: "ses.untraced", type: event.type, to: maskEmail(email) }, "SES event for nobody we know");
      continue;
    }
    const at = now.toISOString();
    if (event.type === "delivery") {
      await Subscribers.recordDelivered(subscriberId);
    } else if (event.type === "bounce" && event.bounce === "transient") {
      await Subscribers.recordTransientBounce(subscriberId, now);
    } else if (event.type === "bounce") {
      await Subscribers.markBounced(subscriberId, event.recipients[i]!.detail, now);
      if (digestId) await settle(digestId, subscriberId, "bounced", at);
    } else {
      await Subscribers.markComplained(subscriberId, event.feedbackType, now);
      if (digestId) await settle(digestId, subscriberId, "complained", at);
    }
  }
}

/** Who an event is about: the traced reader when the email had one recipient, else whoever holds the address. */
async function trace(mail: Mail, email: string): Promise<{ subscriberId?: string; digestId?: string }> {
  const traced = mail.destination.length <= 1 ? mail.subscriberId : undefined;
  const subscriberId = traced ?? (await Db.Subscribers.getByEmail(email))?.id;
  return { subscriberId, digestId: mail.digestId };
}

/**
 * Moves the reader's delivery of the digest from `sent` (its counters with it), then lets the breaker look at the
 * digest whenever the delivery stands `to`, not only when this call moved it: a check that failed after the move
 * fails the event, and its retry, finding the delivery moved already, checks again.
 */
async function settle(digestId: string, subscriberId: string, to: "bounced" | "complained", at: string) {
  const moved = await Db.Deliveries.transition(digestId, subscriberId, { from: ["sent"] }, to, { updatedAt: at });
  if (moved) log.info({ event: `delivery.${to}`, digestId, subscriberId }, `delivery ${to}`);
  else if ((await Db.Deliveries.get(digestId, subscriberId))?.status !== to) return;
  await Breaker.check(digestId);
}
