/**
 * The one-off move of deliveries written before they were spread over partitions (scripts/migrate-deliveries.ts):
 * each legacy record (`DIGEST#<id>` / `DELIVERY#<sub>`, old status-index shard, never counted) moves to its
 * partition and is counted; a second run moves nothing; a subscriber planned again by the new code keeps only the
 * new record; the moved records are found, moved on and counted as any other.
 */
import { randomUUID } from "node:crypto";
import { createHash } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import { moveLegacyDeliveries } from "../../core/db/delivery-migration";
import * as keys from "../../core/db/keys";
import type { Delivery, DeliveryStatus } from "../../core/delivery/types";
import { migrateDeliveries } from "../../scripts/migrate-deliveries";
import { expectCountersMatchRecords } from "../helpers/deliveries";
import { saveDigest } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";

useLocalStack();

/** A delivery as the release before wrote it: one partition per digest, 4 status-index shards, no counter. */
async function legacy(digestId: string, status: DeliveryStatus, subscriberId = `sub_${randomUUID().slice(0, 12)}`) {
  const at = new Date().toISOString();
  const delivery: Delivery = { digestId, subscriberId, email: `${subscriberId}@example.com`, status, variant: "free", attempts: 1, createdAt: at, updatedAt: at };
  const oldShard = createHash("sha1").update(subscriberId).digest().readUInt32BE(0) % 4;
  await Db.db().send(
    new PutCommand({
      TableName: Db.tableName(),
      Item: {
        pk: `DIGEST#${digestId}`,
        sk: `DELIVERY#${subscriberId}`,
        gsi1pk: `DELIVERIES#${digestId}#${status}#${oldShard}`,
        gsi1sk: subscriberId,
        ...keys.delivery.bySubscriber(subscriberId, at, digestId),
        entity: "delivery",
        ...delivery,
      },
    }),
  );
  return delivery;
}

const legacyLeft = async (digestId: string) =>
  (
    await Db.db().send(
      new QueryCommand({
        TableName: Db.tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :d)",
        ExpressionAttributeValues: { ":pk": `DIGEST#${digestId}`, ":d": "DELIVERY#" },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe("migrating deliveries to their partitions", () => {
  it("moves and counts every legacy delivery once, keeps a record planned again by the new code, and moves nothing twice", async () => {
    const digest = await saveDigest({ status: "sent" });
    const records = [
      ...(await Promise.all(Array.from({ length: 30 }, () => legacy(digest.id, "sent")))),
      ...(await Promise.all(Array.from({ length: 5 }, () => legacy(digest.id, "skipped")))),
      await legacy(digest.id, "bounced"),
    ];
    // Planned again by the new code (a page whose progress the old code never recorded): the new record is the live one.
    const again = await legacy(digest.id, "queued");
    expect(await Db.Deliveries.plan({ ...again, status: "queued" })).toBe(true);
    expect(await Db.Deliveries.get(digest.id, records[0]!.subscriberId)).toBeUndefined(); // not found before the move

    const lines: string[] = [];
    expect(await migrateDeliveries((line) => lines.push(line))).toBeGreaterThanOrEqual(records.length + 1);
    expect(lines.join("\n")).toContain(`${digest.id} (sent): ${records.length + 1} deliveries moved and counted`);

    expect(await legacyLeft(digest.id)).toEqual([]);
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 30, skipped: 5, bounced: 1, queued: 1 });
    for (const record of records) expect(await Db.Deliveries.get(digest.id, record.subscriberId)).toMatchObject(record);
    // Found by status in the new shards, and moved on (with its counters) like any other.
    const sent = await Db.Deliveries.page(digest.id, "sent", { limit: 100 });
    expect(sent.deliveries).toHaveLength(30);
    expect(
      await Db.Deliveries.transition(digest.id, records[0]!.subscriberId, { from: ["sent"] }, "complained", { updatedAt: new Date().toISOString() }),
    ).toMatchObject({ status: "complained" });
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 29, complained: 1 });

    expect(await moveLegacyDeliveries(digest.id)).toBe(0);
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 29 });
  });
});
