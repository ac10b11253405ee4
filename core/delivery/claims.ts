/**
 * The writes a send makes to its batch: the claim (who sends which recipients, until when), the record of every
 * outcome, and the settling of a cancelled digest's batch. Each is one write of the batch conditioned on the
 * version read, tried again on what it reads then when another write got there first (an SES event, an erasure,
 * another worker).
 */
import { randomUUID } from "node:crypto";
import * as Db from "../db";
import { log } from "../log";
import { LEASE_MS } from "./recover";

type Batch = Db.DeliveryBatches.Batch;
type Recipient = Db.DeliveryBatches.Recipient;

/**
 * Attempts at one recipient before their delivery is settled `failed`. An attempt is a claim: one that threw (the
 * render, or an SES error the classifier does not know) or whose worker died. Attempts are spaced by the claim's
 * lease and the recovery sweep (5 minutes each), so 5 attempts span 20 to 45 minutes: long enough to ride out
 * an SES or network blip, short enough that one broken recipient does not hold the digest (and the next digest's
 * article window) for hours.
 */
export const MAX_ATTEMPTS = 5;

/**
 * What became of one recipient of the claimed batch: a new status with its fields, `attempt` (an attempt failed:
 * it stays `sending` under the claim's lease, with the error, for the next one), `handback` (not now: back to
 * `queued`), or `erased` (no profile any more: kept only as an anonymous count).
 */
export type Result =
  | { kind: "settle"; status: "sent" | "failed" | "skipped" | "suppressed"; set: Partial<Recipient> }
  | { kind: "attempt"; error: string }
  | { kind: "handback" }
  | { kind: "erased" };

/** Batch writes that met another (an SES event, an erasure, a counter item's transaction) are tried again this often. */
const CONFLICT_ATTEMPTS = 8;
const jitter = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));

/**
 * Writes `change(batch)` over the batch as read, reading it again after a race, until it lands or `change` answers
 * nothing (nothing to do). Answers the batch as written.
 */
async function rewrite(
  digestId: string,
  batchId: string,
  change: (batch: Batch) => Omit<Batch, "version"> | undefined,
  first?: Batch,
): Promise<Batch | undefined> {
  for (let attempt = 1; ; attempt++) {
    const batch = attempt === 1 && first ? first : await Db.DeliveryBatches.read(digestId, batchId);
    const next = batch && change(batch);
    if (!batch || !next) return undefined;
    try {
      const written = await Db.DeliveryBatches.write(batch, next);
      if (written) return written;
    } catch (error) {
      if (!Db.isRace(error)) throw error;
    }
    if (attempt >= CONFLICT_ATTEMPTS) throw new Db.WriteConflictError(`delivery batch ${batchId} of ${digestId}`);
    await jitter(attempt);
  }
}

/**
 * Claims the batch for this worker, unless a live claim holds it: every recipient `queued`, or `sending` under no
 * claim and no attempt's lease (its worker died, or its last attempt failed long enough ago), becomes `sending` with
 * one more attempt; one past `MAX_ATTEMPTS` is settled `failed` instead, without trying again. When any of them
 * has been tried before (a worker died holding the batch, or an attempt failed), the claim is `careful`: it takes
 * only the first of them, and the worker claims the next after recording it, so a recipient that kills its worker
 * costs attempts only itself, as it would alone.
 */
