/**
 * The one-off move of per-recipient delivery records into delivery batches (delivery-batches.ts), run by
 * `scripts/migrate-deliveries.ts` after the deploy (core/db/README.md, "Migrating deliveries"). Two older layouts
 * are moved, both `DELIVERY#<subscriber>` items (keys.ts, `legacyDelivery`):
 *
 * - spread: under the digest's 64 partitions `DIGEST#<id>#<p>`, each already counted in the digest's counters;
 * - unspread (the release before): all under `DIGEST#<id>`, never counted.
 *
 * Up to ten records become one batch, in one transaction: each record's delete conditioned on the record as read,
 * the batch's put and each recipient's ref on their absence, the open marker when a recipient is `queued` or
 * `sending`, and one counter update: +1 for the status of each unspread record moved, nothing for a spread one
 * (its status is counted already). A subscriber who already has a delivery of the digest (a ref: planned again by
 * the new code) keeps only that one: their old record is deleted, and its status taken off the counters if it was
 * counted. So the counters equal the records after every transaction, and a record is moved at most once: a
 * second run, or one beside this one, finds nothing or fails its conditions and reads again. A running send
 * never writes an old key, so a send and the migration can run together.
 *
 * A `sending` record's claim is dropped: its recipient stays `sending` in an open batch without a lease, which the
 * recovery sweep enqueues again. Erased subscribers' anonymous records (`anon_…`) move without a ref, as erasure
 * leaves them.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryStatus } from "../delivery/types";
import { db, tableName } from "./client";
import * as Counts from "./delivery-counts";
import * as Batches from "./delivery-batches";
import type { Recipient } from "./delivery-batches";
import { cancellationCodes, isConditionFailure, isRace, isTransient, WriteConflictError } from "./errors";
import * as keys from "./keys";
import { getMany } from "./query";

/** Recipients per migrated batch, as planned batches hold. */
const PER_BATCH = 10;
/** Old records read per query page (then moved, ten at a time, before the next page is read). */
const PAGE = 100;
/** Batches moved at once. */
const PARALLEL = 8;
/** Tries per batch before it is left to the next pass. */
const ATTEMPTS = 12;
/** Passes over a digest's old records (a pass reads them all again) before giving up. */
const PASSES = 10;

type Layout = "spread" | "unspread";

/** An old record as read: where it is, and what it holds. */
interface Legacy {
  layout: Layout;
  key: { pk: string; sk: string };
  subscriberId: string;
  item: Record<string, any>;
}

/**
 * Moves every old delivery record of a digest into batches; answers how many old records it took away (moved into
 * a batch, or dropped for the subscriber's newer delivery): 0 when none was left.
 */
export async function moveLegacyDeliveries(digestId: string): Promise<number> {
  let moved = 0;
  for (let pass = 1; pass <= PASSES; pass++) {
    const outcome = await movePass(digestId);
    moved += outcome.moved;
    if (outcome.left === 0) return moved;
  }
  throw new WriteConflictError(`the old deliveries of ${digestId} (still there after ${PASSES} passes; run the migration again)`);
}

/**
 * One pass: the 64 partitions of the spread layout first, then the unspread partition, so a subscriber with a
 * record in both (planned again after the previous move) keeps the spread one, the newer; their unspread one then
 * finds their ref taken and is dropped (never counted: the counters stay).
 */
async function movePass(digestId: string): Promise<{ moved: number; left: number }> {
  const partitions: Array<{ pk: string; layout: Layout }> = [
    ...Array.from({ length: keys.DELIVERY_PARTITIONS }, (_, p) => ({ pk: keys.deliveryBatch.partition(digestId, p), layout: "spread" as const })),
    { pk: keys.legacyDelivery.unspreadPartition(digestId), layout: "unspread" },
  ];
  let moved = 0;
  let left = 0;
  for (const { pk, layout } of partitions) {
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": keys.legacyDelivery.prefix },
          ConsistentRead: true,
          Limit: PAGE,
          ExclusiveStartKey: start,
        }),
      );
      const records = Items.map((item): Legacy => ({ layout, key: { pk: item.pk, sk: item.sk }, subscriberId: String(item.subscriberId), item }));
      const groups: Legacy[][] = [];
      for (let i = 0; i < records.length; i += PER_BATCH) groups.push(records.slice(i, i + PER_BATCH));
      for (let i = 0; i < groups.length; i += PARALLEL) {
        const outcomes = await Promise.all(groups.slice(i, i + PARALLEL).map((group) => moveBatch(digestId, group)));
        for (const outcome of outcomes) {
          moved += outcome.moved;
          left += outcome.left;
        }
      }
      start = LastEvaluatedKey;
    } while (start);
  }
  return { moved, left };
}

const isAnonymous = (subscriberId: string) => subscriberId.startsWith("anon_");
const isOpen = (status: DeliveryStatus) => status === "queued" || status === "sending";

/**
 * Moves up to ten old records (of one partition, so of one layout) into one new batch, in one transaction, trying
 * again on what changed until it lands. Answers how many records it took away, and how many it left (gave up).
 */
