/**
 * One-off, after deploying the release that spread a digest's deliveries over partitions and counts them: moves
 * every delivery still under its digest's single partition (`DIGEST#<id>`) to its partition, counting it, for
 * every digest (core/db/README.md, "Migrating deliveries"). Safe to run again and beside a send; prints what it
 * moved. Run with the stage's environment (TABLE_NAME and the rest, as `tidings` commands are):
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
      if (moved) print(`${digest.id} (${digest.status}): ${moved} deliveries moved and counted`);
      total += moved;
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  print(`${total} deliveries moved`);
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrateDeliveries().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
