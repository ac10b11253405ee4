/**
 * One-off, after deploying the release that refs each gift by the addresses it names (`GIFT_ADDRESS#<email>`,
 * core/db/gift-addresses.ts): gives every gift recorded before it those refs, so erasing a reader finds the gifts
 * bought for their address (and voids those not redeemed) and those they bought without signing in. Until it has
 * run, erasure finds older gifts only through subscribers' refs, as before. Reads the gifts status by status through
 * the index the editors' list uses (never a scan); safe to run again and beside the app at work (each ref is a put
 * of the same item). Run with the stage's environment (TABLE_NAME and the rest, as `tidings` commands are):
 *
 *   node --import tsx scripts/migrate-gift-addresses.ts
 */
import * as Db from "../core/db";
import { giftStatuses } from "../core/gifts/types";

export async function migrateGiftAddresses(print: (line: string) => void = console.log): Promise<number> {
  let total = 0;
  for (const status of giftStatuses) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await Db.Gifts.page(status, { cursor, limit: 100 });
      for (const gift of page.gifts) await Db.GiftAddresses.putRefs(gift);
      total += page.gifts.length;
      cursor = page.cursor;
    } while (cursor);
  }
  print(`${total} gifts given their address refs`);
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrateGiftAddresses().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
