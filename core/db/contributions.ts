/**
 * Contributions (core/contributions): the record under its Checkout session's key, written once by a conditional
 * put; beside it, in the same transaction, the pointer from its payment intent, a ref in the contributor's
 * partition (if a subscriber), and the month's counter for its currency, so the totals are exact under any
 * concurrency and never need a scan. A marking (refund, dispute) changes the record only if its version is the one
 * read, and the counter's `refunded` by the difference, in one transaction.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Contribution, MonthTotals } from "../contributions/types";
import { db, tableName } from "./client";
import { WriteConflictError, cancellationCodes, isRace } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";
import { wrote as topicWritten } from "./topics";
import { contributionSourceTally } from "./sources";

const strip = ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity, ...record }: Record<string, any>) => record as Contribution;

/** A contribution's item: its key, its address (gsi1, until erasure) and month (gsi2) index keys, its entity. */
const recordItem = (c: Contribution) => ({
  ...keys.contribution.key(c.id),
  ...(c.email && keys.contribution.byEmail(c.email, c.createdAt, c.id)),
  ...keys.contribution.byTime(c.month, c.createdAt, c.id),
  entity: "contribution",
  ...c,
});

/** What a contribution adds to its topic's funding: what was paid, net of refunds. */
const net = (c: Contribution) => c.amount - c.amountRefunded;
/** Whether it counts among the topic's contributors: a payment, unless refunded in full. */
const counts = (c: Contribution) => c.amountRefunded < c.amount;

/** Moves a topic's funding counter (pattern 35): ADD, so concurrent payments and refunds all count. */
const funding = (topicId: string, raised: number, contributors: number) => ({
  Update: {
    TableName: tableName(),
    Key: keys.contribution.funding(topicId),
    UpdateExpression: "SET entity = :entity ADD raised :raised, contributors :contributors",
    ExpressionAttributeValues: { ":entity": "topic-funding", ":raised": raised, ":contributors": contributors },
  },
});

/** One contribution by its Checkout session (strongly consistent). */
export async function get(sessionId: string): Promise<Contribution | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.contribution.key(sessionId), ConsistentRead: true }));
  return Item && strip(Item);
}

/** "The contribution a payment intent paid" (a charge's refund or dispute finds it so): its session id. */
export async function sessionOfPaymentIntent(paymentIntentId: string): Promise<string | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.contribution.byPaymentIntent(paymentIntentId), ConsistentRead: true }),
  );
  return Item?.sessionId as string | undefined;
}

/**
 * "A subscriber's contributions" (export, account page, erasure), oldest first: those tied to them, through the refs
 * in their partition (strongly consistent), and those made with their address (`email`, through gsi1, which may lag
 * a moment behind a contribution just recorded), before they subscribed among them.
 */
export async function bySubscriber(subscriberId: string, email?: string): Promise<Contribution[]> {
  const ids = new Set<string>();
  const refs = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId), ":prefix": keys.contribution.refPrefix },
    ConsistentRead: true,
  });
  for await (const ref of refs) ids.add(ref.sessionId as string);
  if (email) for (const id of await idsByEmail(email)) ids.add(id);
  const found = (await Promise.all([...ids].map(get))).filter(
    // Read again by key: an index entry may outlive (for a moment) the address an erasure removed.
    (c): c is Contribution => c !== undefined && !c.anonymous && (c.subscriberId === subscriberId || (email !== undefined && c.email === email)),
  );
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** "The contributions made with this address" (subscriber or not), oldest first; none once erasure removed it. */
export async function byEmail(email: string): Promise<Contribution[]> {
  const found = (await Promise.all((await idsByEmail(email)).map(get))).filter(
    (c): c is Contribution => c !== undefined && !c.anonymous && c.email === email, // the index may lag an erasure
  );
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The sessions of the contributions made with an address, through gsi1 (which may lag a moment). */
async function idsByEmail(email: string): Promise<string[]> {
  const ids: string[] = [];
  const items = queryAll({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.contribution.emailPartition(email) },
  });
  for await (const item of items) ids.push(item.id as string);
  return ids;
}

