/**
 * "You funded it, we covered it", waiting for a subscriber's next digest: one item in their partition (erased with
 * it) holding the notices (topic, title, link) and two sets of topic ids, those pending and those told. A topic is
 * added once (neither pending nor told yet, checked in the same write), and told once its digest is sent.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db, tableName } from "./client";
import { isConditionFailure } from "./errors";
import * as keys from "./keys";
import { getMany } from "./query";

/** One notice: the covered topic a subscriber funded, and where to read what was published. */
export interface FundedNotice {
  topicId: string;
  title: string;
  url: string;
}

/** Puts a notice in the subscriber's next digest; false when that topic is already pending or was told. */
export async function add(subscriberId: string, notice: FundedNotice, now: Date): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.fundedNotices.key(subscriberId),
        UpdateExpression: "SET entity = :entity, subscriberId = :id, notices = list_append(if_not_exists(notices, :none), :notice) ADD pending :topics",
        ConditionExpression: "NOT contains(pending, :topic) AND NOT contains(told, :topic)",
        ExpressionAttributeValues: {
          ":entity": "funded-notices",
          ":id": subscriberId,
          ":none": [],
          ":notice": [{ ...notice, addedAt: now.toISOString() }],
          ":topics": new Set([notice.topicId]),
          ":topic": notice.topicId,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The notices pending for each of `subscriberIds` (those with none are left out): one batch read, not one each. */
export async function pending(subscriberIds: readonly string[]): Promise<Map<string, FundedNotice[]>> {
  const items = await getMany(subscriberIds.map((id) => keys.fundedNotices.key(id)));
  const found = new Map<string, FundedNotice[]>();
  for (const item of items) {
    const topics = item.pending as Set<string> | undefined;
    if (!topics?.size) continue;
    const byTopic = new Map<string, FundedNotice>();
    for (const { topicId, title, url } of item.notices as FundedNotice[]) if (topics.has(topicId)) byTopic.set(topicId, { topicId, title, url });
    found.set(item.subscriberId as string, [...byTopic.values()]);
  }
  return found;
}

/** After a digest told them: these topics are no longer pending, and are never added again. */
export async function told(subscriberId: string, topicIds: readonly string[]): Promise<void> {
  if (topicIds.length === 0) return;
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.fundedNotices.key(subscriberId),
      UpdateExpression: "ADD told :topics DELETE pending :topics",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":topics": new Set(topicIds) },
    }),
  ).catch((error) => {
    if (!isConditionFailure(error)) throw error; // erased meanwhile: nothing to remember
  });
}
