/**
 * Outside events processed under a lease: `Events.once` claims an event for a short while (the lease), and
 * `keep` makes the claim last once the event is processed. A process that dies mid-event (a Lambda timeout)
 * leaves only the lease, which expires, so the sender's retry is processed instead of refused as a duplicate.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import * as keys from "./keys";

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
