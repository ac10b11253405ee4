/**
 * Delivery records as the rest of Tidings sees them: one per recipient of a digest, kept ten to a batch
 * (delivery-batches.ts). Every change is a write of the recipient's batch conditioned on the version it read, so
 * duplicated queue messages, overlapping workers, SES events and erasure can never move a record backwards,
 * count it twice or send it twice; one that loses a race reads the batch again and decides again.
 */
import type { Delivery, DeliveryStatus } from "../delivery/types";
import * as Batches from "./delivery-batches";
import * as Counts from "./delivery-counts";
import { isRace, WriteConflictError } from "./errors";

export async function get(digestId: string, subscriberId: string): Promise<Delivery | undefined> {
  const batchId = await Batches.batchIdOf(subscriberId, digestId);
  const batch = batchId ? await Batches.read(digestId, batchId) : undefined;
  return batch && Batches.deliveryOf(batch, subscriberId);
}

type Changes = Partial<Omit<Batches.Recipient, "status">> & { remove?: Array<keyof Batches.Recipient> };

/** Batch writes that met another (a worker recording the same batch, a counter item's transaction) are tried again this often. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Moves one delivery to `to` with `changes`, only if it is in one of the statuses `from` (and, when given, its batch
 * is still held by `claimId`, or a `sending` one's claim has run out). Answers the updated record, or undefined if
 * the condition does not hold.
 */
export async function transition(
  digestId: string,
  subscriberId: string,
  expect: { from: readonly DeliveryStatus[]; claimId?: string; leaseExpiredBefore?: number },
  to: DeliveryStatus,
  changes: Changes,
): Promise<Delivery | undefined> {
  const batchId = await Batches.batchIdOf(subscriberId, digestId);
  if (!batchId) return undefined;
  const { remove = [], ...set } = changes;
  for (let attempt = 1; ; attempt++) {
    const batch = await Batches.read(digestId, batchId);
    const recipient = batch?.recipients[subscriberId];
    if (!batch || !recipient || !expect.from.includes(recipient.status)) return undefined;
    if (expect.claimId !== undefined && batch.claimId !== expect.claimId) return undefined;
    const { leaseExpiredBefore } = expect;
    if (leaseExpiredBefore !== undefined && Batches.heldUntil(batch, recipient) >= leaseExpiredBefore) return undefined;
    const next: Record<string, unknown> = { ...recipient, ...set, status: to };
    for (const name of remove) delete next[name];
    try {
      const written = await Batches.write(batch, { ...batch, recipients: { ...batch.recipients, [subscriberId]: next as Batches.Recipient } });
      if (written) return Batches.deliveryOf(written, subscriberId);
    } catch (error) {
      if (!isRace(error)) throw error;
    }
    if (attempt >= CONFLICT_ATTEMPTS) throw new WriteConflictError(`the delivery of ${digestId} to ${subscriberId}`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
  }
}

/** Batches read per page at most: a page of a rare status may come back short, with a cursor to go on from. */
const SCAN_BATCHES = 100;

type Page = { deliveries: Delivery[]; cursor: string | null };

/**
 * Up to `limit` deliveries that `wanted` accepts, from batches `read` a few at a time, in batch order and subscriber
 * order within a batch. A cursor is where the batches were read from, and how many wanted deliveries of the next
 * batch were already given (`<batch cursor>~<n>`), so a page may end in the middle of a batch.
 */
async function entries(
  read: (cursor: string | undefined) => Promise<Batches.BatchPage>,
  wanted: (delivery: Delivery) => boolean,
  options: { cursor?: string; limit?: number },
): Promise<Page> {
  const limit = options.limit ?? 100;
  const [from = "", skipText = "0"] = (options.cursor ?? "").split("~", 2);
  let skip = /^\d{1,3}$/.test(skipText) ? Number(skipText) : 0;
  let position = from;
  const deliveries: Delivery[] = [];
  for (let scanned = 0; scanned < SCAN_BATCHES; ) {
    const page = await read(position || undefined);
    for (const [i, batch] of page.batches.entries()) {
      const matching = Batches.deliveriesOf(batch)
        .filter(wanted)
        .sort((a, b) => a.subscriberId.localeCompare(b.subscriberId));
      const taking = matching.slice(skip, skip + limit - deliveries.length);
      deliveries.push(...taking);
      if (skip + taking.length < matching.length) return { deliveries, cursor: `${position}~${skip + taking.length}` };
      skip = 0;
      position = page.positions[i]!;
      scanned++;
      if (deliveries.length >= limit) return { deliveries, cursor: position };
    }
    if (!page.cursor) return { deliveries, cursor: null };
    position = page.cursor;
  }
  return { deliveries, cursor: position };
}

/**
 * Deliveries of a digest in one status ("queued deliveries of weekly-2026-W48"), a page at a time. `queued` and
 * `sending` ones are found through the open markers; any other status by reading the batches in turn, at most
 * `SCAN_BATCHES` of them per page.
 */
export function page(digestId: string, status: DeliveryStatus, options: { cursor?: string; limit?: number } = {}): Promise<Page> {
  const open = status === "queued" || status === "sending";
  const read = (cursor: string | undefined) =>
    open ? Batches.openBatches(digestId, { cursor, limit: 10 }) : Batches.page(digestId, { cursor, limit: 10 });
  return entries(read, (delivery) => delivery.status === status, options);
}

/** Every delivery of a digest, a page at a time, batch by batch (`consistent`: strongly consistent reads). */
export function pageAll(digestId: string, options: { cursor?: string; limit?: number; consistent?: boolean } = {}): Promise<Page> {
  const read = (cursor: string | undefined) => Batches.page(digestId, { cursor, limit: 10, consistent: options.consistent });
  return entries(read, () => true, options);
}

/** How many deliveries of a digest are in each status: its counters (see delivery-counts.ts), in constant time. */
export const countByStatus = (digestId: string): Promise<Record<DeliveryStatus, number>> => Counts.read(digestId);

/** Whether any delivery of the digest is still `queued` or `sending`: whether it has an open batch. */
export async function anyOpen(digestId: string): Promise<boolean> {
  return Batches.anyOpen(digestId);
}
