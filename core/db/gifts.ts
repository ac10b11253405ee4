/**
 * Gifts (core/gifts): the record under its Checkout session's key, written once by a conditional put, with the
 * pointer from its payment intent, a ref in the buyer's partition and one for each address it names
 * (`gift-addresses.ts`) in the same transaction. Every change of
 * status is a conditional write on the status it leaves, so a redeem racing a refund, or two deliveries, end in one
 * outcome. A redeem also moves its recipient's gift comp (where their gifts take them) in the same transaction, so
 * two gifts of theirs redeemed at once add up.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Gift, GiftStatus } from "../gifts/types";
import { db, tableName } from "./client";
import { cancellationCodes, isRace } from "./errors";
import { refsOf } from "./gift-addresses";
import * as keys from "./keys";
import { queryAll } from "./query";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...record }: Record<string, any>) => record as Gift;

const itemOf = (gift: Gift) => ({
  ...keys.gift.key(gift.id),
  ...keys.gift.byStatus(gift.status, gift.deliverOn, gift.id),
  ...(gift.status === "redeemed" && gift.endsAt && !gift.invitedAt && keys.gift.toInvite(gift.endsAt, gift.id)),
  entity: "gift",
  ...gift,
});

/** One gift by its Checkout session (strongly consistent). */
export async function get(sessionId: string): Promise<Gift | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.gift.key(sessionId), ConsistentRead: true }));
  return Item && strip(Item);
}

/** "The gift a payment intent paid" (a charge's refund or dispute finds it so): its session id. */
export async function sessionOfPaymentIntent(paymentIntentId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.gift.byPaymentIntent(paymentIntentId), ConsistentRead: true }));
  return Item?.sessionId as string | undefined;
}

/** Records a gift once: false when its session is recorded already (nothing written). */
export async function record(gift: Gift): Promise<boolean> {
  const items = [
    { Put: { TableName: tableName(), Item: itemOf(gift), ConditionExpression: "attribute_not_exists(pk)" } },
    ...(gift.paymentIntentId
      ? [{ Put: { TableName: tableName(), Item: { ...keys.gift.byPaymentIntent(gift.paymentIntentId), entity: "gift-payment", sessionId: gift.id } } }]
      : []),
    ...(gift.buyerSubscriberId
      ? [{ Put: { TableName: tableName(), Item: { ...keys.gift.ref(gift.buyerSubscriberId, gift.id), entity: "gift-ref", sessionId: gift.id } } }]
      : []),
    // Each address it names (erasure finds the gifts bought for an address, or by one not signed in, by these).
    ...refsOf(gift).map((Item) => ({ Put: { TableName: tableName(), Item } })),
  ];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (cancellationCodes(error)[0] === "ConditionalCheckFailed") return false;
    throw error;
  }
}

/** The put of `gift` on the condition that the stored one is still at `version` (alone, or in a transaction). */
const putAt = (gift: Gift, version: number) => ({
  TableName: tableName(),
  Item: itemOf(gift),
  ConditionExpression: "version = :version",
  ExpressionAttributeValues: { ":version": version },
});

/**
 * Writes `next` only if the stored gift is still at `previous`'s version (and so in its status): false when
 * another write got there first (a second redeem, a void, another delivery), nothing written.
 */
export async function transition(next: Gift, previous: Gift): Promise<boolean> {
  try {
    await db().send(new PutCommand(putAt(next, previous.version)));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

/** Where a recipient's redeemed gifts take their comp: the tier and end of the last redeemed, and its version. */
export interface GiftComp {
  tierId: string;
  endsAt: string;
  version: number;
}

/** "Where a recipient's redeemed gifts take their comp" (redeeming the next one starts there), strongly consistent. */
export async function comp(subscriberId: string): Promise<GiftComp | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.gift.comp(subscriberId), ConsistentRead: true }));
  return Item && { tierId: Item.tierId as string, endsAt: Item.endsAt as string, version: Number(Item.version) };
}

