import * as Digests from "../digests";
import type { Frequency } from "../subscribers/types";
import { log } from "../log";
import { start } from "./start";

/**
 * The scheduled digest of a frequency: creates the current period's digest (the same one however often this
 * runs) and sends it. A digest with no new article stays a draft: nobody is sent anything.
 */
export async function sendScheduled(frequency: Frequency, now = new Date()) {
  const { digest } = await Digests.create({ frequency }, now);
  if (digest.articleIds.length === 0) {
    log.info({ event: "digest.nothing_new", digestId: digest.id }, "no new articles: nothing to send");
    return digest;
  }
  return start(digest.id, now);
}
