/**
 * Win-back emails in the table: lapsed patrons found by when they lapsed (gsi2 `PATRONS#lapsed` / `<lapsedAt>#<id>`),
 * and the claim of each lapse's one email, under the subscriber's partition (`SUB#<id>` / `WINBACK#<lapsedAt>`), so
 * it goes with the subscriber at erasure. A claim is leased while its email is sent and kept once it went, as
 * `events.once` / `events.keep` do for outside events.
 */
import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Patron } from "../patrons/types";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";

/**
 * A page of the patrons who lapsed from `from` to `to` (ISO times, both included), oldest lapse first, from `cursor`
 * on: those still owed a win-back (never sent for this lapse: `winBack.lapsedAt` differs) who paid through Stripe.
 * The filter saves the caller's work, not reads: the page's `limit` items are read either way. Answers the next
 * cursor, none after the last page.
 */
export async function lapsedBetween(
  from: string,
  to: string,
  options: { cursor?: Record<string, unknown>; limit: number },
): Promise<{ patrons: Patron[]; cursor?: Record<string, unknown> }> {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      // `#` sorts before every character of an id, `~` after: the bounds take in every id of those instants.
      KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
      FilterExpression: "attribute_exists(stripeSubscriptionId) AND (attribute_not_exists(winBack) OR winBack.lapsedAt <> lapsedAt)",
      ExpressionAttributeValues: { ":pk": keys.patron.statusPartition("lapsed"), ":from": `${from}#`, ":to": `${to}#~` },
      ExclusiveStartKey: options.cursor,
      Limit: options.limit,
    }),
  );
  const patrons = Items.map(({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, syncedAt, reconciledIn, ...patron }) => patron as Patron);
  return { patrons, ...(LastEvaluatedKey && { cursor: LastEvaluatedKey }) };
}

/**
 * Claims the win-back of the subscriber's lapse at `lapsedAt` for `leaseSeconds`: `ours` the first time, `held`
 * while another holds it, `sent` once it was sent (kept). One conditional put; a claim token tells our own write,
 * retried by the SDK after a lost answer, from another's (as `events.once`).
 */
export async function claim(subscriberId: string, lapsedAt: string, leaseSeconds: number, now: Date): Promise<"ours" | "held" | "sent"> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const token = randomUUID();
  const key = keys.winBack.key(subscriberId, lapsedAt);
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key, entity: "winback", lapsedAt, claimedAt: now.toISOString(), expiresAt: nowSeconds + leaseSeconds, claim: token },
        ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
        ExpressionAttributeValues: { ":now": nowSeconds },
      }),
    );
    return "ours";
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    return Item?.claim === token ? "ours" : typeof Item?.sentAt === "string" ? "sent" : "held";
  }
}

/** Keeps the claim of a win-back that was sent, for `keepSeconds` from `now`. */
export async function keep(subscriberId: string, lapsedAt: string, keepSeconds: number, now: Date): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.winBack.key(subscriberId, lapsedAt),
      UpdateExpression: "SET expiresAt = :expiresAt, sentAt = :at",
      ExpressionAttributeValues: { ":expiresAt": Math.floor(now.getTime() / 1000) + keepSeconds, ":at": now.toISOString() },
    }),
  );
}

/** Gives a claim back (nothing was sent), unless it was kept meanwhile. */
export async function release(subscriberId: string, lapsedAt: string): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.winBack.key(subscriberId, lapsedAt),
        ConditionExpression: "attribute_not_exists(sentAt)",
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Marks the patron's lapse at `lapsedAt` as settled (`winBack`: sent, or owed none), so the schedule's query passes
 * it by. A plain update that leaves the version alone (no concurrent write of the patron fails for it); a write
 * from an earlier read drops the mark, which costs one look at the kept claim. Nothing when they lapsed again since.
 */
export async function markSettled(subscriberId: string, lapsedAt: string, outcome: "sent" | "none", now: Date): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.patron.key(subscriberId),
        UpdateExpression: "SET winBack = :mark",
        ConditionExpression: "lapsedAt = :lapsedAt",
        ExpressionAttributeValues: { ":mark": { lapsedAt, outcome, at: now.toISOString() }, ":lapsedAt": lapsedAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Patrons who lapsed before lapsed patrons sorted by their lapse's time keep their old sort key, their id, until
 * written again; ids start with a letter, which sorts after every time (`:` after the digits), so they are read
 * alone (`gsi2sk > ":"`), a page at a time, never the whole partition. Each is given its time's key by an update
 * conditioned on the key and the lapse as read (the version untouched: nothing else changes); a write meanwhile
 * already gave it one. Answers how many were given one, and how many have no `lapsedAt` to sort by (left as they are).
 */
export async function reindexLapsed(): Promise<{ moved: number; undated: number }> {
  const counts = { moved: 0, undated: 0 };
  let cursor: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :pk AND gsi2sk > :after",
        ExpressionAttributeValues: { ":pk": keys.patron.statusPartition("lapsed"), ":after": ":" },
        ExclusiveStartKey: cursor,
        Limit: 100,
      }),
    );
    for (const item of Items) {
      if (typeof item.lapsedAt !== "string") {
        counts.undated++;
        continue;
      }
      const { gsi2sk } = keys.patron.byStatus("lapsed", item.subscriberId as string, item.lapsedAt);
      try {
        await db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.patron.key(item.subscriberId as string),
            UpdateExpression: "SET gsi2sk = :next",
            ConditionExpression: "gsi2sk = :old AND lapsedAt = :lapsedAt AND #status = :lapsed",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":next": gsi2sk, ":old": item.gsi2sk, ":lapsedAt": item.lapsedAt, ":lapsed": "lapsed" },
          }),
        );
        counts.moved++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    cursor = LastEvaluatedKey;
  } while (cursor);
  return counts;
}
