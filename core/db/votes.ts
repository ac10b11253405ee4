/**
 * Votes and the tallies they keep. Every change of a vote record and the matching change of its topic's tally
 * happen in one transaction, conditioned on the vote record as it was read: a topic's score is always the sum of
 * the weights of its counted votes, whatever runs at the same time, and a change made twice happens once. A vote
 * changes its counting only while its topic is open (the transaction checks it): a closed or covered topic's score
 * is final.
 */
import { randomInt } from "node:crypto";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Ballot, Vote } from "../votes/types";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { queryAll } from "./query";
import * as Topics from "./topics";

type TransactItem = Topics.TransactItem;
const transact = Topics.transact;

/** One patron's ballot (the topics they hold a vote for), read consistently; an empty one at version 0. */
export async function ballot(subscriberId: string): Promise<Ballot> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ballot.key(subscriberId), ConsistentRead: true }));
  return { subscriberId, topicIds: (Item?.topicIds as string[] | undefined) ?? [], version: Number(Item?.version ?? 0) };
}

/** One patron's vote for one topic, read consistently. */
export async function get(topicId: string, subscriberId: string): Promise<Vote | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.vote.key(topicId, subscriberId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk, sk, gsi1pk, gsi1sk, entity, ...vote } = Item;
  return vote as Vote;
}

/** Every vote for a topic, counted or not (the editors' view of a topic's votes; checks of the tallies). */
export async function byTopic(topicId: string): Promise<Vote[]> {
  const votes: Vote[] = [];
  const items = queryAll({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :vote)",
    ExpressionAttributeValues: { ":pk": keys.topic.key(topicId).pk, ":vote": keys.vote.prefix },
    ConsistentRead: true,
  });
  for await (const { pk, sk, gsi1pk, gsi1sk, entity, ...vote } of items) votes.push(vote as Vote);
  return votes;
}

function ballotWrite(next: Ballot, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.ballot.key(next.subscriberId),
      UpdateExpression: "SET topicIds = :ids, version = :next, entity = :entity, updatedAt = :at",
      ConditionExpression: next.version === 0 ? "attribute_not_exists(pk)" : "version = :version",
      ExpressionAttributeValues: {
        ":ids": next.topicIds,
        ":next": next.version + 1,
        ":entity": "ballot",
        ":at": at,
        ...(next.version !== 0 && { ":version": next.version }),
      },
    },
  };
}

/** Adds to a topic's score and voter count on one of its tally shards, chosen at random. */
export function tallyAdd(topicId: string, score: number, voters: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.tally.key(topicId, randomInt(keys.TALLY_SHARDS)),
      UpdateExpression: "ADD score :score, voters :voters SET entity = :entity",
      ExpressionAttributeValues: { ":score": score, ":voters": voters, ":entity": "tally" },
    },
  };
}

/** The check that a topic is open (`true`) or not (`false`: closed, covered, proposed, or gone) when the transaction runs. */
export function topicCheck(topicId: string, open: boolean): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.topic.key(topicId),
      ConditionExpression: open ? "#status = :open" : "attribute_not_exists(pk) OR #status <> :open",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":open": "open" },
    },
  };
}

/** The check that a ballot is still at the version read (version 0: there is none). */
function ballotCheck(ballotRead: Pick<Ballot, "subscriberId" | "version">): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.ballot.key(ballotRead.subscriberId),
      ...(ballotRead.version === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": ballotRead.version } }),
    },
  };
}

/**
 * Casts a vote: the vote record (new), the ballot (as read), the tally, and the checks that the patron is still
 * eligible at the tier the weight came from and the topic still open, all or nothing.
 */
