/**
 * One-off, for a table written before proposals were counted (`scripts/migrate-proposals.ts`): gives every topic a
 * patron proposed its marker under the patron's partition, so that export and erasure find it there, and counts
 * those still `proposed` towards the patron's limit. Each in one transaction conditioned on the topic's status and
 * proposer as read and on the marker's absence: safe to run again, and beside editors and patrons at work.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { topicStatuses, type Topic } from "../topics/types";
import { db, tableName } from "./client";
import { cancellationCodes, isRace, WriteConflictError } from "./errors";
import * as keys from "./keys";
import { retryWrite } from "./retry";
import { byStatus, get } from "./topics";

/** Marks (and counts, when still `proposed`) every proposal that has no marker yet; answers how many it marked. */
export async function markLegacyProposals(): Promise<number> {
  let marked = 0;
  for (const status of topicStatuses) {
    for (const { id, proposedBy } of await byStatus([status])) {
      if (proposedBy && (await markOne(id))) marked++;
    }
  }
  return marked;
}

/** Marks one topic's proposal as it stands now; false when it has a marker already, or no proposer (any more). */
async function markOne(topicId: string): Promise<boolean> {
  return retryWrite(`marking the proposal ${topicId}`, async () => {
    const topic = await get(topicId);
    if (!topic?.proposedBy) return false;
    try {
      await db().send(new TransactWriteCommand({ TransactItems: markWrites(topic as Topic & { proposedBy: string }) }));
      return true;
    } catch (error) {
      if (cancellationCodes(error)[1] === "ConditionalCheckFailed") return false; // marked already
      if (isRace(error)) throw new WriteConflictError(`topic ${topicId}`);
      throw error;
    }
  });
}

function markWrites(topic: Topic & { proposedBy: string }) {
  const { id, proposedBy, status, createdAt } = topic;
  return [
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.topic.key(id),
        ConditionExpression: "#status = :status AND proposedBy = :proposer",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status, ":proposer": proposedBy },
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.proposal.key(proposedBy, id), entity: "proposal", topicId: id, createdAt },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    ...(status === "proposed"
      ? [
          {
            Update: {
              TableName: tableName(),
              Key: keys.proposal.count(proposedBy),
              UpdateExpression: "ADD #open :one SET entity = :entity",
              ExpressionAttributeNames: { "#open": "open" },
              ExpressionAttributeValues: { ":one": 1, ":entity": "proposals-count" },
            },
          },
        ]
      : []),
  ];
}