async function moveBatch(digestId: string, group: readonly Legacy[]): Promise<{ moved: number; left: number }> {
  let records = [...group];
  /** Subscribers who already have a delivery of this digest: their old record is dropped, not moved. */
  const taken = new Set<string>();
  const baseId = `migrated-${records[0]!.subscriberId}`.slice(0, 100);
  let batchId = baseId;
  let renamed = 0;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (records.length === 0) return { moved: 0, left: 0 };
    const moving = records.filter((record) => !taken.has(record.subscriberId));
    const dropping = records.filter((record) => taken.has(record.subscriberId));
    const entries = transaction(digestId, batchId, moving, dropping);
    try {
      await db().send(new TransactWriteCommand({ TransactItems: entries.map(({ item }) => item) }));
      return { moved: records.length, left: 0 };
    } catch (error) {
      if (!isRace(error) && !isTransient(error)) throw error;
      if (isConditionFailure(error)) {
        const failed = cancellationCodes(error).flatMap((code, i) => (code === "ConditionalCheckFailed" && entries[i] ? [entries[i]!] : []));
        const explained = failed.length > 0;
        // A record that changed (an old worker moved it on) or went (another run moved it): read again.
        if (!explained || failed.some((entry) => entry.kind === "record")) records = await reread(records);
        // A subscriber whose ref is there already keeps the delivery it names.
        for (const entry of failed) if (entry.kind === "ref") taken.add(entry.subscriberId!);
        if (!explained) for (const subscriberId of await withRefs(digestId, records)) taken.add(subscriberId);
        // A batch of this id is there already (another run's, of other records, or of these, which then went).
        if (failed.some((entry) => entry.kind === "batch") || (!explained && (await batchExists(digestId, batchId)))) {
          batchId = `${baseId.slice(0, 96)}-${++renamed}`;
        }
        continue;
      }
      // A conflict with another transaction (a counter item, a ref being planned) or throttling: wait and again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 7)));
    }
  }
  return { moved: 0, left: records.length };
}

type Entry = { kind: "record" | "batch" | "ref" | "other"; subscriberId?: string; item: Counts.TransactItem };

/**
 * The move as one transaction: every record's conditional delete; for those moving, the batch, their refs (not
 * for anonymous ones), its open marker; one counter update: +1 per unspread record moved (never counted), −1 per
 * spread record dropped (counted, and its subscriber's newer delivery is counted too).
 */
function transaction(digestId: string, batchId: string, moving: readonly Legacy[], dropping: readonly Legacy[]): Entry[] {
  const entries: Entry[] = [...moving, ...dropping].map((record) => ({
    kind: "record",
    subscriberId: record.subscriberId,
    item: {
      Delete: {
        TableName: tableName(),
        Key: record.key,
        ...asRead(record.item),
      },
    },
  }));
  if (moving.length > 0) {
    const createdAt = moving.map((record) => String(record.item.createdAt)).sort()[0]!;
    const recipients = Object.fromEntries(moving.map((record) => [record.subscriberId, recipientOf(record.item)]));
    const batch = Batches.itemOf({ digestId, batchId, recipients, version: 0, createdAt });
    entries.push({ kind: "batch", item: { Put: { TableName: tableName(), Item: batch, ConditionExpression: "attribute_not_exists(pk)" } } });
    if (moving.some((record) => isOpen(record.item.status))) {
      entries.push({ kind: "other", item: { Put: { TableName: tableName(), Item: Batches.openItem({ digestId, batchId }) } } });
    }
    for (const { subscriberId } of moving) {
      if (isAnonymous(subscriberId)) continue;
      const ref = Batches.refItem(subscriberId, digestId, batchId);
      entries.push({ kind: "ref", subscriberId, item: { Put: { TableName: tableName(), Item: ref, ConditionExpression: "attribute_not_exists(pk)" } } });
    }
  }
  const counted = Counts.difference(
    dropping.filter((record) => record.layout === "spread").map((record) => record.item.status),
    moving.filter((record) => record.layout === "unspread").map((record) => record.item.status),
  );
  for (const item of Counts.counterUpdate(digestId, counted)) entries.push({ kind: "other", item });
  return entries;
}

/**
 * A record's delete is conditioned on the record as read: its status (what the counters hold) and when it last
 * changed (an old worker's claim taken over keeps the status but not the attempts).
 */
function asRead(item: Record<string, any>) {
  if (item.updatedAt === undefined) {
    return {
      ConditionExpression: "#status = :status AND attribute_not_exists(updatedAt)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": item.status },
    };
  }
  return {
    ConditionExpression: "#status = :status AND updatedAt = :updatedAt",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: { ":status": item.status, ":updatedAt": item.updatedAt },
  };
}

/** The records again, as they are now (strongly consistent); those gone are left out. */
async function reread(records: readonly Legacy[]): Promise<Legacy[]> {
  const found = await getMany(records.map((record) => record.key));
  const byKey = new Map(found.map((item) => [`${item.pk}\n${item.sk}`, item]));
  return records.flatMap((record) => {
    const item = byKey.get(`${record.key.pk}\n${record.key.sk}`);
    return item ? [{ ...record, item }] : [];
  });
}

/** Which of these records' subscribers have a delivery of the digest in a batch already. */
async function withRefs(digestId: string, records: readonly Legacy[]): Promise<string[]> {
  const named = records.filter((record) => !isAnonymous(record.subscriberId));
  if (named.length === 0) return [];
  const refs = await getMany(named.map((record) => keys.deliveryRef.key(record.subscriberId, digestId)));
  return refs.map((ref) => String(ref.pk).slice("SUB#".length));
}

async function batchExists(digestId: string, batchId: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.deliveryBatch.key(digestId, batchId), ConsistentRead: true, ProjectionExpression: "pk" }),
  );
  return Item !== undefined;
}

/** An old record's recipient: its own fields, without the keys, the claim or the indexes. */
function recipientOf(item: Record<string, any>): Recipient {
  const recipient: Recipient = {
    email: String(item.email ?? ""),
    status: item.status,
    variant: item.variant,
    attempts: Number(item.attempts ?? 0),
    updatedAt: item.updatedAt,
    ...(item.reason !== undefined && { reason: item.reason }),
    ...(item.messageId !== undefined && { messageId: item.messageId }),
    ...(item.error !== undefined && { error: item.error }),
    ...(item.sentAt !== undefined && { sentAt: item.sentAt }),
  };
  return recipient;
}