export async function cast(vote: Vote, ballotRead: Ballot, eligibleStatuses: readonly string[]): Promise<void> {
  const statusValues = Object.fromEntries(eligibleStatuses.map((status, i) => [`:s${i}`, status]));
  await transact(
    [
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.vote.key(vote.topicId, vote.subscriberId), ...keys.vote.bySubscriber(vote.subscriberId, vote.topicId), entity: "vote", ...vote },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      ballotWrite({ ...ballotRead, topicIds: [...ballotRead.topicIds, vote.topicId] }, vote.createdAt),
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.patron.key(vote.subscriberId),
          ConditionExpression: `#status IN (${Object.keys(statusValues).join(", ")}) AND tierId = :tier`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ...statusValues, ":tier": vote.tierId },
        },
      },
      topicCheck(vote.topicId, true),
      ...(vote.counted ? [tallyAdd(vote.topicId, vote.weight, 1)] : []),
    ],
    `vote ${vote.subscriberId} ${vote.topicId}`,
  );
}

/**
 * Withdraws a vote as read, from a topic still open: the record goes, its ballot entry goes, and what it counted
 * comes off the tally.
 */
export async function retract(vote: Vote, ballotRead: Ballot, at: string): Promise<void> {
  await transact(
    [
      {
        Delete: {
          TableName: tableName(),
          Key: keys.vote.key(vote.topicId, vote.subscriberId),
          ConditionExpression: "counted = :counted AND weight = :weight",
          ExpressionAttributeValues: { ":counted": vote.counted, ":weight": vote.weight },
        },
      },
      ballotWrite({ ...ballotRead, topicIds: ballotRead.topicIds.filter((id) => id !== vote.topicId) }, at),
      topicCheck(vote.topicId, true),
      ...(vote.counted ? [tallyAdd(vote.topicId, -vote.weight, -1)] : []),
    ],
    `vote ${vote.subscriberId} ${vote.topicId}`,
  );
}

/**
 * Re-counts a vote as read to `next` (counted or not, weight, tier), while the patron and their ballot are still at
 * the versions the decision came from and its topic is open: the tally moves by the difference. Run twice, the
 * second finds the record changed and fails.
 */
export async function recount(
  vote: Vote,
  next: Pick<Vote, "counted" | "weight" | "tierId">,
  patronVersion: number | undefined,
  ballotRead: Pick<Ballot, "subscriberId" | "version">,
  at: string,
): Promise<void> {
  const score = (next.counted ? next.weight : 0) - (vote.counted ? vote.weight : 0);
  const voters = (next.counted ? 1 : 0) - (vote.counted ? 1 : 0);
  await transact(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.vote.key(vote.topicId, vote.subscriberId),
          UpdateExpression: "SET counted = :counted, weight = :weight, tierId = :tier, updatedAt = :at",
          ConditionExpression: "counted = :wasCounted AND weight = :wasWeight",
          ExpressionAttributeValues: {
            ":counted": next.counted,
            ":weight": next.weight,
            ":tier": next.tierId,
            ":at": at,
            ":wasCounted": vote.counted,
            ":wasWeight": vote.weight,
          },
        },
      },
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.patron.key(vote.subscriberId),
          ...(patronVersion === undefined
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": patronVersion } }),
        },
      },
      ballotCheck(ballotRead),
      topicCheck(vote.topicId, true),
      ...(score !== 0 || voters !== 0 ? [tallyAdd(vote.topicId, score, voters)] : []),
    ],
    `vote ${vote.subscriberId} ${vote.topicId}`,
  );
}

/**
 * Moves a ballot, as read, to its next version without changing it: a vote cast or a re-count decided on the
 * ballot as it was then finds it changed and reads everything again (see `recountVoters`). Answers the new ballot.
 */
export async function claimBallot(ballotRead: Ballot, at: string): Promise<Ballot> {
  await transact([ballotWrite(ballotRead, at)], `ballot ${ballotRead.subscriberId}`);
  return { ...ballotRead, version: ballotRead.version + 1 };
}

/** Records that a patron was shown "You asked, we covered it" for this vote's topic, in that digest (once). */
export async function markCoveredShown(topicId: string, subscriberId: string, digestId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.vote.key(topicId, subscriberId),
        UpdateExpression: "SET coveredShownIn = :digest",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(coveredShownIn) OR coveredShownIn = :digest)",
        ExpressionAttributeValues: { ":digest": digestId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
