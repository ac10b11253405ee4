/**
 * Topics patrons propose, and the count of each patron's proposals still `proposed`. A proposal is written in one
 * transaction with a marker under the patron's partition (how export and erasure find their proposals) and the
 * count's +1, conditioned on the count being under the limit: however many proposals of one patron race, at most the
 * limit are written. The count comes down (−1) when an editor opens, closes or covers a proposal, and goes up again
 * if one is sent back to `proposed`, in the transaction that writes the topic, conditioned on the topic and the
 * marker as read, so a change made twice, or racing another, moves the count once.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Topic } from "../topics/types";
import { db, tableName } from "./client";
import { WriteConflictError, cancellationCodes, isConditionFailure, isRace } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";
import { item, many, transact, wrote, type TransactItem } from "./topics";


/** "How many of a patron's proposals are still `proposed`", read consistently (0 when they never proposed). */
export async function openCount(subscriberId: string): Promise<number> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.proposal.count(subscriberId), ConsistentRead: true }));
  return Number(Item?.open ?? 0);
}

/**
 * Writes a new proposal (its `proposedBy` the patron) with its marker, counting it, unless the patron already has
 * `max` proposals still `proposed`: then nothing is written and the answer is `"limit"`. A race (another write to
 * the count at the same moment, an id taken) throws `WriteConflictError`, to try again.
 */
export async function propose(topic: Topic & { proposedBy: string }, max: number): Promise<"proposed" | "limit"> {
  const { proposedBy: subscriberId } = topic;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: item(topic), ConditionExpression: "attribute_not_exists(pk)" } },
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.proposal.key(subscriberId, topic.id), entity: "proposal", topicId: topic.id, createdAt: topic.createdAt },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: keys.proposal.count(subscriberId),
              UpdateExpression: "ADD #open :one SET entity = :entity",
              ConditionExpression: "attribute_not_exists(#open) OR #open < :max",
              ExpressionAttributeNames: { "#open": "open" },
              ExpressionAttributeValues: { ":one": 1, ":max": max, ":entity": "proposals-count" },
            },
          },
        ],
      }),
    );
    return "proposed";
  } catch (error) {
    if (cancellationCodes(error)[2] === "ConditionalCheckFailed") return "limit";
    if (isRace(error)) throw new WriteConflictError(`proposal ${topic.id}`);
    throw error;
  }
}

/** "The topics a patron proposed" (export, erasure): their markers, read consistently, then the topics themselves. */
export async function ofPatron(subscriberId: string): Promise<Topic[]> {
  const topicIds: string[] = [];
  const markers = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :proposal)",
    ExpressionAttributeValues: { ":pk": keys.subscriber.partition(subscriberId), ":proposal": keys.proposal.prefix },
    ConsistentRead: true,
  });
  for await (const { topicId } of markers) topicIds.push(topicId as string);
  return (await many(topicIds)).filter((topic) => topic.proposedBy === subscriberId);
}

/** Whether a patron's proposal is counted (it has its marker: every proposal since the count was kept has). */
async function counted(subscriberId: string, topicId: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.proposal.key(subscriberId, topicId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/**
 * Writes a topic an editor changed, from `before` as read: conditioned on its status and proposer as read, so a
 * concurrent change (another editor's; erasure forgetting the proposer) makes it throw `WriteConflictError`, to
 * read again. When a patron's counted proposal leaves `proposed` (opened, closed, covered) or comes back to it, the
 * patron's count moves by one in the same transaction.
 */
export async function save(topic: Topic, before: Topic | undefined): Promise<void> {
  const condition: Pick<PutCommandInput, "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"> = before
    ? {
        ConditionExpression: `#status = :was AND ${before.proposedBy ? "proposedBy = :proposer" : "attribute_not_exists(proposedBy)"}`,
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":was": before.status, ...(before.proposedBy && { ":proposer": before.proposedBy }) },
      }
    : { ConditionExpression: "attribute_not_exists(pk)" };
  const put = { TableName: tableName(), Item: item(topic), ...condition };
  const proposer = before?.proposedBy;
  const move = proposer ? Number(topic.status === "proposed") - Number(before!.status === "proposed") : 0;
  if (move === 0) {
    try {
      await db().send(new PutCommand(put));
    } catch (error) {
      if (isConditionFailure(error)) throw new WriteConflictError(`topic ${topic.id}`);
      throw error;
    } finally {
      wrote();
    }
    return;
  }
  if (!(await counted(proposer!, topic.id))) {
    // Proposed before proposals were counted: no count to move (until the migration counts it: then its marker is
    // there, and this write, conditioned on the marker's absence, reads again).
    await transact([{ Put: put }, markerCheck(proposer!, topic.id, false)], `topic ${topic.id}`);
    return;
  }
  await transact(
    [
      { Put: put },
      markerCheck(proposer!, topic.id, true),
      {
        Update: {
          TableName: tableName(),
          Key: keys.proposal.count(proposer!),
          UpdateExpression: "ADD #open :move",
          // Gone with an erased patron's partition: nothing to count (and nothing written under it again).
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#open": "open" },
          ExpressionAttributeValues: { ":move": move },
        },
      },
    ],
    `topic ${topic.id}`,
  );
}

type PutCommandInput = ConstructorParameters<typeof PutCommand>[0];

function markerCheck(subscriberId: string, topicId: string, exists: boolean): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.proposal.key(subscriberId, topicId),
      ConditionExpression: exists ? "attribute_exists(pk)" : "attribute_not_exists(pk)",
    },
  };
}
