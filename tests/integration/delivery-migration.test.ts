/**
 * The one-off move of per-recipient delivery records into batches (scripts/migrate-deliveries.ts). Old records of
 * both earlier layouts are written here by hand, as those releases wrote them: spread over the digest's 64
 * partitions (32 status-index shards, counted as written), and all under `DIGEST#<id>` (4 status-index shards,
 * never counted). Every one moves, is found with its fields, and the counters equal the records afterwards; a
 * subscriber planned again by the new code keeps only the new delivery; a second run, or two at once, or an old
 * worker still recording beside it, moves nothing twice.
 */
import { createHash, randomUUID } from "node:crypto";
import { PutCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import * as Counts from "../../core/db/delivery-counts";
import { moveLegacyDeliveries } from "../../core/db/delivery-migration";
import * as keys from "../../core/db/keys";
import type { Delivery, DeliveryStatus } from "../../core/delivery/types";
import { deliveryStatuses } from "../../core/digests/types";
import { migrateDeliveries } from "../../scripts/migrate-deliveries";
import { saveDigest } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";

useLocalStack();

let clock = Date.parse("2031-05-01T08:00:00.000Z");
const tick = () => new Date((clock += 1_000)).toISOString();

/** A delivery as the old releases kept it, with the fields its status brings. */
function old(digestId: string, status: DeliveryStatus, subscriberId = `sub_${randomUUID().slice(0, 12)}`): Delivery {
  const createdAt = tick();
  const delivery: Delivery = {
    digestId,
    subscriberId,
    email: subscriberId.startsWith("anon_") ? "" : `${subscriberId}@example.com`,
    status,
    variant: "free",
    attempts: status === "queued" || status === "skipped" || status === "suppressed" ? 0 : 1,
    createdAt,
    updatedAt: tick(),
  };
  if (status === "sent" || status === "bounced" || status === "complained") {
    Object.assign(delivery, { messageId: `ses-${subscriberId}`, sentAt: delivery.updatedAt });
  }
  if (status === "skipped") delivery.reason = "paused";
  if (status === "suppressed") delivery.reason = "unsubscribed";
  if (status === "failed") delivery.error = "MessageRejected: address blacklisted";
  if (status === "sending") Object.assign(delivery, { claimId: "claim-of-an-old-worker", leaseUntil: Date.now() + 60_000 });
  return delivery;
}

const subscriberIndex = (d: Delivery) =>
  d.subscriberId.startsWith("anon_") ? {} : { gsi2pk: keys.legacyDelivery.subscriberPartition(d.subscriberId), gsi2sk: `${d.createdAt}#${d.digestId}` };

/** Written as the previous release did: its partition, 32 status-index shards, counted in the same transaction. */
async function spread(d: Delivery): Promise<Delivery> {
  await Db.db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: Db.tableName(),
            Item: {
              ...keys.legacyDelivery.key(d.digestId, d.subscriberId),
              gsi1pk: keys.legacyDelivery.statusPartition(d.digestId, d.status, keys.deliveryShardOf(d.subscriberId, keys.LEGACY_DELIVERY_SHARDS)),
              gsi1sk: d.subscriberId,
              ...subscriberIndex(d),
              entity: "delivery",
              ...d,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        ...Counts.counterUpdate(d.digestId, { [d.status]: 1 }),
      ],
    }),
  );
  return d;
}

/** Written as the release before did: all under `DIGEST#<id>`, 4 status-index shards, never counted. */
async function unspread(d: Delivery): Promise<Delivery> {
  const shard = createHash("sha1").update(d.subscriberId).digest().readUInt32BE(0) % 4;
  await Db.db().send(
    new PutCommand({
      TableName: Db.tableName(),
      Item: {
        pk: keys.legacyDelivery.unspreadPartition(d.digestId),
        sk: `${keys.legacyDelivery.prefix}${d.subscriberId}`,
        gsi1pk: keys.legacyDelivery.statusPartition(d.digestId, d.status, shard),
        gsi1sk: d.subscriberId,
        ...subscriberIndex(d),
        entity: "delivery",
        ...d,
      },
    }),
  );
  return d;
}

