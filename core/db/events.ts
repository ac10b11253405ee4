/**
 * Processed events of outside sources (SES notifications through SNS; Stripe webhooks), each remembered for a
 * while so that a replay of the same event is recognised and changes nothing.
 */
import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

/**
 * "An outside event processed once": records that `source` event `id` is being processed, kept `ttlSeconds`.
 * Answers true the first time and false for a duplicate. One conditional put, so two concurrent deliveries of the
 * same event can't both answer true. An expired record counts as absent (TTL deletes late, DynamoDB Local never).
 * Each claim carries a token of its own: when the put was written but its answer lost (a dropped connection), the
 * SDK's retry fails the condition on that very write, and the token shows the claim is ours, not a duplicate's.
 * When the claim cannot be settled (DynamoDB failing past the SDK's retries), it throws, having taken back
 * whatever it may have written.
 */
export async function once(source: string, id: string, ttlSeconds: number, now = new Date()): Promise<boolean> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const claim = randomUUID();
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.event.key(source, id),
          entity: "event",
          source,
          eventId: id,
          receivedAt: now.toISOString(),
          expiresAt: nowSeconds + ttlSeconds,
          claim,
        },
        ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
        ExpressionAttributeValues: { ":now": nowSeconds },
      }),
    );
    return true;
  } catch (error) {
    try {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.event.key(source, id), ConsistentRead: true }));
      return Item?.claim === claim;
    } catch (failure) {
      // The put may have been written although the caller fails: take the claim back, or it would hold off the
      // sender's retry (answered as a duplicate, never processed) until its lease ran out.
      await db()
        .send(
          new DeleteCommand({
            TableName: tableName(),
            Key: keys.event.key(source, id),
            ConditionExpression: "claim = :claim",
            ExpressionAttributeValues: { ":claim": claim },
          }),
        )
        .catch(() => undefined);
      throw failure;
    }
  }
}

/** Whether `source` event `id` was processed to the end (`keep` ran), as opposed to claimed and still in flight. */
export async function processed(source: string, id: string): Promise<boolean> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.event.key(source, id), ConsistentRead: true }));
  return typeof Item?.processedAt === "string";
}

/** Forgets a recorded event, so a retry after a failure processes it again. */
export async function release(source: string, id: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.event.key(source, id) }));
}

/**
 * Events processed under a lease: `once` with a short TTL claims the event while it is processed, and `keep`
 * makes the claim last once it succeeded. A process that dies mid-event leaves only the lease, which expires, so
 * the sender's retry is processed instead of refused as a duplicate.
 */
/** Keeps the record of a processed `source` event `id` for `ttlSeconds` from `now`. */
export async function keep(source: string, id: string, ttlSeconds: number, now = new Date()): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.event.key(source, id),
      UpdateExpression: "SET expiresAt = :expiresAt, processedAt = :at",
      ExpressionAttributeValues: { ":expiresAt": Math.floor(now.getTime() / 1000) + ttlSeconds, ":at": now.toISOString() },
    }),
  );
}
