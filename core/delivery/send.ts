/**
 * Sending one delivery batch (one queue message, up to 10 recipients), up to `SEND_IN_FLIGHT` (capacity.ts) at
 * once: claim the batch (one conditional write: only one worker can hold it), re-check each subscriber (as read
 * when the message was picked up), render their copy, wait for the pacing bucket, send with SendRawEmail, and
 * record every outcome with one more write of the batch. A worker that dies at any point leaves a batch the next
 * attempt finishes: before SES accepted, the claim simply expires and is taken over; after SES accepted but
 * before the record, the batch's emails SES accepted are the duplicates a crash can cause (at most one batch,
 * 10, per crash). A recipient whose render throws, or whose SES answer is an error of no known kind, costs an
 * attempt, not the rest of the batch; `MAX_ATTEMPTS` of them settle it `failed`. The sends in flight share the
 * worker's token bucket, so overlapping them changes how fast a worker can go, never how fast it is allowed to.
 */
import * as Db from "../db";
import * as Digests from "../digests";
import * as Email from "../email";
import { log } from "../log";
import { finishIfDone } from "./finish";
import * as Queue from "../queue";
import { sendMessages, type SendMessage } from "./messages";
import type { TokenBucket } from "./pacing";
import { preparedFor } from "./prepared";
import { bounded } from "./bounded";
import { SEND_IN_FLIGHT } from "./capacity";
import { skipReason } from "./plan";
import { claimBatch, MAX_ATTEMPTS, record, settleCancelled, type Result } from "./claims";
import { classify } from "./ses-errors";
import type { Subscriber } from "../subscribers/types";
import type { SkipReason } from "./types";

export { MAX_ATTEMPTS };

type Batch = Db.DeliveryBatches.Batch;
type Recipient = Db.DeliveryBatches.Recipient;

export type Step = "claim" | "render" | "accepted" | "record";

export interface SendOptions {
  bucket: TokenBucket;
  now?: () => Date;
  /** Called after each step, for each recipient; tests throw from it to simulate a worker dying there. */
  after?: (step: Step, subscriberId: string) => void;
  /** How long SES throttling is waited out before the rest of the batch is handed back to the queue. */
  throttleBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Recipients of a batch sent at once (default `SEND_IN_FLIGHT`). */
  inFlight?: number;
}

/**
 * What the sends in flight of one batch share: once one is handed back (SES throttled past the budget, or refused
 * the account) no other starts or calls SES again, and while one waits out throttling the others wait with it.
 */
interface Shared {
  stopped: boolean;
  calm?: Promise<void>;
}

let rendering: Promise<typeof import("../digests/render")> | undefined;
/** The renderer, loaded with the first email rendered (see prepared.ts), once per process rather than per email. */
const renderer = () => (rendering ??= import("../digests/render"));

/** How long recipients handed back under throttling wait before they are tried again. */
export const HANDBACK_DELAY_SECONDS = 5;

/**
 * Sends the batch's open recipients. When SES throttles past the budget, the recipients not yet sent go back to
 * `queued` and the batch back on the queue in a new, delayed message (so throttling never counts towards the
 * dead-letter queue's receive limit).
 */
export async function sendBatch(message: SendMessage, options: SendOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const digest = await Db.Digests.get(message.digestId);
  if (!digest || digest.status === "draft" || digest.status === "paused") return;
  if (digest.status === "cancelled") {
    await settleCancelled(digest.id, message.batchId, now());
    await finishIfDone(digest.id, now());
    return;
  }
  for (;;) {
    const claim = await claimBatch(digest.id, message.batchId, now);
    if (!claim) break; // sent, settled, or held by a live claim elsewhere
    const { handedBack } = await sendClaimed(digest, claim, options, now);
    if (handedBack) return Queue.enqueue(sendMessages(digest.id, [message.batchId]), HANDBACK_DELAY_SECONDS);
    if (!claim.careful) break;
  }
  await finishIfDone(digest.id, now());
}

