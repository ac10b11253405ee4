/**
 * A digest's deliveries, ten to an item: a batch holds the recipients of one send message, each with their own
 * status, and the claim of whoever is sending them. Every write of a batch is one transaction of the batch (on the
 * version it read), its open marker when the batch opens or closes, and a counter item moved by exactly what the
 * write changed; so a batch, its counts and the set of open batches never disagree, under retries or races.
 *
 * Stored recipients use one-letter attribute names (a batch is written three times per email sent: its size is
 * the write cost); `toStored` and `fromStored` are the only places that know them.
 */
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, type BatchGetCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { Delivery, DeliveryStatus } from "../delivery/types";
import { db, tableName } from "./client";
import { decodeCursor, encodeCursor } from "./cursor";
import * as Counts from "./delivery-counts";
import { cancellationCodes, isConditionFailure } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";
import { untilProcessed } from "./retry";

/**
 * A recipient as kept in their batch: a delivery without the keys the batch already gives. `leaseUntil` here is
 * when an attempt that failed lets the next begin (the batch's own claim has a lease of its own).
 */
export type Recipient = Omit<Delivery, "digestId" | "subscriberId" | "claimId" | "createdAt">;

export interface Batch {
  digestId: string;
  batchId: string;
  /** By subscriber id (an erased one's under an `anon_…` id). */
  recipients: Record<string, Recipient>;
  /** The claim of the worker sending its recipients, and until when it holds (epoch ms). */
  claimId?: string;
  leaseUntil?: number;
  /** Moved by every write; every write is conditioned on the one it read. */
  version: number;
  createdAt: string;
}

/** Recipients that still have something coming: the batch is open (it has a marker) while any has. */
export const isOpen = (recipient: Recipient) => recipient.status === "queued" || recipient.status === "sending";
const batchIsOpen = (batch: Batch) => Object.values(batch.recipients).some(isOpen);

const STORED: Record<keyof Recipient, string> = {
  email: "e",
  status: "s",
  variant: "v",
  reason: "r",
  attempts: "a",
  messageId: "m",
  error: "x",
  updatedAt: "u",
  sentAt: "t",
  leaseUntil: "l",
};
const FIELDS = Object.fromEntries(Object.entries(STORED).map(([field, stored]) => [stored, field])) as Record<string, keyof Recipient>;

function toStored(recipient: Recipient): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(recipient)) if (value !== undefined) stored[STORED[field as keyof Recipient]] = value;
  return stored;
}

function fromStored(stored: Record<string, unknown>): Recipient {
  const recipient: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) recipient[FIELDS[name] ?? name] = value;
  return recipient as unknown as Recipient;
}

function batchOf(item: Record<string, any>): Batch {
  const recipients: Record<string, Recipient> = {};
  for (const [id, stored] of Object.entries(item.recipients ?? {})) recipients[id] = fromStored(stored as Record<string, unknown>);
  return {
    digestId: item.digestId,
    batchId: item.batchId,
    recipients,
    version: Number(item.version ?? 0),
    createdAt: item.createdAt,
    ...(item.claimId && { claimId: item.claimId }),
    ...(item.leaseUntil !== undefined && { leaseUntil: Number(item.leaseUntil) }),
  };
}

/** A batch as stored (also the migration's, which writes batches in its own transactions). */
export function itemOf(batch: Batch): Record<string, unknown> {
  const recipients = Object.fromEntries(Object.entries(batch.recipients).map(([id, recipient]) => [id, toStored(recipient)]));
  return {
    ...keys.deliveryBatch.key(batch.digestId, batch.batchId),
    entity: "delivery-batch",
    digestId: batch.digestId,
    batchId: batch.batchId,
    recipients,
    version: batch.version,
    createdAt: batch.createdAt,
    ...(batch.claimId && { claimId: batch.claimId }),
    ...(batch.leaseUntil !== undefined && { leaseUntil: batch.leaseUntil }),
  };
}

/**
 * Until when a recipient `sending` is held (epoch ms): by the claim of the worker sending the batch, or, after an
 * attempt failed, until the next may begin. Once it has passed, anyone may take the recipient over.
 */
export function heldUntil(batch: Batch, recipient: Recipient): number {
  if (recipient.status !== "sending") return 0;
  return Math.max(batch.claimId ? (batch.leaseUntil ?? 0) : 0, recipient.leaseUntil ?? 0);
}

/** One recipient of a batch as a delivery record (with the batch's claim while they are being sent). */
export function deliveryOf(batch: Batch, subscriberId: string): Delivery | undefined {
  const recipient = batch.recipients[subscriberId];
  if (!recipient) return undefined;
  const { leaseUntil, ...rest } = recipient;
  const until = heldUntil(batch, recipient);
  return {
    digestId: batch.digestId,
    subscriberId,
    createdAt: batch.createdAt,
    ...rest,
    ...(until && batch.claimId && { claimId: batch.claimId }),
    ...(until && { leaseUntil: until }),
  };
}

