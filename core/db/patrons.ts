/**
 * Patrons in the table: one item per patron on the subscriber's partition (`SUB#<id>` / `PATRON`), found by
 * Stripe customer through gsi1 and by status through gsi2. Writes are optimistic, like subscribers': each checks
 * the version it read.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Patron, PatronStatus } from "../patrons/types";
import { db, tableName } from "./client";
import { WriteConflictError, isConditionFailure, isRace } from "./errors";
import * as keys from "./keys";
import { getMany, queryAll } from "./query";
import { patronCounts } from "../stats/counted";
import { counterUpdate } from "./stats";
import { cancellationTally } from "./cancellations";
import { patronSourceTally } from "./sources";

/** A patron by subscriber id (strongly consistent). */
export async function get(subscriberId: string): Promise<Patron | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.patron.key(subscriberId), ConsistentRead: true }),
  );
  return strip(Item);
}

/** Patrons by subscriber id, many at once (strongly consistent): subscribers who are no patron are left out. */
export async function many(subscriberIds: readonly string[]): Promise<Map<string, Patron>> {
  const items = await getMany(subscriberIds.map((id) => keys.patron.key(id)));
  return new Map(items.map((item) => strip(item)!).map((patron) => [patron.subscriberId, patron]));
}

/**
 * The patron who pays through a Stripe customer ("whose customer is cus_…"). An index read, so it may lag a write
 * by a moment: callers re-read the patron by subscriber id (`get`) before deciding anything.
 */
export async function byCustomer(customerId: string): Promise<Patron | undefined> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.patron.customerPartition(customerId) },
      Limit: 1,
    }),
  );
  return strip(Items[0]);
}

/** The item of a patron, with its index keys (`save` writes it; scale tests seed many in batches). */
export function itemOf(patron: Patron): Record<string, unknown> {
  return {
    ...keys.patron.key(patron.subscriberId),
    ...(patron.stripeCustomerId && keys.patron.byCustomer(patron.stripeCustomerId)),
    ...keys.patron.byStatus(patron.status, patron.subscriberId, patron.lapsedAt),
    entity: "patron",
    ...patron,
  };
}

/**
 * Writes a patron: a new one when `previous` is absent (none may exist), else only if nobody wrote since
 * `previous` was read. Throws `WriteConflictError` when another write got there first. A patron who starts or
 * stops paying is counted in the day's joined or churned, in the same transaction (core/stats/counted.ts), as are a
 * new cancellation (by reason) and a new patron (by where they came from).
 */
export async function save(next: Patron, previous?: Patron): Promise<void> {
  const put = {
    TableName: tableName(),
    Item: itemOf(next),
    ...(previous
      ? { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": previous.version } }
      : { ConditionExpression: "attribute_not_exists(pk)" }),
  };
  const counted = [...counterUpdate(patronCounts(previous, next)), ...cancellationTally(previous, next), ...patronSourceTally(previous, next)];
  try {
    if (counted.length === 0) await db().send(new PutCommand(put));
    else await db().send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...counted] }));
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`patron ${next.subscriberId}`);
    throw error;
  }
}

/**
 * Records that a patron was checked against Stripe and found right: only the version moves, so any write still
 * based on what was read before (a slower, staler check) now fails its version check and starts again.
 */
export async function touch(patron: Patron, at: string): Promise<Patron> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.patron.key(patron.subscriberId),
        UpdateExpression: "SET version = :next, syncedAt = :at",
        ConditionExpression: "version = :version",
        ExpressionAttributeValues: { ":version": patron.version, ":next": patron.version + 1, ":at": at },
      }),
    );
    return { ...patron, version: patron.version + 1 };
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`patron ${patron.subscriberId}`);
    throw error;
  }
}

/** Forgets an owed email once it is sent, unless a newer one replaced it meanwhile. */
export async function clearNotice(subscriberId: string, noticeVersion: number): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.patron.key(subscriberId),
        UpdateExpression: "REMOVE notice",
        ConditionExpression: "notice.version = :version",
        ExpressionAttributeValues: { ":version": noticeVersion },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Every patron of a status ("comped patrons", for expiry; for reconciliation and stats). */
export async function* byStatus(status: PatronStatus): AsyncGenerator<Patron> {
  const items = queryAll({
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.patron.statusPartition(status) },
  });
  for await (const item of items) {
    const patron = strip(item);
    if (patron) yield patron;
  }
}

/** A patron of a status as the reconciliation's sweep reads it: with the cycle that last saw it live at Stripe. */
export interface SweptPatron {
  patron: Patron;
  reconciledIn?: string;
}

/**
 * A page of the patrons of a status, from `cursor` on (DynamoDB's key, kept by the caller between invocations):
 * the reconciliation's sweep. `owingEmail` keeps only patrons still owed an email (the partition is still read,
 * `limit` items a request, but only those come back). Answers the next cursor, none after the last page.
 */
export async function pageByStatus(
  status: PatronStatus,
  options: { cursor?: Record<string, unknown>; limit: number; owingEmail?: boolean },
): Promise<{ patrons: SweptPatron[]; cursor?: Record<string, unknown> }> {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ...(options.owingEmail && { FilterExpression: "attribute_exists(notice)" }),
      ExpressionAttributeValues: { ":pk": keys.patron.statusPartition(status) },
      ExclusiveStartKey: options.cursor,
      Limit: options.limit,
    }),
  );
  const patrons = Items.map((item) => ({ patron: strip(item)!, reconciledIn: item.reconciledIn as string | undefined }));
  return { patrons, ...(LastEvaluatedKey && { cursor: LastEvaluatedKey }) };
}

/**
 * Marks patrons as seen live at Stripe in reconciliation cycle `cycleId` (`reconciledIn`), so its sweep passes
 * them by. A plain update that leaves the version alone, so no concurrent write of the patron fails for it; a later
 * `save` (a Put) drops the mark, which costs the sweep one redundant sync. Patrons gone meanwhile are skipped.
 */
export async function markSeen(subscriberIds: readonly string[], cycleId: string): Promise<void> {
  const mark = async (subscriberId: string) => {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.patron.key(subscriberId),
          UpdateExpression: "SET reconciledIn = :cycle",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":cycle": cycleId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };
  for (let start = 0; start < subscriberIds.length; start += 25) {
    await Promise.all(subscriberIds.slice(start, start + 25).map(mark));
  }
}

function strip(item: Record<string, any> | undefined): Patron | undefined {
  if (!item) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, syncedAt, reconciledIn, ...patron } = item;
  return patron as Patron;
}
