/**
 * Stripe customers and whose they are: "the subscriber who pays through cus_…", read consistently and many at
 * once. A customer is tied to one subscriber for good (a conditional put), so every event of any customer of a
 * person finds that person, however many customers they pay through.
 */
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { getMany } from "./query";

/**
 * Ties a customer to a subscriber, unless it is tied to someone already. Answers the subscriber it is tied to
 * now: `subscriberId`, or whoever held it first.
 */
export async function link(customerId: string, subscriberId: string, at: string): Promise<string> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.customer.key(customerId), entity: "customer", customerId, subscriberId, linkedAt: at },
        ConditionExpression: "attribute_not_exists(pk) OR subscriberId = :id",
        ExpressionAttributeValues: { ":id": subscriberId },
      }),
    );
    return subscriberId;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await subscriberOf(customerId)) ?? subscriberId;
  }
}

/** The subscriber a customer pays for, if it is tied to one (strongly consistent). */
export async function subscriberOf(customerId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.customer.key(customerId), ConsistentRead: true }));
  return Item?.subscriberId as string | undefined;
}

/** The subscribers many customers pay for (strongly consistent): customers tied to nobody are left out. */
export async function subscribersOf(customerIds: readonly string[]): Promise<Map<string, string>> {
  const items = await getMany([...new Set(customerIds)].map((id) => keys.customer.key(id)));
  return new Map(items.map((item) => [item.customerId as string, item.subscriberId as string]));
}

/** Forgets the tie of a customer (erasure: the customer id names the person). */
export async function unlink(customerId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.customer.key(customerId) }));
}