export const deliveriesOf = (batch: Batch): Delivery[] => Object.keys(batch.recipients).map((id) => deliveryOf(batch, id)!);

export async function read(digestId: string, batchId: string): Promise<Batch | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.deliveryBatch.key(digestId, batchId), ConsistentRead: true }),
  );
  return Item && batchOf(Item);
}

/** Several batches of a digest, strongly consistent, in requests of 100 (those not found are left out). */
export async function readMany(digestId: string, batchIds: readonly string[]): Promise<Batch[]> {
  const found: Batch[] = [];
  const unique = [...new Set(batchIds)];
  for (let i = 0; i < unique.length; i += 100) {
    const wanted = unique.slice(i, i + 100).map((batchId) => keys.deliveryBatch.key(digestId, batchId));
    await untilProcessed(`reading ${wanted.length} delivery batches`, wanted, async (pending) => {
      const answer: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [...pending], ConsistentRead: true } } }),
      );
      found.push(...(answer.Responses?.[tableName()] ?? []).map(batchOf));
      return (answer.UnprocessedKeys?.[tableName()]?.Keys ?? []) as typeof wanted;
    });
  }
  return found;
}

/** Which batch holds a subscriber's delivery of a digest (none: not planned, or erased). */
export async function batchIdOf(subscriberId: string, digestId: string): Promise<string | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.deliveryRef.key(subscriberId, digestId), ConsistentRead: true }),
  );
  return Item?.batchId as string | undefined;
}

/** A subscriber's delivery refs, every digest (export, erasure): their own partition, read consistently. */
export async function refsOf(subscriberId: string): Promise<Array<{ digestId: string; batchId: string }>> {
  const refs: Array<{ digestId: string; batchId: string }> = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.deliveryRef.key(subscriberId, "").pk, ":prefix": keys.deliveryRef.prefix },
    ConsistentRead: true,
  });
  for await (const item of items) refs.push({ digestId: item.digestId as string, batchId: item.batchId as string });
  return refs;
}

export type Planned = "planned" | "exists" | { taken: string[] };

/**
 * Writes new batches with their recipients' refs, open markers and counts, in one transaction (at most 9 batches
 * of 10: 90 refs, 9 batches or markers… within DynamoDB's 100 items, see `PLAN_PAGE_SIZE`). Answers `exists` when a
 * batch of the same id is already there (the page was planned before: nothing written), or the subscribers who
 * already have a delivery of this digest in another batch (nothing written; plan again without them).
 */
export async function plan(batches: readonly Batch[]): Promise<Planned> {
  if (batches.length === 0) return "planned";
  const digestId = batches[0]!.digestId;
  const items: Array<{ kind: "batch" | "ref" | "other"; subscriberId?: string; item: Counts.TransactItem }> = [];
  for (const batch of batches) {
    items.push({ kind: "batch", item: { Put: { TableName: tableName(), Item: itemOf(batch), ConditionExpression: "attribute_not_exists(pk)" } } });
    if (batchIsOpen(batch)) items.push({ kind: "other", item: { Put: { TableName: tableName(), Item: openItem(batch) } } });
    for (const subscriberId of Object.keys(batch.recipients)) {
      const ref = refItem(subscriberId, digestId, batch.batchId);
      items.push({ kind: "ref", subscriberId, item: { Put: { TableName: tableName(), Item: ref, ConditionExpression: "attribute_not_exists(pk)" } } });
    }
  }
  const statuses = batches.flatMap((batch) => Object.values(batch.recipients).map((recipient) => recipient.status));
  for (const item of Counts.counterUpdate(digestId, Counts.difference([], statuses))) items.push({ kind: "other", item });
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items.map(({ item }) => item) }));
    return "planned";
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const failed = cancellationCodes(error).map((code, i) => (code === "ConditionalCheckFailed" ? items[i] : undefined));
    if (failed.some((entry) => entry?.kind === "batch")) return "exists";
    return { taken: failed.flatMap((entry) => (entry?.subscriberId ? [entry.subscriberId] : [])) };
  }
}

/** A subscriber's ref to the batch holding their delivery of a digest, as stored. */
export const refItem = (subscriberId: string, digestId: string, batchId: string) => ({
  ...keys.deliveryRef.key(subscriberId, digestId),
  entity: "delivery-ref",
  digestId,
  batchId,
});

/** The open marker of a batch, as stored. */
export const openItem = (batch: Pick<Batch, "digestId" | "batchId">) => ({
  ...keys.deliveryBatch.open(batch.digestId, batch.batchId),
  entity: "delivery-batch-open",
  digestId: batch.digestId,
  batchId: batch.batchId,
});

