/**
 * Sending one queue message's recipients, up to `SEND_IN_FLIGHT` (capacity.ts) at once. For each: claim the delivery
 * (a conditional write: only one worker can hold it), re-check the subscriber (as read when the message was picked
 * up), render their copy, wait for the pacing bucket, send with SendRawEmail and record the SES message id. A worker
 * that dies at any point leaves a record the next attempt finishes: before SES accepted, the claim simply expires
 * and is taken over; after SES accepted but before recording, the recipients in flight are the duplicates a crash
 * can cause. A recipient whose render throws, or whose SES answer is an error of no known kind, costs an attempt,
 * not the rest of the message; `MAX_ATTEMPTS` of them settle it `failed`. The sends in flight share the worker's
 * token bucket, so overlapping them changes how fast a worker can go, never how fast it is allowed to.
 */
import { randomUUID } from "node:crypto";
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
import { LEASE_MS } from "./recover";
import { skipReason } from "./plan";
import { classify } from "./ses-errors";
import type { Subscriber } from "../subscribers/types";
import type { Delivery, SkipReason } from "./types";

export type Step = "claim" | "render" | "accepted" | "record";

export interface SendOptions {
  bucket: TokenBucket;
  now?: () => Date;
  /** Called after each step; tests throw from it to simulate a worker dying there. */
  after?: (step: Step, subscriberId: string) => void;
  /** How long SES throttling is waited out before the rest of the message is handed back to the queue. */
  throttleBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Recipients of a message sent at once (default `SEND_IN_FLIGHT`). */
  inFlight?: number;
}

/**
 * What the sends in flight of one message share: once one is handed back (SES throttled past the budget, or refused
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
 * Attempts at one recipient before their delivery is settled `failed`. An attempt is a claim: one that threw (the
 * render, or an SES error the classifier does not know) or whose worker died. Attempts are spaced by the claim's
 * lease and the recovery sweep (5 minutes each), so 5 attempts span 20 to 45 minutes: long enough to ride out
 * an SES or network blip, short enough that one broken recipient does not hold the digest (and the next digest's
 * article window) for hours.
 */
export const MAX_ATTEMPTS = 5;

/**
 * Sends the message's recipients. When SES throttles past the budget, the recipients not yet sent go back on the
 * queue in a new, delayed message (so throttling never counts towards the dead-letter queue's receive limit).
 */
export async function sendBatch(message: SendMessage, options: SendOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const digest = await Db.Digests.get(message.digestId);
  if (!digest || digest.status === "draft" || digest.status === "paused") return;
  if (digest.status === "cancelled") {
    for (const subscriberId of message.subscriberIds) {
      await settle(digest.id, subscriberId, ["queued"], "skipped", { reason: "cancelled" }, now());
    }
    await finishIfDone(digest.id, now());
    return;
  }
  const found = await recipients(message.subscriberIds, now());
  const shared: Shared = { stopped: false };
  const outcomes = await bounded(message.subscriberIds, options.inFlight ?? SEND_IN_FLIGHT, () => shared.stopped, async (subscriberId) => {
    const outcome = await sendOne(digest, subscriberId, found.get(subscriberId) ?? {}, options, now, shared);
    if (outcome === "retry") shared.stopped = true;
    return outcome;
  });
  if (shared.stopped) {
    // The recipients handed back and those never started; the rest of the message is done.
    const rest = message.subscriberIds.filter((_, i) => outcomes[i] !== "done");
    await Queue.enqueue(sendMessages(digest.id, rest), HANDBACK_DELAY_SECONDS);
    return;
  }
  await finishIfDone(digest.id, now());
}

/** One of the message's subscribers as loaded (none: erased) and, if active, their recipient view of the digest. */
interface Loaded {
  subscriber?: Subscriber;
  recipient?: Digests.AddressedRecipient;
}

/**
 * The message's recipients as they stand when it is picked up: profiles and patron records in one batch read
 * each, not two reads per recipient. So a change lands at most one message (10 emails) late, as it would if it
 * came a moment later.
 */
async function recipients(ids: readonly string[], now: Date): Promise<Map<string, Loaded>> {
  const subscribers = await Db.Subscribers.many(ids);
  const active = [...subscribers.values()].filter((subscriber) => subscriber.status === "active");
  const readers = await Digests.readersFor(active, now);
  const found = new Map<string, Loaded>([...subscribers].map(([id, subscriber]) => [id, { subscriber }]));
  active.forEach((subscriber, i) => found.set(subscriber.id, { subscriber, recipient: readers[i] }));
  return found;
}

