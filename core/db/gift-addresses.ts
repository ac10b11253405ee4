/**
 * Gifts by address (core/gifts, erasure): a gift names its buyer's and its recipient's addresses, not subscribers,
 * so beside the refs in subscribers' partitions (a buyer signed in, a recipient who redeemed) each address gets a ref
 * of its own, `GIFT_ADDRESS#<email>`, written in the gift's recording transaction. Erasing a reader reads the
 * partition of their address: the gifts bought for them by anyone, and those they bought without signing in.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ERASED_ADDRESS, type Gift } from "../gifts/types";
import { db, tableName } from "./client";
import * as keys from "./keys";
import { queryAll } from "./query";

/** The refs a gift's recording puts (its transaction's items): one for each address it names. */
export function refsOf(gift: Pick<Gift, "id" | "recipientEmail" | "buyerEmail">): Array<Record<string, unknown>> {
  const ref = (email: string, side: "buyer" | "recipient") => ({ ...keys.giftAddress.ref(email.toLowerCase(), side, gift.id), entity: "gift-address", sessionId: gift.id, side });
  return [
    ...(gift.recipientEmail && gift.recipientEmail !== ERASED_ADDRESS ? [ref(gift.recipientEmail, "recipient")] : []),
    ...(gift.buyerEmail ? [ref(gift.buyerEmail, "buyer")] : []),
  ];
}

/** Puts a gift's address refs (idempotent): for gifts recorded before the refs were (scripts/backfill-gift-addresses.ts). */
export async function putRefs(gift: Pick<Gift, "id" | "recipientEmail" | "buyerEmail">): Promise<void> {
  for (const item of refsOf(gift)) await db().send(new PutCommand({ TableName: tableName(), Item: item }));
}

/** "The gifts an address bought, and those bought for it" (erasure): their session ids, strongly consistent. */
export async function byAddress(email: string): Promise<{ bought: string[]; toThem: string[] }> {
  const found = { bought: [] as string[], toThem: [] as string[] };
  const items = queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.giftAddress.partition(email.toLowerCase()) },
    ConsistentRead: true,
  });
  for await (const item of items) (item.side === "buyer" ? found.bought : found.toThem).push(item.sessionId as string);
  return found;
}

/** Deletes every ref of an address (erasure, once its gifts no longer name it). */
export async function forget(email: string): Promise<void> {
  const items = queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.giftAddress.partition(email.toLowerCase()) },
    ConsistentRead: true,
    ProjectionExpression: "pk, sk",
  });
  const found: Array<{ pk: string; sk: string }> = [];
  for await (const item of items) found.push({ pk: item.pk as string, sk: item.sk as string });
  for (const key of found) await db().send(new DeleteCommand({ TableName: tableName(), Key: key }));
}
