/**
 * Charge records: one per Stripe charge of a subscriber, on their partition (`SUB#<id>` / `CHARGE#<charge id>`),
 * so the export finds them there and erasure deletes them with the partition. Writes are optimistic, like
 * patrons': each checks the version it read, so of two deliveries about one charge the one that asked Stripe last
 * writes last (`core/patrons/charges.ts`).
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ChargeRecord } from "../patrons/charges";
import { db, tableName } from "./client";
import { WriteConflictError, isRace } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";

const strip = ({ pk, sk, entity, ...record }: Record<string, any>) => record as ChargeRecord;

/** One charge of a subscriber (strongly consistent). */
export async function get(subscriberId: string, chargeId: string): Promise<ChargeRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.charge.key(subscriberId, chargeId), ConsistentRead: true }),
  );
  return Item && strip(Item);
}

/** "A subscriber's charges" (the export), oldest first. */
export async function bySubscriber(subscriberId: string): Promise<ChargeRecord[]> {
  const found: ChargeRecord[] = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId), ":prefix": keys.charge.prefix },
    ConsistentRead: true,
  });
  for await (const item of items) found.push(strip(item));
  return found.sort((a, b) => a.chargedAt.localeCompare(b.chargedAt) || a.chargeId.localeCompare(b.chargeId));
}

/**
 * Writes a charge record: a new one when `previous` is absent (none may exist), else only if nobody wrote since
 * `previous` was read. Throws `WriteConflictError` when another write got there first.
 */
export async function save(next: ChargeRecord, previous?: ChargeRecord): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.charge.key(next.subscriberId, next.chargeId), entity: "charge", ...next },
        ...(previous
          ? { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": previous.version } }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      }),
    );
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`charge ${next.chargeId}`);
    throw error;
  }
}
