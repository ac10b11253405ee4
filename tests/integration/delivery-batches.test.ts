/**
 * Deliveries kept ten to a batch (core/db/delivery-batches.ts), against DynamoDB Local: a plan page is written
 * once (its twin writes nothing and says so), a subscriber who already has a delivery of the digest is named and
 * nothing is written, a write on a batch that moved meanwhile changes nothing (counters included), the open markers
 * follow the batches, and pages of deliveries that end in the middle of a batch give every delivery exactly once.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as Db from "../../core/db";
import type { Batch, Recipient } from "../../core/db/delivery-batches";
import type { DeliveryStatus } from "../../core/delivery/types";
import { expectCountersMatchRecords, planDeliveries } from "../helpers/deliveries";
import { saveDigest } from "../helpers/factories";
import { useLocalStack } from "../helpers/local";

useLocalStack();

const at = new Date().toISOString();
const recipient = (status: DeliveryStatus): Recipient => ({ email: `${randomUUID()}@example.com`, status, variant: "free", attempts: 0, updatedAt: at });

function batch(digestId: string, statuses: DeliveryStatus[], batchId = `test.${randomUUID()}`): Batch {
  const recipients = Object.fromEntries(statuses.map((status) => [`sub_${randomUUID().slice(0, 12)}`, recipient(status)]));
  return { digestId, batchId, recipients, version: 0, createdAt: at };
}

async function newDigest() {
  const digest = await saveDigest({ status: "sending" });
  return digest.id;
}

describe("planning batches", () => {
  it("writes a page once: its twin writes nothing, and a subscriber planned before is named, with nothing written", async () => {
    const digestId = await newDigest();
    const page = [batch(digestId, ["queued", "queued", "skipped"]), batch(digestId, ["queued"])];
    expect(await Db.DeliveryBatches.plan(page)).toBe("planned");
    expect(await Db.DeliveryBatches.plan(page)).toBe("exists");
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ queued: 3, skipped: 1 });

    // A new batch naming a subscriber of the first page (and one new one): refused whole, the subscriber named.
    const [planned] = Object.keys(page[0]!.recipients);
    const again = batch(digestId, ["queued"]);
    again.recipients[planned!] = recipient("queued");
    expect(await Db.DeliveryBatches.plan([again])).toEqual({ taken: [planned] });
    expect(await Db.DeliveryBatches.read(digestId, again.batchId)).toBeUndefined();
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ queued: 3, skipped: 1 });
    await expectCountersMatchRecords(digestId);
  });

  it("keeps an open marker exactly while a batch has a recipient queued or sending", async () => {
    const digestId = await newDigest();
    const [open, settled] = [batch(digestId, ["queued", "sent"]), batch(digestId, ["sent", "skipped"])];
    await Db.DeliveryBatches.plan([open, settled]);
    expect((await Db.DeliveryBatches.openPage(digestId)).batchIds).toEqual([open.batchId]);

    const read = (await Db.DeliveryBatches.read(digestId, open.batchId))!;
    const closed = Object.fromEntries(Object.entries(read.recipients).map(([id, r]) => [id, { ...r, status: "sent" as const }]));
    expect(await Db.DeliveryBatches.write(read, { ...read, recipients: closed })).toMatchObject({ version: 1 });
    expect(await Db.DeliveryBatches.anyOpen(digestId)).toBe(false);
    await expectCountersMatchRecords(digestId);
  });
});

describe("writing a batch", () => {
  it("changes nothing, counters included, when the batch moved since it was read", async () => {
    const digestId = await newDigest();
    const planned = batch(digestId, ["queued", "queued"]);
    await Db.DeliveryBatches.plan([planned]);
    const read = (await Db.DeliveryBatches.read(digestId, planned.batchId))!;
    const sending = Object.fromEntries(Object.entries(read.recipients).map(([id, r]) => [id, { ...r, status: "sending" as const }]));
    expect(await Db.DeliveryBatches.write(read, { ...read, recipients: sending })).toBeDefined();
    // The same write again, on the batch as first read: refused, nothing moves.
    const failed = Object.fromEntries(Object.entries(read.recipients).map(([id, r]) => [id, { ...r, status: "failed" as const }]));
    expect(await Db.DeliveryBatches.write(read, { ...read, recipients: failed })).toBeUndefined();
    expect(await Db.Deliveries.countByStatus(digestId)).toMatchObject({ queued: 0, sending: 2, failed: 0 });
    await expectCountersMatchRecords(digestId);
  });
});

describe("pages of deliveries", () => {
  it("give every delivery once, in pages that end in the middle of a batch, of all or of one status", async () => {
    const digestId = await newDigest();
    const statuses: DeliveryStatus[] = ["sent", "sent", "failed", "queued", "sent", "bounced", "sent"];
    const records = Array.from({ length: 95 }, (_, i) => ({
      digestId,
      subscriberId: `sub_${String(i).padStart(3, "0")}${randomUUID().slice(0, 8)}`,
      createdAt: at,
      ...recipient(statuses[i % statuses.length]!),
    }));
    await planDeliveries(records);

    const walk = async (status?: DeliveryStatus) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = status
          ? await Db.Deliveries.page(digestId, status, { cursor, limit: 7 })
          : await Db.Deliveries.pageAll(digestId, { cursor, limit: 7 });
        expect(page.deliveries.length).toBeLessThanOrEqual(7);
        seen.push(...page.deliveries.map((delivery) => delivery.subscriberId));
        cursor = page.cursor ?? undefined;
        pages++;
      } while (cursor && pages < 100);
      return seen;
    };
    const all = await walk();
    expect(all).toHaveLength(95);
    expect(new Set(all).size).toBe(95);
    for (const status of ["sent", "failed", "queued", "bounced"] as const) {
      const seen = await walk(status);
      const expected = records.filter((record) => record.status === status).map((record) => record.subscriberId);
      expect(seen.sort(), status).toEqual(expected.sort());
    }
  });

  it("refuses a cursor it did not give", async () => {
    const digestId = await newDigest();
    await expect(Db.Deliveries.pageAll(digestId, { cursor: "3.bm90LWEta2V5~2" })).rejects.toMatchObject({ name: "VisibleError", kind: "invalid" });
  });
});