async function sendOne(
  digest: Digests.Digest,
  subscriberId: string,
  loaded: Loaded,
  options: SendOptions,
  now: () => Date,
  shared: Shared,
) {
  const claimId = randomUUID();
  const claimed = await Db.Deliveries.transition(
    digest.id,
    subscriberId,
    { from: ["queued", "sending"], leaseExpiredBefore: now().getTime() },
    "sending",
    { claimId, leaseUntil: now().getTime() + LEASE_MS, updatedAt: now().toISOString(), add: { attempts: 1 } },
  );
  if (!claimed) return "done"; // sent, settled, or held by a live claim elsewhere
  const held = { from: ["sending"] as const, claimId };
  if (claimed.attempts > MAX_ATTEMPTS) return giveUp(digest.id, subscriberId, claimId, claimed.error, now());
  options.after?.("claim", subscriberId);

  const { subscriber, recipient } = loaded;
  if (!subscriber) {
    // Erased after this delivery was planned (from an index page that lagged the erasure): keep only the
    // anonymous count, as erasure itself does, never the address.
    await Db.Erasure.anonymizeDelivery(claimed, { status: "suppressed", reason: "erased" }, now().toISOString());
    return "done";
  }
  const suppressed: SkipReason | undefined = subscriber.status !== "active" ? subscriber.status : undefined;
  if (suppressed) return settle(digest.id, subscriberId, held.from, "suppressed", { reason: suppressed, claimId }, now());
  const skipped = await skipReason(digest, subscriber, recipient!, now());
  if (skipped) return settle(digest.id, subscriberId, held.from, "skipped", { reason: skipped, claimId }, now());
  // A digest that cannot be prepared is the digest's fault, not this recipient's: that throws (the message retries).
  const prepared = await preparedFor(digest, recipient!.variant);
  const failedAttempt = (error: unknown) => attemptFailed(digest.id, subscriberId, claimed.attempts, claimId, error, now());
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
  if (outcome.kind === "throttled" || outcome.kind === "account") {
    // Hand the recipient back: not a failure, just not now.
    await settle(digest.id, subscriberId, held.from, "queued", { claimId }, now());
    if (outcome.kind === "account") await pauseForAccount(digest, outcome.error);
    return "retry";
  }
  if (outcome.kind !== "sent") {
    log.warn({ event: "delivery.failed", digestId: digest.id, subscriberId, error: outcome.error }, "delivery failed");
    return settle(digest.id, subscriberId, held.from, "failed", { error: outcome.error, claimId }, now());
  }
  options.after?.("accepted", subscriberId);
  const at = now().toISOString();
  const recorded = await Db.Deliveries.transition(digest.id, subscriberId, held, "sent", {
    messageId: outcome.messageId,
    sentAt: at,
    updatedAt: at,
    remove: ["claimId", "leaseUntil", "error"], // an earlier attempt's error is no longer the story
  });
  if (!recorded) log.warn({ event: "delivery.claim_lost", digestId: digest.id, subscriberId }, "sent after the claim expired");
  // Sent: "You asked, we covered it" is not repeated in a later digest (a failure here only risks a repeat).
  await Digests.recordAskedShown(digest.id, prepared, recipient!).catch((error: unknown) =>
    log.warn({ event: "votes.covered_not_recorded", digestId: digest.id, subscriberId, error: String(error) }, "covered topics not recorded"),
  );
  options.after?.("record", subscriberId);
  return "done";
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

/**
 * An attempt that threw (the render, or SES with an error of no known kind). The recipient's claim is kept until its
 * lease runs out (SES may have accepted an unknown error's email: the lease spaces the next attempt, which the
 * recovery sweep enqueues), with the error; at the last attempt it is settled `failed`. Either way the rest of
 * the message goes on.
 */
async function attemptFailed(digestId: string, subscriberId: string, attempts: number, claimId: string, error: unknown, at: Date) {
  const described = describe(error);
  const last = attempts >= MAX_ATTEMPTS;
  log.warn({ event: "delivery.attempt_failed", digestId, subscriberId, attempts, last, error: described }, "delivery attempt failed");
  if (last) return settle(digestId, subscriberId, ["sending"], "failed", { error: described, claimId }, at);
  await Db.Deliveries.transition(digestId, subscriberId, { from: ["sending"], claimId }, "sending", {
    error: described,
    updatedAt: at.toISOString(),
  });
  return "done" as const;
}

/**
 * A claim past the last attempt (the workers of the earlier ones died, or recorded no outcome): settled `failed`
 * without trying again. This claim is not an attempt, so it takes back its count.
 */
async function giveUp(digestId: string, subscriberId: string, claimId: string, lastError: string | undefined, at: Date) {
  const error = `gave up after ${MAX_ATTEMPTS} attempts; the last: ${lastError ?? "its worker stopped before recording an outcome"}`;
  log.warn({ event: "delivery.failed", digestId, subscriberId, error }, "delivery failed: attempts exhausted");
  await Db.Deliveries.transition(digestId, subscriberId, { from: ["sending"], claimId }, "failed", {
    error: error.slice(0, 500),
    updatedAt: at.toISOString(),
    remove: ["claimId", "leaseUntil"],
    add: { attempts: -1 },
  });
  return "done" as const;
}

/** SES refuses the account itself: every other recipient would fail alike, so the send pauses and says why. */
async function pauseForAccount(digest: Digests.Digest, error: string) {
  const paused = await Db.Digests.transition(digest, ["sending"], "paused", { pauseReason: `SES refused sending: ${error}` });
  if (paused) log.error({ event: "digest.paused", digestId: digest.id, reason: paused.pauseReason }, "send paused");
}

async function settle(
  digestId: string,
  subscriberId: string,
  from: readonly Delivery["status"][],
  to: Delivery["status"],
  changes: { reason?: SkipReason; error?: string; claimId?: string },
  at: Date,
) {
  const { claimId, ...rest } = changes;
  await Db.Deliveries.transition(digestId, subscriberId, { from, claimId }, to, {
    ...rest,
    updatedAt: at.toISOString(),
    remove: claimId ? ["claimId", "leaseUntil"] : [],
  });
  return "done" as const;
}
