/**
 * One-off, after deploying the release that keeps a digest's deliveries ten to a batch: moves every per-recipient
 * delivery record of the two layouts before it (under the digest's 64 partitions, already counted; and all under
 * `DIGEST#<id>`, never counted) into batches with their refs and open markers, deleting the old records and
 * leaving the counters equal to the records, for every digest (core/db/README.md, "Migrating deliveries"). Safe to
 * run again and beside a send; prints what it moved. Run with the stage's environment (TABLE_NAME and the rest, as
 * `tidings` commands are):
 *
 *   node --import tsx scripts/migrate-deliveries.ts
 */
import * as Db from "../core/db";
import { moveLegacyDeliveries } from "../core/db/delivery-migration";

export async function migrateDeliveries(print: (line: string) => void = console.log): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await Db.Digests.page({ cursor, limit: 100 });
    for (const digest of page.digests) {
      const moved = await moveLegacyDeliveries(digest.id);
      if (moved) print(`${digest.id} (${digest.status}): ${moved} old delivery records moved into batches`);
      if (moved) await warnIfStranded(digest.id, print);
      total += moved;
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  print(`${total} old delivery records moved`);
  return total;
}

/**
 * A digest that finished (`sent`, or a cancel done) while its recipients were still `queued` or `sending` in old
 * records, which the open markers did not show: nothing sends or settles the open batches they moved into.
 */
async function warnIfStranded(digestId: string, print: (line: string) => void): Promise<void> {
  const digest = await Db.Digests.get(digestId);
  if (!digest || (digest.status !== "sent" && digest.status !== "cancelled")) return;
  if (!(await Db.DeliveryBatches.anyOpen(digestId))) return;
  print(`WARNING ${digestId} is ${digest.status} but has recipients still queued or sending, which nothing will send or settle`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrateDeliveries().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
