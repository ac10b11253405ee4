/**
 * A patron's change of address waiting to be confirmed from the new address (core/patrons/email-change.ts): one
 * item under their partition, replaced by a newer change, withdrawn when Stripe's address goes back, marked
 * confirmed in the same transaction as the address itself (`subscriber-email.ts`), and forgotten by TTL.
 */
import { DeleteCommand, GetCommand, PutCommand, type TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { WriteConflictError, isRace } from "./errors";
import * as keys from "./keys";

type Write = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

export interface EmailChange {
  subscriberId: string;
  /** The new address (lower case). */
  email: string;
  /** Names this change in its confirm link and its emails' ids: the link of a replaced change confirms nothing. */
  nonce: string;
  /** The Stripe customer whose address changed. */
  customerId: string;
  requestedAt: string;
  /** When it was confirmed: the subscriber's address is `email` since, and was `previousEmail` before. */
  confirmedAt?: string;
  previousEmail?: string;
  /** Epoch seconds: the confirm link's expiry. TTL deletes the item some time after; reads treat it as gone from then. */
  expiresAt: number;
}

/** "A subscriber's change of address" (strongly consistent); an expired one counts as absent. */
export async function get(subscriberId: string, now = new Date()): Promise<EmailChange | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.emailChange.key(subscriberId), ConsistentRead: true }),
  );
  if (!Item || (Item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
  const { pk, sk, entity, ...change } = Item;
  return change as EmailChange;
}

/**
 * Records a change of address, replacing `previous` (as read) or, when there was none, only if there still is
 * none (or only an expired one). Throws `WriteConflictError` when another write got there first.
 */
export async function propose(change: EmailChange, previous: EmailChange | undefined, now = new Date()): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.emailChange.key(change.subscriberId), entity: "email-change", ...change },
        ...(previous
          ? { ConditionExpression: "nonce = :previous", ExpressionAttributeValues: { ":previous": previous.nonce } }
          : {
              ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
              ExpressionAttributeValues: { ":now": Math.floor(now.getTime() / 1000) },
            }),
      }),
    );
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`the change of address of ${change.subscriberId}`);
    throw error;
  }
}

/** Withdraws a change not confirmed yet (Stripe's address went back). Throws `WriteConflictError` if it moved on. */
export async function withdraw(change: EmailChange): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.emailChange.key(change.subscriberId),
        ConditionExpression: "nonce = :nonce AND attribute_not_exists(confirmedAt)",
        ExpressionAttributeValues: { ":nonce": change.nonce },
      }),
    );
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`the change of address of ${change.subscriberId}`);
    throw error;
  }
}

/** A confirmed change is kept at least this long (seconds), for the notice to the old address and a repeated click. */
const KEPT_CONFIRMED_SECONDS = 24 * 60 * 60;

/**
 * The write that marks `change` confirmed, away from `previousEmail`, for the transaction that changes the
 * address (it fails if the change moved on since read).
 */
export function confirmation(change: EmailChange, previousEmail: string, at: string): Write {
  const keep = Math.max(change.expiresAt, Math.floor(Date.parse(at) / 1000) + KEPT_CONFIRMED_SECONDS);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.emailChange.key(change.subscriberId),
      UpdateExpression: "SET confirmedAt = :at, previousEmail = :previous, expiresAt = :keep",
      ConditionExpression: "nonce = :nonce AND attribute_not_exists(confirmedAt)",
      ExpressionAttributeValues: { ":at": at, ":previous": previousEmail, ":keep": keep, ":nonce": change.nonce },
    },
  };
}
