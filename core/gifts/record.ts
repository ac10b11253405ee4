/**
 * Recording a gift from its Checkout session (`checkout.session.completed` or `async_payment_succeeded` in payment
 * mode, `kind: gift`), once: keyed by the session, so duplicated or concurrent events record it once, and only when
 * paid. A refund or dispute of its charge before it is redeemed makes it `void` (`voidCharge`), whichever event
 * comes first: each delivery of a gift's session looks at its charge too.
 */
import * as Config from "../config";
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { META } from "./checkout";
import { KIND, KIND_KEY, type Gift } from "./types";
import { isSource } from "../stats/attribution";

const { idOf, metadataValue } = StripeApi.Objects;

export type RecordOutcome = "recorded" | "already_recorded" | "unpaid" | "not_gift";

/** Whether a Checkout session is a gift's (payment mode, marked so by `checkout`). */
export function isGiftSession(session: Stripe.Checkout.Session): boolean {
  return session.mode === "payment" && metadataValue(session, KIND_KEY) === KIND;
}

export async function recordSession(session: Stripe.Checkout.Session, now = new Date()): Promise<RecordOutcome> {
  if (!isGiftSession(session)) return "not_gift";
  if (session.payment_status !== "paid") return "unpaid";
  const at = now.toISOString();
  const meta = (key: string) => metadataValue(session, key);
  const buyerEmail = (session.customer_details?.email ?? session.customer_email ?? undefined)?.toLowerCase();
  const named = meta(META.buyer);
  const buyerSubscriberId =
    (named && (await Db.Subscribers.get(named))?.id) || (buyerEmail ? (await Db.Subscribers.getByEmail(buyerEmail))?.id : undefined);
  const paymentIntentId = idOf(session.payment_intent);
  const recipientName = meta(META.recipientName);
  const message = meta(META.message);
  const language = meta(META.language);
  const source = meta(META.source);
  const gift: Gift = {
    id: session.id,
    tierId: meta(META.tier) ?? "",
    months: Number(meta(META.months)),
    recipientEmail: meta(META.recipientEmail) ?? "",
    ...(recipientName && { recipientName }),
    ...(message && { message }),
    deliverOn: meta(META.deliverOn) ?? at.slice(0, 10),
    ...(buyerEmail && { buyerEmail }),
    ...(buyerSubscriberId && { buyerSubscriberId }),
    ...(paymentIntentId && { paymentIntentId }),
    ...(language && Config.get().LANGUAGES.includes(language) && { language }),
    ...(isSource(source) && { source }),
    amount: session.amount_total ?? 0,
    currency: (session.currency ?? "").toLowerCase(),
    status: "paid",
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const recorded = await Db.Gifts.record(gift);
  if (recorded) log.info({ event: "gift.recorded", sessionId: gift.id, tierId: gift.tierId, months: gift.months, deliverOn: gift.deliverOn }, "gift recorded");
  // A refund or dispute whose event came before this one found no gift then. On every delivery, not only the
  // recording one: a look at the charge that failed after the recording is made by the redelivery.
  if (paymentIntentId) await voidPaymentIntent(paymentIntentId, now);
  return recorded ? "recorded" : "already_recorded";
}

/** The gift a payment intent paid, if it is one (its session id). */
export const giftOfPaymentIntent = (paymentIntentId: string) => Db.Gifts.sessionOfPaymentIntent(paymentIntentId);

/**
 * Voids the gift `sessionId` if Stripe says its charge `chargeId` was refunded (any part) or disputed, and it is not
 * redeemed yet; a redeemed gift stays redeemed (the comp runs to its end, as an editor's does). Safe to repeat.
 */
export async function voidCharge(sessionId: string, chargeId: string, now = new Date()): Promise<Gift | undefined> {
  const stripe = await StripeApi.Charges.chargeAtStripe(chargeId);
  if (!stripe) return undefined;
  const reason = stripe.disputes.length > 0 ? "disputed" : stripe.charge.amount_refunded > 0 ? "refunded" : undefined;
  if (!reason) return Db.Gifts.get(sessionId);
  for (;;) {
    const before = await Db.Gifts.get(sessionId);
    if (!before || before.status === "void" || before.status === "redeemed") {
      if (before?.status === "redeemed") log.warn({ event: "gift.refunded_after_redeem", sessionId, reason }, "gift refunded or disputed after it was redeemed");
      return before;
    }
    const at = now.toISOString();
    const next: Gift = { ...before, status: "void", voidReason: reason, voidedAt: at, updatedAt: at, version: before.version + 1 };
    if (await Db.Gifts.transition(next, before)) {
      log.info({ event: "gift.voided", sessionId, chargeId, reason }, "gift void");
      return next;
    }
  }
}

async function voidPaymentIntent(paymentIntentId: string, now: Date): Promise<void> {
  const chargeId = await StripeApi.Charges.latestChargeOf(paymentIntentId);
  const sessionId = await giftOfPaymentIntent(paymentIntentId);
  if (chargeId && sessionId) await voidCharge(sessionId, chargeId, now);
}
