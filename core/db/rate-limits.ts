import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

/**
 * Counts one hit against a fixed-window limit ("sign-ups from one IP per hour") and says whether it is allowed.
 * The counter and its check are one conditional update, so concurrent hits never exceed the limit.
 */
export async function hit(name: string, key: string, limit: number, windowSeconds: number, at = new Date()) {
  const nowSeconds = Math.floor(at.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.rateLimit.key(name, key, String(windowStart)),
        UpdateExpression: "ADD hits :one SET expiresAt = :expires, entity = :entity",
        ConditionExpression: "attribute_not_exists(hits) OR hits < :limit",
        ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":expires": windowStart + windowSeconds, ":entity": "rate-limit" },
      }),
    );
    return { allowed: true as const };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { allowed: false as const, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
  }
}

/**
 * Whether `key` is past `limit` in the current window of the limit `name`, without counting a hit: for a request
 * that must be refused while a flood from its network lasts, though it would not count itself.
 */
export async function check(name: string, key: string, limit: number, windowSeconds: number, at = new Date()) {
  const nowSeconds = Math.floor(at.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.rateLimit.key(name, key, String(windowStart)), ConsistentRead: true }),
  );
  if (((Item?.hits as number | undefined) ?? 0) < limit) return { allowed: true as const };
  return { allowed: false as const, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
}