/** Sends what the claim holds and records it. Throws (after recording what it knows) when something threw mid-batch. */
async function sendClaimed(
  digest: Digests.Digest,
  claim: { batch: Batch; claimId: string; claimed: string[] },
  options: SendOptions,
  now: () => Date,
) {
  const work = claim.claimed;
  for (const id of work) options.after?.("claim", id);

  const found = await recipients(work, now());
  const shared: Shared = { stopped: false };
  const results = new Map<string, Result>();
  const started = new Set<string>();
  let failure: { error: unknown } | undefined;
  try {
    await bounded(work, options.inFlight ?? SEND_IN_FLIGHT, () => shared.stopped, async (subscriberId) => {
      started.add(subscriberId);
      try {
        const result = await sendOne(digest, subscriberId, claim.batch.recipients[subscriberId]!, found.get(subscriberId) ?? {}, options, shared);
        results.set(subscriberId, result);
        if (result.kind === "handback") shared.stopped = true;
      } catch (error) {
        results.set(subscriberId, { kind: "attempt", error: describe(error) });
        throw error;
      }
    });
  } catch (error) {
    // Something threw mid-batch (in tests: the worker "died"). What is known is still recorded, so it is not sent
    // twice; the recipient it threw for stays `sending` under a lease of its own (SES may have accepted it) until
    // its next attempt, and those never started go back to `queued`. The message is retried.
    failure = { error };
  }
  for (const id of work) if (!started.has(id)) results.set(id, { kind: "handback" });
  const recorded = await record(claim.batch, claim.claimId, results, now());
  if (recorded) {
    for (const id of work) if (results.get(id)?.kind === "settle") options.after?.("record", id);
    await rememberShown(digest, recorded, results, found);
  }
  if (failure) throw failure.error;
  return { handedBack: shared.stopped };
}

/** One of the batch's subscribers as loaded (none: erased) and, if active, their recipient view of the digest. */
interface Loaded {
  subscriber?: Subscriber;
  recipient?: Digests.AddressedRecipient;
}

/**
 * The batch's recipients as they stand when it is picked up: profiles and patron records in one batch read each,
 * not two reads per recipient. So a change lands at most one batch (10 emails) late, as it would if it came a
 * moment later.
 */
async function recipients(ids: readonly string[], now: Date): Promise<Map<string, Loaded>> {
  const subscribers = await Db.Subscribers.many(ids);
  const active = [...subscribers.values()].filter((subscriber) => subscriber.status === "active");
  const readers = await Digests.readersFor(active, now);
  const found = new Map<string, Loaded>([...subscribers].map(([id, subscriber]) => [id, { subscriber }]));
  active.forEach((subscriber, i) => found.set(subscriber.id, { subscriber, recipient: readers[i] }));
  return found;
}

/** Sent: "You asked" and "You funded it" are not repeated in a later digest (a failure here only risks a repeat). */
async function rememberShown(digest: Digests.Digest, batch: Batch, results: ReadonlyMap<string, Result>, found: Map<string, Loaded>) {
  for (const [id, result] of results) {
    const recipient = found.get(id)?.recipient;
    if (result.kind !== "settle" || result.status !== "sent" || !recipient) continue;
    const prepared = await preparedFor(digest, recipient);
    await Digests.recordShown(digest.id, prepared, recipient).catch((error: unknown) =>
      log.warn(
        { event: "digest.covered_not_recorded", digestId: digest.id, subscriberId: id, batchId: batch.batchId, error: String(error) },
        "covered topics told not recorded",
      ),
    );
  }
}

