/** Reading what a send left in the table. */
import { expect } from "vitest";
import * as Db from "../../core/db";
import type { Delivery } from "../../core/delivery";
import { deliveryStatuses, type DeliveryStatus } from "../../core/digests/types";

/** Every delivery record of a digest, by subscriber id (strongly consistent). */
export async function deliveriesOf(digestId: string): Promise<Map<string, Delivery>> {
  const all = new Map<string, Delivery>();
  let cursor: string | undefined;
  do {
    const page = await Db.Deliveries.pageAll(digestId, { cursor, limit: 500, consistent: true });
    for (const delivery of page.deliveries) all.set(delivery.subscriberId, delivery);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return all;
}

/** A digest's deliveries counted by status from the records themselves, as the counters should have them. */
export async function recount(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const counts = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const delivery of (await deliveriesOf(digestId)).values()) counts[delivery.status]++;
  return counts;
}

/** The digest's counters equal a recount of its delivery records (the check closing every chaos suite). */
export async function expectCountersMatchRecords(digestId: string): Promise<Record<DeliveryStatus, number>> {
  const [counters, records] = await Promise.all([Db.Deliveries.countByStatus(digestId), recount(digestId)]);
  expect(counters, `counters of ${digestId} against its records`).toEqual(records);
  return records;
}