export async function claimBatch(digestId: string, batchId: string, now: () => Date) {
  const claimId = randomUUID();
  let careful = false;
  let claimed: string[] = [];
  const batch = await rewrite(digestId, batchId, (current) => {
    const at = now();
    if (current.claimId && (current.leaseUntil ?? 0) >= at.getTime()) return undefined;
    const open = Object.entries(current.recipients)
      .filter(([, recipient]) => recipient.status === "queued" || (recipient.status === "sending" && (recipient.leaseUntil ?? 0) < at.getTime()))
      .sort(([a], [b]) => a.localeCompare(b));
    if (open.length === 0) return undefined;
    careful = open.some(([, recipient]) => recipient.attempts > 0);
    const next = { ...current.recipients };
    claimed = [];
    // In subscriber order (a map's order is not kept by DynamoDB), so "the batch's first recipient" means one thing.
    for (const [id, { leaseUntil, ...recipient }] of careful ? open.slice(0, 1) : open) {
      const updatedAt = at.toISOString();
      if (recipient.attempts >= MAX_ATTEMPTS) {
        const error = `gave up after ${MAX_ATTEMPTS} attempts; the last: ${recipient.error ?? "its worker stopped before recording an outcome"}`;
        log.warn({ event: "delivery.failed", digestId, subscriberId: id, error }, "delivery failed: attempts exhausted");
        next[id] = { ...recipient, status: "failed", error: error.slice(0, 500), updatedAt };
      } else {
        next[id] = { ...recipient, status: "sending", attempts: recipient.attempts + 1, updatedAt };
        claimed.push(id);
      }
    }
    return { ...current, recipients: next, claimId, leaseUntil: at.getTime() + LEASE_MS };
  });
  return batch && { batch, claimId, careful, claimed };
}

/**
 * Records the outcomes in one write of the batch, if this worker's claim still holds it (else another worker took
 * the batch over after the lease ran out, and sends what was not recorded: logged), and ends the claim. A
 * recipient whose attempt failed keeps the claim's lease as its own, which spaces the next attempt.
 */
export async function record(claimed: Batch, claimId: string, results: ReadonlyMap<string, Result>, at: Date) {
  const updatedAt = at.toISOString();
  const written = await rewrite(
    claimed.digestId,
    claimed.batchId,
    (current) => {
      if (current.claimId !== claimId) {
        log.warn({ event: "delivery.claim_lost", digestId: current.digestId, batchId: current.batchId }, "sent after the claim expired");
        return undefined;
      }
      const next = { ...current.recipients };
      for (const [id, result] of results) {
        const recipient = next[id];
        if (recipient?.status !== "sending") continue;
        if (result.kind === "settle") {
          const { error, ...rest } = recipient; // an earlier attempt's error is no longer the story (unless it is this one)
          next[id] = { ...rest, ...result.set, status: result.status, updatedAt };
        } else if (result.kind === "attempt") {
          // The claim's lease, as if it were still held: the next attempt comes no sooner than a dead worker's would.
          next[id] = { ...recipient, error: result.error, updatedAt, leaseUntil: current.leaseUntil ?? at.getTime() + LEASE_MS };
        } else if (result.kind === "handback") {
          next[id] = { ...recipient, status: "queued", attempts: recipient.attempts - 1, updatedAt };
        } else {
          // Erased after this delivery was planned: keep only the anonymous count, as erasure itself does.
          delete next[id];
          const { variant, attempts } = recipient;
          next[Db.Erasure.anonymousId()] = { email: "", status: "suppressed", reason: "erased", variant, attempts, updatedAt };
        }
      }
      const { claimId: _, leaseUntil, ...rest } = current;
      return { ...rest, recipients: next };
    },
    claimed,
  );
  const erased = [...results].filter(([, result]) => result.kind === "erased").map(([id]) => id);
  if (written && erased.length) await Db.Erasure.deleteAll(erased.map((id) => Db.Erasure.refKey(id, claimed.digestId)));
  return written;
}

/**
 * A batch of a cancelled digest: its recipients still `queued`, or `sending` under a claim that ran out, are settled
 * `skipped` (cancelled); one a live claim holds is left to its worker (who finds the digest cancelled next time).
 */
export async function settleCancelled(digestId: string, batchId: string, at: Date, first?: Batch): Promise<number> {
  let settled = 0;
  await rewrite(
    digestId,
    batchId,
    (current) => {
      const next = { ...current.recipients };
      settled = 0;
      for (const [id, recipient] of Object.entries(next)) {
        if (recipient.status !== "queued" && Db.DeliveryBatches.heldUntil(current, recipient) >= at.getTime()) continue;
        if (!Db.DeliveryBatches.isOpen(recipient)) continue;
        const { leaseUntil, ...rest } = recipient;
        next[id] = { ...rest, status: "skipped", reason: "cancelled", updatedAt: at.toISOString() };
        settled++;
      }
      return settled ? { ...current, recipients: next } : undefined;
    },
    first,
  );
  return settled;
}
