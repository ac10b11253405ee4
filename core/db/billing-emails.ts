/**
 * The claims of a patron's billing emails (`core/patrons/billing-once.ts`). Each is an `Events` claim named by the
 * debt or the card it is about, not by a patron version, so erasure could not compose their ids: every id is listed
 * here, under the subscriber's partition, before it is claimed. Erasure reads the list and deletes each claim (the
 * list itself goes with the partition).
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import * as keys from "./keys";

/** Adds a claim id to the subscriber's list ("a patron's billing-email claims"); adding one twice is harmless. */
export async function remember(subscriberId: string, claimId: string, now = new Date()): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.billingEmails.key(subscriberId),
      UpdateExpression: "ADD claims :claim SET entity = :entity, updatedAt = :at",
      ExpressionAttributeValues: { ":claim": new Set([claimId]), ":entity": "billing-emails", ":at": now.toISOString() },
    }),
  );
}

/** Every billing-email claim id listed for the subscriber (erasure, export), read consistently. */
export async function claimsOf(subscriberId: string): Promise<string[]> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.billingEmails.key(subscriberId), ConsistentRead: true }),
  );
  const claims = Item?.claims as Set<string> | undefined;
  return claims ? [...claims].sort() : [];
}
