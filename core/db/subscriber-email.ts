/**
 * Changing a subscriber's address (a patron changed their email in Stripe): the profile and the unique email
 * items move in one transaction, so an address never belongs to two subscribers.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Subscriber } from "../subscribers/types";
import { db, tableName } from "./client";
import { WriteConflictError, cancellationCodes, isRace } from "./errors";
import * as keys from "./keys";

/**
 * Gives `subscriber` (as read) the address `email`. Answers `taken` when another subscriber holds it; throws
 * `WriteConflictError` when the subscriber changed since it was read.
 */
export async function changeEmail(subscriber: Subscriber, email: string, at: string): Promise<"changed" | "taken"> {
  const TableName = tableName();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: keys.subscriber.key(subscriber.id),
              UpdateExpression: "SET email = :email, version = :next, updatedAt = :at",
              ConditionExpression: "version = :version",
              ExpressionAttributeValues: {
                ":email": email,
                ":next": subscriber.version + 1,
                ":version": subscriber.version,
                ":at": at,
              },
            },
          },
          {
            Delete: {
              TableName,
              Key: keys.email.key(subscriber.email),
              ConditionExpression: "subscriberId = :id",
              ExpressionAttributeValues: { ":id": subscriber.id },
            },
          },
          {
            Put: {
              TableName,
              Item: { ...keys.email.key(email), entity: "email", subscriberId: subscriber.id, expiresAt: subscriber.expiresAt },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
    return "changed";
  } catch (error) {
    if (!isRace(error)) throw error;
    // Only the new address's item failed (the third write), not the profile's version: someone else holds it.
    const [profile, , claim] = cancellationCodes(error);
    if (claim === "ConditionalCheckFailed" && profile !== "ConditionalCheckFailed") return "taken";
    throw new WriteConflictError(`subscriber ${subscriber.id}`);
  }
}
