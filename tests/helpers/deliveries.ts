/** Reading what a send left in the table. */
import * as Db from "../../core/db";
import type { Delivery } from "../../core/delivery";

/** Every delivery record of a digest, by subscriber id. */
export async function deliveriesOf(digestId: string): Promise<Map<string, Delivery>> {
  const all = new Map<string, Delivery>();
  let cursor: string | undefined;
  do {
    const page = await Db.Deliveries.pageAll(digestId, { cursor, limit: 500 });
    for (const delivery of page.deliveries) all.set(delivery.subscriberId, delivery);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return all;
}