/** "One month's contribution totals, by currency" (`GET /api/stats`): one query of the month's counters. */
export async function monthTotals(month: string): Promise<Record<string, MonthTotals>> {
  const totals: Record<string, MonthTotals> = {};
  const items = queryAll({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.contribution.monthPartition(month) },
    ConsistentRead: true,
  });
  for await (const item of items) {
    totals[item.currency as string] = { amount: Number(item.amount ?? 0), count: Number(item.count ?? 0), refunded: Number(item.refunded ?? 0) };
  }
  return totals;
}

const counter = (c: Pick<Contribution, "month" | "currency">, add: Partial<MonthTotals>) => ({
  Update: {
    TableName: tableName(),
    Key: keys.contribution.month(c.month, c.currency),
    UpdateExpression: `SET entity = :entity, currency = :currency, #month = :month ADD ${Object.keys(add)
      .map((name) => `#${name} :${name}`)
      .join(", ")}`,
    ExpressionAttributeNames: { "#month": "month", ...Object.fromEntries(Object.keys(add).map((name) => [`#${name}`, name])) },
    ExpressionAttributeValues: {
      ":entity": "contribution-month",
      ":currency": c.currency,
      ":month": c.month,
      ...Object.fromEntries(Object.entries(add).map(([name, value]) => [`:${name}`, value])),
    },
  },
});

/**
 * Records a contribution once: answers false when its session is recorded already (nothing written). Throws
 * `WriteConflictError` when a concurrent transaction on the month's counter got in the way (retry: `retryWrite`).
 */
export async function record(contribution: Contribution): Promise<boolean> {
  const items = [
    {
      Put: {
        TableName: tableName(),
        Item: recordItem(contribution),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    counter(contribution, { amount: contribution.amount, count: 1, ...(contribution.amountRefunded && { refunded: contribution.amountRefunded }) }),
    ...contributionSourceTally(contribution, { currency: contribution.currency, amount: contribution.amount, count: 1, refunded: contribution.amountRefunded }),
    ...(contribution.paymentIntentId
      ? [{ Put: { TableName: tableName(), Item: { ...keys.contribution.byPaymentIntent(contribution.paymentIntentId), entity: "contribution-payment", sessionId: contribution.id } } }]
      : []),
    ...(contribution.subscriberId
      ? [{ Put: { TableName: tableName(), Item: { ...keys.contribution.ref(contribution.subscriberId, contribution.id), entity: "contribution-ref", sessionId: contribution.id } } }]
      : []),
    ...(contribution.topicId
      ? [
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.contribution.topicRef(contribution.topicId, contribution.createdAt, contribution.id), entity: "topic-contribution", sessionId: contribution.id },
            },
          },
          funding(contribution.topicId, net(contribution), counts(contribution) ? 1 : 0),
        ]
      : []),
  ];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
    if (contribution.topicId) topicWritten(); // the topics everyone sees show its funding
    return true;
  } catch (error) {
    if (cancellationCodes(error)[0] === "ConditionalCheckFailed") return false;
    if (isRace(error)) throw new WriteConflictError(`contribution ${contribution.id}`);
    throw error;
  }
}

/**
 * Writes a marked contribution (refunded amount, dispute) only if nobody wrote since `previous` was read, moving
 * its month's `refunded` by the difference in the same transaction. Throws `WriteConflictError` otherwise.
 */
export async function mark(next: Contribution, previous: Contribution): Promise<void> {
  const delta = next.amountRefunded - previous.amountRefunded;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: recordItem(next),
              ConditionExpression: "version = :version",
              ExpressionAttributeValues: { ":version": previous.version },
            },
          },
          ...(delta !== 0 ? [counter(next, { refunded: delta })] : []),
          ...(delta !== 0 ? contributionSourceTally(next, { currency: next.currency, refunded: delta }) : []),
          ...(next.topicId && delta !== 0 ? [funding(next.topicId, -delta, Number(counts(next)) - Number(counts(previous)))] : []),
        ],
      }),
    );
    if (next.topicId && delta !== 0) topicWritten();
  } catch (error) {
    if (isRace(error)) throw new WriteConflictError(`contribution ${next.id}`);
    throw error;
  }
}

/** Erasure: the contribution stays as an anonymous amount, its address and subscriber gone. */
export async function anonymize(sessionId: string, at: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.contribution.key(sessionId),
      UpdateExpression: "SET anonymous = :true, updatedAt = :at, version = version + :one REMOVE email, subscriberId, gsi1pk, gsi1sk",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":true": true, ":at": at, ":one": 1 },
    }),
  ).catch((error) => {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  });
}
