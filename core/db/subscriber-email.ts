/**
 * Changing a subscriber's address (a patron's change, confirmed from the new address): the profile, the unique
 * email items and the change's own record move in one transaction, so an address never belongs to two subscribers
 * and a change is confirmed once.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Subscriber } from "../subscribers/types";
import { db, tableName } from "./client";
import { confirmation, type EmailChange } from "./email-changes";
import { WriteConflictError, cancellationCodes, isRace } from "./errors";
import * as keys from "./keys";

/**
 * Gives `subscriber` (as read) the address of `change` (as read) and marks the change confirmed, recording when
 * the address changed (`emailChangedAt`: sign-in links sent before it stop working). Answers `taken` when another
 * subscriber holds the address; throws `WriteConflictError` when the subscriber or the change moved on since read.
 */
export async function changeEmail(subscriber: Subscriber, change: EmailChange, at: string): Promise<"changed" | "taken"> {
  const TableName = tableName();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: keys.subscriber.key(subscriber.id),
              UpdateExpression: "SET email = :email, emailChangedAt = :at, version = :next, updatedAt = :at",
              ConditionExpression: "version = :version",
              ExpressionAttributeValues: {
                ":email": change.email,
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
              Item: { ...keys.email.key(change.email), entity: "email", subscriberId: subscriber.id, expiresAt: subscriber.expiresAt },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          confirmation(change, subscriber.email, at),
        ],
      }),
    );
    return "changed";
  } catch (error) {
    if (!isRace(error)) throw error;
    // Only the new address's item failed (the third write), not the profile's or the change's: someone else holds it.
    const [profile, , claim, pending] = cancellationCodes(error);
    if (claim === "ConditionalCheckFailed" && profile !== "ConditionalCheckFailed" && pending !== "ConditionalCheckFailed") return "taken";
    throw new WriteConflictError(`subscriber ${subscriber.id}`);
  }
}
