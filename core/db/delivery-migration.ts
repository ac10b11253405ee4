/**
 * The one-off move of deliveries written before they were spread over partitions (all under `DIGEST#<id>`, and
 * never counted) to their partition (`DIGEST#<id>#<n>`), each counted as it moves. Run by
 * `scripts/migrate-deliveries.ts` after the deploy (core/db/README.md, "Migrating deliveries"). Safe to repeat and
 * to run beside a send: the new code never writes a record under the old key, each move is one transaction
 * conditioned on the record as read, and a record already at its new key is left where it is.
 */
import { DeleteCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryStatus } from "../delivery/types";
import { db, tableName } from "./client";
import * as Counts from "./delivery-counts";
import { cancellationCodes, isConditionFailure, isRace } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";

/** Moves every legacy delivery of a digest; answers how many moved (0 when none is left). */
export async function moveLegacyDeliveries(digestId: string): Promise<number> {
  let moved = 0;
  for (let pass = 1; ; pass++) {
    const legacy = queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.delivery.legacyPartition(digestId), ":prefix": keys.delivery.prefix },
      ConsistentRead: true,
    });
    let raced = false;
    for await (const item of legacy) {
      if (await move(digestId, item)) moved++;
      else raced = true;
    }
    // A record that changed under us (an old worker finishing) is read again, a few times at most.
    if (!raced || pass >= 10) return moved;
  }
}

async function move(digestId: string, item: Record<string, unknown>): Promise<boolean> {
  const { pk, sk, gsi1pk, gsi1sk, ...rest } = item;
  const subscriberId = String(item.subscriberId);
  const status = item.status as DeliveryStatus;
  const target = keys.delivery.key(digestId, subscriberId);
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName(),
              Key: { pk, sk },
              ConditionExpression: "#status = :status",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: { ":status": status },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: { ...rest, ...target, ...keys.delivery.byStatus(digestId, status, subscriberId) },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          ...Counts.counterUpdate(digestId, undefined, status),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationCodes(error)[1] === "ConditionalCheckFailed") {
      // A record at the new key already (the new code planned this subscriber again): that one is the live one.
      return forget({ pk, sk }, status);
    }
    if (isRace(error)) return false;
    throw error;
  }
}

async function forget(key: Record<string, unknown>, status: DeliveryStatus): Promise<boolean> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: key,
        ConditionExpression: "#status = :status",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