/**
 * Writes `next` over `current` (the batch as read): only if its version is still the one read. Moves the counters
 * by what changed (statuses of `current` → statuses of `next`, anonymous recipients included) and puts or deletes
 * the open marker when the batch opens or closes, in the same transaction. Answers the batch as written, or
 * undefined when the batch moved meanwhile (nothing written: read it again and decide again).
 */
export async function write(current: Batch, next: Omit<Batch, "version">): Promise<Batch | undefined> {
  const written: Batch = { ...next, version: current.version + 1 };
  const before = Object.values(current.recipients).map((recipient) => recipient.status);
  const after = Object.values(written.recipients).map((recipient) => recipient.status);
  const marker: Counts.TransactItem[] = [];
  if (batchIsOpen(written) && !batchIsOpen(current)) marker.push({ Put: { TableName: tableName(), Item: openItem(written) } });
  if (!batchIsOpen(written) && batchIsOpen(current)) {
    marker.push({ Delete: { TableName: tableName(), Key: keys.deliveryBatch.open(current.digestId, current.batchId) } });
  }
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: itemOf(written),
              ConditionExpression: "version = :version",
              ExpressionAttributeValues: { ":version": current.version },
            },
          },
          ...marker,
          ...Counts.counterUpdate(current.digestId, Counts.difference(before, after)),
        ],
      }),
    );
    return written;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Walks a digest's 64 delivery partitions in turn, reading up to `limit` items whose sort key begins with `prefix`:
 * a cursor names the partition it stopped in and the key in it. Answers, beside the items, the cursor that resumes
 * right after each of them (so a reader may stop in the middle of a page).
 */
async function walk(
  digestId: string,
  prefix: string,
  options: { cursor?: string; limit: number; consistent?: boolean },
): Promise<{ items: Record<string, any>[]; positions: string[]; cursor: string | null }> {
  const [shardText, inner] = (options.cursor ?? "0.").split(".", 2) as [string, string];
  let shard = Number(shardText);
  if (!Number.isInteger(shard) || shard < 0 || shard >= keys.DELIVERY_PARTITIONS) shard = 0;
  const items: Record<string, any>[] = [];
  const positions: string[] = [];
  let start = inner ? decodeCursor(inner) : undefined;
  while (shard < keys.DELIVERY_PARTITIONS && items.length < options.limit) {
    const { Items = [], LastEvaluatedKey } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.deliveryBatch.partition(digestId, shard), ":prefix": prefix },
        Limit: options.limit - items.length,
        ExclusiveStartKey: start,
        ConsistentRead: options.consistent ?? false,
      }),
    );
    for (const item of Items) {
      items.push(item);
      positions.push(`${shard}.${encodeCursor({ pk: item.pk, sk: item.sk })}`);
    }
    start = LastEvaluatedKey;
    if (!start) shard++;
  }
  return { items, positions, cursor: shard < keys.DELIVERY_PARTITIONS ? `${shard}.${encodeCursor(start) ?? ""}` : null };
}

export interface BatchPage {
  batches: Batch[];
  /** The cursor that resumes right after each batch. */
  positions: string[];
  cursor: string | null;
}

/** A page of a digest's batches, partition by partition. */
export async function page(digestId: string, options: { cursor?: string; limit?: number; consistent?: boolean } = {}): Promise<BatchPage> {
  const { items, positions, cursor } = await walk(digestId, keys.deliveryBatch.prefix, { limit: options.limit ?? 10, ...options });
  return { batches: items.map(batchOf), positions, cursor };
}

/** A page of the ids of a digest's open batches (those with a recipient `queued` or `sending`). */
export async function openPage(digestId: string, options: { cursor?: string; limit?: number; consistent?: boolean } = {}) {
  const { items, positions, cursor } = await walk(digestId, keys.deliveryBatch.openPrefix, { limit: options.limit ?? 100, ...options });
  return { batchIds: items.map((item) => item.batchId as string), positions, cursor };
}

/** A page of a digest's open batches themselves (read consistently after their markers). */
export async function openBatches(digestId: string, options: { cursor?: string; limit?: number } = {}): Promise<BatchPage> {
  const open = await openPage(digestId, options);
  const byId = new Map((await readMany(digestId, open.batchIds)).map((batch) => [batch.batchId, batch]));
  const found = open.batchIds.map((id, i) => ({ batch: byId.get(id), position: open.positions[i]! })).filter((entry) => entry.batch);
  return { batches: found.map((entry) => entry.batch!), positions: found.map((entry) => entry.position), cursor: open.cursor };
}

/**
 * Whether the digest has any open batch: one marker read at most per partition (strongly consistent), stopping at
 * the first found; while a digest sends that is the first read.
 */
export async function anyOpen(digestId: string): Promise<boolean> {
  const { batchIds } = await openPage(digestId, { limit: 1, consistent: true });
  return batchIds.length > 0;
}
