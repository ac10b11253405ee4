/**
 * Which language a gift speaks to its recipient: their own, if they are a subscriber who chose one (they told us
 * how they read us); else the buyer's (`Gift.language`, the page the gift was bought from), who most likely writes
 * to them in it; else the default language. Its redeem email, its redeem page and its invitation to continue agree.
 */
import * as Db from "../db";
import { ERASED_ADDRESS, type Gift } from "./types";

export async function recipientLanguage(gift: Pick<Gift, "recipientEmail" | "redeemedBy" | "language">): Promise<string | undefined> {
  const recipient = gift.redeemedBy
    ? await Db.Subscribers.get(gift.redeemedBy)
    : gift.recipientEmail === ERASED_ADDRESS
      ? undefined
      : await Db.Subscribers.getByEmail(gift.recipientEmail);
  return recipient?.language ?? gift.language;
}
