/**
 * Erasure's part in gifts (core/privacy/erase.ts). A gift names two people by address; erasing one of them:
 * - **bought by them** (their subscriber's refs, or their address at checkout, signed in or not): their address,
 *   subscriber and the message go; the gift stays what it was for its recipient, delivered and redeemable;
 * - **redeemed by them**: their address, name, subscriber and the message go; the comp it made runs on;
 * - **for them and not redeemed** (bought by anyone, found by their address): their address, name and the message
 *   to them go, and the gift becomes `void` (`recipient_erased`), so the schedule never sends its redeem link (to
 *   an address we no longer hold) and a link sent before can't redeem it. Its buyer sees it void on `/account`.
 * Then the refs under their address go. Each step is safe to repeat.
 */
import * as Db from "../db";
import { log } from "../log";
import { ERASED_ADDRESS, ERASED_REASON, type Gift } from "./types";

/** Takes the reader `subscriberId` (with address `email`, if known) out of every gift that names them. */
export async function eraseFromGifts(subscriberId: string, email: string | undefined, at: string): Promise<{ bought: number; received: number; voided: number }> {
  const byAddress = email ? await Db.GiftAddresses.byAddress(email) : { bought: [], toThem: [] };
  const bought = new Set([...(await Db.Gifts.byBuyer(subscriberId)).map((gift) => gift.id), ...byAddress.bought]);
  for (const id of bought) await Db.Gifts.anonymize(id, "buyer", at);
  const received = new Set((await Db.Gifts.received(subscriberId)).map((gift) => gift.id));
  for (const id of received) await Db.Gifts.anonymize(id, "recipient", at);
  let voided = 0;
  for (const id of byAddress.toThem) {
    if (!received.has(id) && (await forgetRecipient(id, subscriberId, at))) voided++;
  }
  if (email) await Db.GiftAddresses.forget(email);
  if (bought.size + received.size + voided > 0) {
    log.info({ event: "gifts.erased", subscriberId, bought: bought.size, received: received.size, voided }, "gifts no longer name an erased reader");
  }
  return { bought: bought.size, received: received.size, voided };
}

/**
 * A gift bought for the erased address: not redeemed, it loses the recipient's side and becomes void (true); redeemed
 * by them (a ref not written yet), it is anonymised as those they redeemed are. A gift redeemed by someone else (who
 * held the address before) is theirs, left alone. Conditional on the version read, read again if it moved.
 */
async function forgetRecipient(sessionId: string, subscriberId: string, at: string): Promise<boolean> {
  let voided = false;
  await Db.retryWrite(`erasing the recipient of gift ${sessionId}`, async () => {
    const gift = await Db.Gifts.get(sessionId);
    if (!gift || gift.recipientEmail === ERASED_ADDRESS) return;
    if (gift.status === "redeemed") {
      if (gift.redeemedBy === subscriberId) await Db.Gifts.anonymize(sessionId, "recipient", at);
      return;
    }
    const { recipientName, message, ...rest } = gift;
    const next: Gift = {
      ...rest,
      recipientEmail: ERASED_ADDRESS,
      status: "void",
      voidReason: gift.status === "void" ? gift.voidReason : ERASED_REASON,
      voidedAt: gift.voidedAt ?? at,
      updatedAt: at,
      version: gift.version + 1,
    };
    if (!(await Db.Gifts.transition(next, gift))) throw new Db.WriteConflictError(`gift ${sessionId}`);
    voided = gift.status !== "void";
  });
  return voided;
}
