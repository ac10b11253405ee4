/**
 * Gifts: a buyer pays (Stripe Checkout, payment mode) for N months of a tier for someone else, with a message and
 * a delivery date. On that date the recipient gets a signed redeem link (the hourly schedule); redeeming makes them
 * a `comped` patron until the gift ends, as an editor's comp does; a week before the end they are invited to
 * continue as a paying patron. Recorded once per session; refunded or disputed before redemption, it is void.
 *
 * ```ts
 * const { url } = await Gifts.checkout({ tierId: "coffee", months: 3, recipientEmail }, { ip });
 * await Gifts.recordSession(session);            // checkout.session.completed / async_payment_succeeded
 * await Gifts.voidCharge(sessionId, chargeId);   // charge.refunded, charge.dispute.*
 * await Gifts.runSchedule();                     // functions/cron/deliver-gifts.ts
 * await Gifts.redeem(token, { subscribe, context });
 * ```
 */
import * as Config from "../config";
import * as Db from "../db";
import { decodeCursor, encodeCursor } from "../db/cursor";
import * as Money from "../money";
import { priceOf } from "./checkout";
import { ERASED_ADDRESS, MAX_DELIVERY_DAYS, MAX_MESSAGE, MAX_MONTHS, type GiftStatus } from "./types";

export { checkout, priceOf, type GiftCheckoutInput } from "./checkout";
export { isGiftSession, recordSession, giftOfPaymentIntent, voidCharge, type RecordOutcome } from "./record";
export { runSchedule, redeemUrl, DELIVERY_CLAIMS, INVITATION_CLAIMS, type GiftRunReport } from "./deliver";
export { addMonths, fromToken, redeem, voidError, type GiftView, type RedeemOutcome } from "./redeem";
export { eraseFromGifts } from "./erase";
export { recipientLanguage } from "./language";
export { giftStatuses, ERASED_ADDRESS, ERASED_REASON, MAX_MONTHS, MAX_MESSAGE, MAX_DELIVERY_DAYS, type Gift, type GiftStatus } from "./types";

/**
 * A buyer's gifts, newest first, as their account page shows them: the tier's name, the recipient masked (none for
 * a recipient erased: the page says so in its words).
 */
export async function givenBy(subscriberId: string, language?: string) {
  const { TIERS } = Config.get();
  return (await Db.Gifts.byBuyer(subscriberId)).map((gift) => ({
    gift,
    tierName: Config.nameOfTier(TIERS, gift.tierId, language),
    recipient: gift.recipientEmail === ERASED_ADDRESS ? undefined : maskEmail(gift.recipientEmail),
  }));
}

/** "a…@example.org": enough for a buyer to recognise whom a gift was for, not the whole address. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}…@${domain}`;
}

/**
 * Editors' list: gifts in one status, a page at a time, by delivery date; `cursor` is the opaque one the previous
 * page answered. What the buyer wrote (message, names) and internal ids stay out of the list.
 */
export async function list(status: GiftStatus, cursor: string | undefined, limit = 50) {
  const page = await Db.Gifts.page(status, { cursor: decodeCursor(cursor), limit });
  const gifts = page.gifts.map(({ message, recipientName, buyerSubscriberId, paymentIntentId, redeemedBy, version, updatedAt, voidedAt, ...rest }) => rest);
  return { gifts, cursor: encodeCursor(page.cursor) };
}

/**
 * What the support page's gift form offers: each tier with a price, one month's price in words (in the page's
 * `language`), and the bounds.
 */
export function offer(now = new Date(), language?: string) {
  const tiers = Config.get().TIERS.flatMap((tier) => {
    const price = priceOf(tier.id, 1);
    return price ? [{ id: tier.id, name: Config.tierName(tier, language), monthly: Money.format(price.amount, price.currency, { language }) }] : [];
  });
  const today = now.toISOString().slice(0, 10);
  const last = new Date(Date.parse(`${today}T00:00:00Z`) + MAX_DELIVERY_DAYS * 86_400_000).toISOString().slice(0, 10);
  return { tiers, today, last, maxMonths: MAX_MONTHS, maxMessage: MAX_MESSAGE };
}