/** Old records left in either layout. */
async function oldLeft(digestId: string): Promise<Record<string, unknown>[]> {
  const partitions = [
    keys.legacyDelivery.unspreadPartition(digestId),
    ...Array.from({ length: keys.DELIVERY_PARTITIONS }, (_, p) => keys.deliveryBatch.partition(digestId, p)),
  ];
  const found = await Promise.all(
    partitions.map(async (pk) => {
      const { Items = [] } = await Db.db().send(
        new QueryCommand({
          TableName: Db.tableName(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": keys.legacyDelivery.prefix },
          ConsistentRead: true,
        }),
      );
      return Items;
    }),
  );
  return found.flat();
}

/** Every delivery of the digest in its batches, read to the end (strongly consistent). */
async function records(digestId: string): Promise<Delivery[]> {
  const all: Delivery[] = [];
  let cursor: string | undefined;
  do {
    const page = await Db.Deliveries.pageAll(digestId, { cursor, limit: 100, consistent: true });
    all.push(...page.deliveries);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return all;
}

const countOf = (statuses: readonly DeliveryStatus[]) => {
  const counts = Counts.zero();
  for (const status of statuses) counts[status]++;
  return counts;
};

/** The digest's counters against its records, recounted: equal, answered. */
async function expectCountersMatchRecords(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const [counters, all] = await Promise.all([Db.Deliveries.countByStatus(digestId), records(digestId)]);
  const recounted = countOf(all.map((delivery) => delivery.status));
  expect(counters, `counters of ${digestId} against its records`).toEqual(recounted);
  return recounted;
}

/** Every batch of the digest, and the ids of those with an open marker. */
async function batchesOf(digestId: string) {
  const batches: Db.DeliveryBatches.Batch[] = [];
  let cursor: string | undefined;
  do {
    const page = await Db.DeliveryBatches.page(digestId, { cursor, limit: 25, consistent: true });
    batches.push(...page.batches);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  const open = new Set<string>();
  cursor = undefined;
  do {
    const page = await Db.DeliveryBatches.openPage(digestId, { cursor, limit: 100, consistent: true });
    for (const id of page.batchIds) open.add(id);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return { batches, open };
}

/** What `get` should find of a moved record: its own fields, without the claim an old worker held. */
const moved = ({ claimId, leaseUntil, createdAt, ...delivery }: Delivery) => delivery;

const many = (n: number, make: () => Promise<Delivery>) => Promise.all(Array.from({ length: n }, make));

describe("migrating per-recipient deliveries into batches", () => {
  it("moves both old layouts, counts only what was never counted, keeps the newer delivery, and moves nothing twice", async () => {
    const digest = await saveDigest({ status: "sending" });
    const id = digest.id;
    const spreadOnes = [
      ...(await many(12, () => spread(old(id, "sent")))),
      ...(await many(3, () => spread(old(id, "skipped")))),
      await spread(old(id, "bounced")),
      await spread(old(id, "failed")),
      await spread(old(id, "suppressed")),
      ...(await many(2, () => spread(old(id, "queued")))),
      await spread(old(id, "sending")),
      await spread(old(id, "sent", `anon_${randomUUID().slice(0, 16)}`)), // an erased subscriber's
    ];
    const unspreadOnes = [
      ...(await many(8, () => unspread(old(id, "sent")))),
      ...(await many(2, () => unspread(old(id, "skipped")))),
      await unspread(old(id, "complained")),
      await unspread(old(id, "queued")),
      await unspread(old(id, "sending")),
    ];
    // Planned again by the previous release after the move before it never ran: the spread record is the newer.
    const twinOlder = await unspread(old(id, "queued"));
    const twin = await spread(old(id, "sent", twinOlder.subscriberId));
    // Planned again by the new code (an old page whose progress was never recorded): the new delivery is the live one.
    const againSpread = await spread(old(id, "sent"));
    const againUnspread = await unspread(old(id, "failed"));
    const at = tick();
    const newer = (d: Delivery): Db.DeliveryBatches.Recipient => ({ email: d.email, status: "queued", variant: "patron", attempts: 0, updatedAt: at });
    expect(
      await Db.DeliveryBatches.plan([
        {
          digestId: id,
          batchId: "planned-by-the-new-code",
          recipients: { [againSpread.subscriberId]: newer(againSpread), [againUnspread.subscriberId]: newer(againUnspread) },
          version: 0,
          createdAt: at,
        },
      ]),
    ).toBe("planned");
    const oldRecords = [...spreadOnes, ...unspreadOnes, twinOlder, twin, againSpread, againUnspread];
    expect(await oldLeft(id)).toHaveLength(oldRecords.length);
    expect(await Db.Deliveries.get(id, spreadOnes[0]!.subscriberId)).toBeUndefined(); // not found before the move

    const lines: string[] = [];
    expect(await migrateDeliveries((line) => lines.push(line))).toBe(oldRecords.length);
    expect(lines).toContain(`${id} (sending): ${oldRecords.length} old delivery records moved into batches`);
    expect(await oldLeft(id)).toEqual([]);

    // Each moved delivery is found with its status and fields; an old worker's claim is gone, the recipient still `sending`.
    for (const record of [...spreadOnes, ...unspreadOnes, twin]) {
      if (record.subscriberId.startsWith("anon_")) continue;
      const found = await Db.Deliveries.get(id, record.subscriberId);
      expect(found, record.subscriberId).toEqual({ ...moved(record), createdAt: expect.any(String) });
      expect(await Db.DeliveryBatches.refsOf(record.subscriberId)).toHaveLength(1);
    }
    expect(await Db.Deliveries.get(id, twin.subscriberId)).toMatchObject({ status: "sent", messageId: twin.messageId });
    for (const again of [againSpread, againUnspread]) {
      expect(await Db.Deliveries.get(id, again.subscriberId)).toMatchObject({ status: "queued", variant: "patron" });
      expect(await Db.DeliveryBatches.refsOf(again.subscriberId)).toEqual([{ digestId: id, batchId: "planned-by-the-new-code" }]);
    }
    const all = await records(id);
    const anonymous = all.filter((delivery) => delivery.subscriberId.startsWith("anon_"));
    expect(anonymous).toEqual([{ ...moved(spreadOnes.at(-1)!), createdAt: expect.any(String) }]);
    expect(await Db.DeliveryBatches.refsOf(anonymous[0]!.subscriberId)).toEqual([]);

    // One delivery per subscriber, counted once: the counters equal the records.
    const kept = [...spreadOnes, ...unspreadOnes, twin].map((d) => d.status);
    expect(all).toHaveLength(kept.length + 2);
    expect(await expectCountersMatchRecords(id)).toEqual(countOf([...kept, "queued", "queued"]));

    // Batches of at most ten, the earliest record's time; open exactly when a recipient is queued or sending.
    const { batches, open } = await batchesOf(id);
    const migrated = batches.filter((batch) => batch.batchId.startsWith("migrated-"));
    expect(migrated.reduce((sum, batch) => sum + Object.keys(batch.recipients).length, 0)).toBe(kept.length);
    for (const batch of batches) {
      expect(Object.keys(batch.recipients).length).toBeLessThanOrEqual(10);
      expect(batch.claimId).toBeUndefined();
      const isOpen = Object.values(batch.recipients).some((r) => r.status === "queued" || r.status === "sending");
      expect(open.has(batch.batchId), batch.batchId).toBe(isOpen);
    }
    for (const batch of migrated) {
      const earliest = Object.keys(batch.recipients)
        .map((sub) => oldRecords.find((d) => d.subscriberId === sub)!.createdAt)
        .sort()[0];
      if (!batch.recipients[twin.subscriberId]) expect(batch.createdAt).toBe(earliest);
    }
    expect(await Db.DeliveryBatches.anyOpen(id)).toBe(true);

    // A second run moves nothing and changes no counter.
    const counters = await Db.Deliveries.countByStatus(id);
    expect(await moveLegacyDeliveries(id)).toBe(0);
    expect(await Db.Deliveries.countByStatus(id)).toEqual(counters);
    expect((await batchesOf(id)).batches).toHaveLength(batches.length);

    // The moved deliveries move on, with their counters, like any other.
    expect(
      await Db.Deliveries.transition(id, spreadOnes[0]!.subscriberId, { from: ["sent"] }, "complained", { updatedAt: tick() }),
    ).toMatchObject({ status: "complained", messageId: spreadOnes[0]!.messageId });
    await expectCountersMatchRecords(id);
  });

  it("leaves no open batch for a digest whose old records were all settled", async () => {
    const digest = await saveDigest({ status: "sent" });
    await many(7, () => spread(old(digest.id, "sent")));
    await many(6, () => unspread(old(digest.id, "skipped")));
    await unspread(old(digest.id, "bounced"));
    expect(await moveLegacyDeliveries(digest.id)).toBe(14);
    expect(await Db.DeliveryBatches.anyOpen(digest.id)).toBe(false);
    expect(await expectCountersMatchRecords(digest.id)).toMatchObject({ sent: 7, skipped: 6, bounced: 1, queued: 0 });
  });

  it("names a digest that finished while old records were still queued", async () => {
    const digest = await saveDigest({ status: "sent" });
    await spread(old(digest.id, "sent"));
    await spread(old(digest.id, "queued"));
    const lines: string[] = [];
    await migrateDeliveries((line) => lines.push(line));
    expect(lines).toContain(`${digest.id} (sent): 2 old delivery records moved into batches`);
    expect(lines.filter((line) => line.startsWith("WARNING"))).toEqual([
      `WARNING ${digest.id} is sent but has recipients still queued or sending, which nothing will send or settle`,
    ]);
    expect(await Db.DeliveryBatches.anyOpen(digest.id)).toBe(true);
    await expectCountersMatchRecords(digest.id);
  });

  it("moves each record once when two runs meet", async () => {
    const digest = await saveDigest({ status: "sending" });
    const statuses: DeliveryStatus[] = ["queued", "sent", "skipped", "sending", "failed"];
    await Promise.all(Array.from({ length: 40 }, (_, i) => spread(old(digest.id, statuses[i % 5]!))));
    await Promise.all(Array.from({ length: 25 }, (_, i) => unspread(old(digest.id, statuses[i % 5]!))));
    const [a, b] = await Promise.all([moveLegacyDeliveries(digest.id), moveLegacyDeliveries(digest.id)]);
    expect(a + b).toBe(65);
    expect(await oldLeft(digest.id)).toEqual([]);
    expect(await records(digest.id)).toHaveLength(65);
    await expectCountersMatchRecords(digest.id);
  });

  it("keeps the counters right beside an old worker still recording sends", async () => {
    const digest = await saveDigest({ status: "sending" });
    const sending = await many(40, () => spread(old(digest.id, "queued")));
    const queued = [...sending, ...(await many(10, () => unspread(old(digest.id, "queued"))))];
    // A worker of the previous release records each send on the old key, conditioned on the status, moving the
    // counters in the same transaction: it either lands before the move, or finds the record gone and fails.
    const recorded = new Set<string>();
    const worker = Promise.all(
      sending.map(async (d, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 8));
        try {
          await Db.db().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: Db.tableName(),
                    Key: keys.legacyDelivery.key(d.digestId, d.subscriberId),
                    UpdateExpression: "SET #status = :sent, updatedAt = :at, sentAt = :at, messageId = :m, gsi1pk = :g",
                    ConditionExpression: "#status = :queued",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: {
                      ":sent": "sent",
                      ":queued": "queued",
                      ":at": tick(),
                      ":m": `ses-${d.subscriberId}`,
                      ":g": keys.legacyDelivery.statusPartition(d.digestId, "sent", keys.deliveryShardOf(d.subscriberId, keys.LEGACY_DELIVERY_SHARDS)),
                    },
                  },
                },
                ...Counts.counterUpdate(d.digestId, { queued: -1, sent: 1 }),
              ],
            }),
          );
          recorded.add(d.subscriberId);
        } catch (error) {
          if (!Db.isRace(error)) throw error;
        }
      }),
    );
    const [movedCount] = await Promise.all([moveLegacyDeliveries(digest.id), worker]);
    expect(movedCount + (await moveLegacyDeliveries(digest.id))).toBe(50);
    expect(await oldLeft(digest.id)).toEqual([]);
    for (const d of queued) {
      const status = (await Db.Deliveries.get(digest.id, d.subscriberId))?.status;
      // An update that failed its condition met the record gone (moved), or a transaction in flight on it: either
      // way what was moved is what the record held.
      if (recorded.has(d.subscriberId)) expect(status, d.subscriberId).toBe("sent");
      else expect(status, d.subscriberId).toBe("queued");
    }
    const counts = await expectCountersMatchRecords(digest.id);
    expect(counts.sent + counts.queued).toBe(50);
    expect(deliveryStatuses.filter((s) => s !== "sent" && s !== "queued").every((s) => counts[s] === 0)).toBe(true);
  });
});
