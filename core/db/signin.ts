/**
 * Sign-in links in the table: when links were last sent to a subscriber (the per-address limit), and when and
 * from which device each link was first used (a link is single use, with a short reuse window on that device).
 * Both expire by TTL.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { WriteConflictError, isRace } from "./errors";
import * as keys from "./keys";

export interface LinksSent {
  /** ISO times links were sent, newest last. */
  sentAt: string[];
  version: number;
}

/** "Sign-in links sent to a subscriber lately": the log the per-address limit reads (strongly consistent). */
export async function linksSent(subscriberId: string): Promise<LinksSent | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.signin.links(subscriberId), ConsistentRead: true }),
  );
  return Item ? { sentAt: Item.sentAt as string[], version: Item.version as number } : undefined;
}

/**
 * Replaces the log of links sent, only if nobody wrote since `previous` was read (absent: only if there is none),
 * so two concurrent requests can't both take the last slot. Throws `WriteConflictError` when another got there
 * first. The log is forgotten at `expiresAt` (epoch seconds).
 */
export async function recordLinksSent(
  subscriberId: string,
  sentAt: string[],
  previous: LinksSent | undefined,
  expiresAt: number,
): Promise<LinksSent> {
  const version = (previous?.version ?? 0) + 1;
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.signin.links(subscriberId), entity: "signin-links", subscriberId, sentAt, version, expiresAt },
        ...(previous
          ? { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": previous.version } }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      }),
    );
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`sign-in links of ${subscriberId}`);
    throw error;
  }
  return { sentAt, version };
}

/** A link's first use: when, and (since device binding) a hash of the device it came from. */
export interface FirstUse {
  at: Date;
  /** Absent for a use recorded before uses named their device. */
  device?: string;
}

/** "A sign-in link's first use", read only: when it was and from which device, or undefined for a link never used. */
export async function firstUse(subscriberId: string, nonce: string): Promise<FirstUse | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.signin.use(subscriberId, nonce), ConsistentRead: true }),
  );
  return Item ? { at: new Date(Item.firstUsedAt as string), device: Item.device as string | undefined } : undefined;
}

/**
 * "A sign-in link's first use": records `at` and `device` (a hash of the device's id) as the link's first use
 * unless one is recorded already, and answers the first use (this one, or the earlier one). One atomic update, so
 * concurrent uses agree on it. The record lives until `expiresAt` (epoch seconds: the link's own expiry, after
 * which it can't verify anyway).
 */
export async function markUsed(subscriberId: string, nonce: string, at: Date, expiresAt: number, device = "none"): Promise<FirstUse> {
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.signin.use(subscriberId, nonce),
      UpdateExpression:
        "SET firstUsedAt = if_not_exists(firstUsedAt, :at), device = if_not_exists(device, :device), entity = :entity, " +
        "subscriberId = :subscriber, expiresAt = :expires ADD uses :one",
      ExpressionAttributeValues: {
        ":at": at.toISOString(),
        ":device": device,
        ":entity": "signin-use",
        ":subscriber": subscriberId,
        ":expires": expiresAt,
        ":one": 1,
      },
      ReturnValues: "ALL_NEW",
    }),
  );
  return { at: new Date(Attributes!.firstUsedAt as string), device: Attributes!.device as string };
}
