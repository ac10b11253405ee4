import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { topicStatuses, type Topic } from "../topics/types";
import { db, tableName } from "./client";
import * as keys from "./keys";
import { queryAll } from "./query";

export async function put(topic: Topic): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.topic.key(topic.id), ...keys.topic.byStatus(topic.status, topic.id), entity: "topic", ...topic },
    }),
  );
}

/** Every topic of the given statuses ("open and covered topics"), ordered by id within each status. */
export async function byStatus(statuses: readonly string[] = topicStatuses): Promise<Topic[]> {
  const lists = await Promise.all(
    statuses.map(async (status) => {
      const topics: Topic[] = [];
      const items = queryAll({
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.topic.statusPartition(status) },
      });
      for await (const { pk, sk, gsi1pk, gsi1sk, entity, ...topic } of items) topics.push(topic as Topic);
      return topics;
    }),
  );
  return lists.flat();
}