async function sendOne(
  digest: Digests.Digest,
  subscriberId: string,
  claimed: Recipient,
  loaded: Loaded,
  options: SendOptions,
  shared: Shared,
): Promise<Result> {
  const now = options.now ?? (() => new Date());
  const { subscriber, recipient } = loaded;
  if (!subscriber) return { kind: "erased" };
  const settle = (status: "skipped" | "suppressed", reason: SkipReason): Result => ({ kind: "settle", status, set: { reason } });
  if (subscriber.status !== "active") return settle("suppressed", subscriber.status);
  const skipped = await skipReason(digest, subscriber, recipient!, now());
  if (skipped) return settle("skipped", skipped);
  // A digest that cannot be prepared is the digest's fault, not this recipient's: that throws (the message retries).
  const prepared = await preparedFor(digest, recipient!);
  const failedAttempt = (error: unknown): Result => {
    const described = describe(error);
    const last = claimed.attempts >= MAX_ATTEMPTS;
    const event = { event: "delivery.attempt_failed", digestId: digest.id, subscriberId, attempts: claimed.attempts, last, error: described };
    log.warn(event, "delivery attempt failed");
    return last ? { kind: "settle", status: "failed", set: { error: described } } : { kind: "attempt", error: described };
  };
  let email: Email.Message;
  try {
    const rendered = (await renderer()).digestMessage(prepared, recipient!);
    if (!rendered) throw new Error("the render selected nothing for this reader");
    email = rendered;
  } catch (error) {
    return failedAttempt(error);
  }
  options.after?.("render", subscriberId);

  const outcome = await sendPaced(email, options, shared);
  if (outcome.kind === "unknown") return failedAttempt(outcome.error);
  if (outcome.kind === "throttled") return { kind: "handback" };
  if (outcome.kind === "account") {
    // Hand the recipient back: not a failure, just not now.
    await pauseForAccount(digest, outcome.error);
    return { kind: "handback" };
  }
  if (outcome.kind !== "sent") {
    log.warn({ event: "delivery.failed", digestId: digest.id, subscriberId, error: outcome.error }, "delivery failed");
    return { kind: "settle", status: "failed", set: { error: outcome.error } };
  }
  options.after?.("accepted", subscriberId);
  return { kind: "settle", status: "sent", set: { messageId: outcome.messageId, sentAt: now().toISOString() } };
}

type Outcome =
  | { kind: "sent"; messageId: string }
  | { kind: "throttled" }
  | { kind: "failed" | "account"; error: string }
  | { kind: "unknown"; error: unknown };

/**
 * Sends at the bucket's pace, waiting out throttling within the budget. Any other error (network, 5xx, a kind the
 * classifier does not know) is `unknown`: SES may or may not have sent it. While another send of the message waits
 * out throttling this one waits too, and once the message is being handed back it calls SES no more.
 */
async function sendPaced(message: Email.Message, options: SendOptions, shared: Shared): Promise<Outcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const budget = options.throttleBudgetMs ?? 20_000;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    while (shared.calm) await shared.calm;
    if (shared.stopped) return { kind: "throttled" };
    await options.bucket.take();
    if (shared.stopped) return { kind: "throttled" };
    try {
      return { kind: "sent", ...(await Email.send(message)) };
    } catch (error) {
      const kind = classify(error);
      if (kind === "permanent") return { kind: "failed", error: describe(error) };
      if (kind === "account") return { kind: "account", error: describe(error) };
      if (kind === "transient") return { kind: "unknown", error };
      const pause = Math.min(200 * 2 ** attempt, 5_000);
      if (waited + pause > budget) return { kind: "throttled" };
      waited += pause;
      shared.calm ??= sleep(pause).then(() => {
        shared.calm = undefined;
      });
      await shared.calm;
    }
  }
}

/** An error as stored on a delivery and logged: its name and message, without addresses or token-like strings. */
export const describe = (error: unknown) => {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return `${name ?? "Error"}: ${message ?? String(error)}`
    .replace(/[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+/g, "[address]")
    .replace(/[A-Za-z0-9+/_=-]{32,}/g, "[redacted]")
    .slice(0, 500);
};

/** SES refuses the account itself: every other recipient would fail alike, so the send pauses and says why. */
async function pauseForAccount(digest: Digests.Digest, error: string) {
  const paused = await Db.Digests.transition(digest, ["sending"], "paused", { pauseReason: `SES refused sending: ${error}` });
  if (paused) log.error({ event: "digest.paused", digestId: digest.id, reason: paused.pauseReason }, "send paused");
}