/**
 * Redeems: writes `next` (redeemed by its recipient, with its end) only if the stored gift is still at `previous`'s
 * version, and moves the recipient's gift comp to `next`'s tier and end only if it is still `read` (none: none yet),
 * in one transaction. False when either changed (another redeem of this gift, or another gift of theirs redeemed
 * meanwhile, whose end this one's months must start from), nothing written.
 */
export async function redeem(next: Gift, previous: Gift, read: GiftComp | undefined): Promise<boolean> {
  const recipient = next.redeemedBy!;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: putAt(next, previous.version) },
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.gift.comp(recipient), entity: "gift-comp", tierId: next.tierId, endsAt: next.endsAt, sessionId: next.id, version: (read?.version ?? 0) + 1 },
              ConditionExpression: read ? "version = :version" : "attribute_not_exists(pk)",
              ...(read && { ExpressionAttributeValues: { ":version": read.version } }),
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isRace(error)) return false;
    throw error;
  }
}

/** "Paid gifts whose delivery date is on or before `day`" (the schedule), oldest date first, through gsi1. */
export async function* due(day: string): AsyncGenerator<Gift> {
  const items = queryAll({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :last",
    ExpressionAttributeValues: { ":pk": keys.gift.statusPartition("paid"), ":last": `${day}#~` },
  });
  for await (const item of items) yield strip(item);
}

/** "Redeemed gifts ending by `until` whose recipient is not invited yet" (the schedule), through gsi2. */
export async function* endingBy(until: string): AsyncGenerator<Gift> {
  const items = queryAll({
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :pk AND gsi2sk <= :last",
    ExpressionAttributeValues: { ":pk": keys.gift.invitePartition, ":last": `${until}#~` },
  });
  for await (const item of items) yield strip(item);
}

/** "Gifts in one status, by delivery date" (editors' list), a page at a time. */
export async function page(status: GiftStatus, options: { cursor?: Record<string, unknown>; limit: number }) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.gift.statusPartition(status) },
      ExclusiveStartKey: options.cursor,
      Limit: options.limit,
    }),
  );
  return { gifts: Items.map(strip), ...(LastEvaluatedKey && { cursor: LastEvaluatedKey as Record<string, unknown> }) };
}

/** "A buyer's gifts" (the account page, export, erasure), through the refs in their partition, newest first. */
export async function byBuyer(subscriberId: string): Promise<Gift[]> {
  return byRefs(subscriberId, keys.gift.refPrefix);
}

/** "The gifts a subscriber redeemed" (export, erasure), through the refs in their partition, newest first. */
export async function received(subscriberId: string): Promise<Gift[]> {
  return byRefs(subscriberId, keys.gift.receivedPrefix);
}

/** Leaves the ref of a redeemed gift in its recipient's partition (idempotent). */
export async function markReceived(subscriberId: string, sessionId: string): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.gift.receivedRef(subscriberId, sessionId), entity: "gift-received", sessionId } }));
}

/**
 * Erasure: the buyer's side (their address, subscriber and message) or the recipient's (their address, name, the
 * message to them, their subscriber) leaves the gift; its amount, tier, dates and status stay, anonymous.
 */
export async function anonymize(sessionId: string, side: "buyer" | "recipient", at: string): Promise<void> {
  const remove = side === "buyer" ? "buyerEmail, buyerSubscriberId, message" : "recipientName, message, redeemedBy";
  const set = side === "buyer" ? "" : ", recipientEmail = :erased";
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.gift.key(sessionId),
      UpdateExpression: `SET updatedAt = :at, version = version + :one${set} REMOVE ${remove}`,
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":at": at, ":one": 1, ...(side === "recipient" && { ":erased": "erased" }) },
    }),
  ).catch((error) => {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  });
}

async function byRefs(subscriberId: string, prefix: string): Promise<Gift[]> {
  const ids: string[] = [];
  const refs = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId), ":prefix": prefix },
    ConsistentRead: true,
  });
  for await (const ref of refs) ids.push(ref.sessionId as string);
  const gifts = (await Promise.all(ids.map(get))).filter((g): g is Gift => g !== undefined);
  return gifts.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
