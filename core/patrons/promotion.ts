/**
 * The win-back's promotion code at Checkout. The win-back email links to `/join?…&promo=<code>`; a checkout that
 * carries the code configured as `WINBACK_PROMOTION_CODE` (any other is ignored: a link cannot name a discount the
 * newsroom did not offer) gets that promotion code applied (`discounts`), found at Stripe by its customer-facing code
 * (`promotionCodes.list({ code, active: true })`; Stripe matches codes whatever their case). Stripe refuses
 * `discounts` together with `allow_promotion_codes`, so a session with the discount does not also offer the code
 * field. A discount never costs the reader their checkout: a code Stripe does not know or has deactivated, Stripe
 * failing to answer, or Stripe refusing the session with the discount (a code restricted to first-time customers,
 * one past its redemptions) each give the checkout without it, logged (`promotion-checkout.ts`, loaded by a
 * checkout only: the API's cold start carries just the check of a code).
 */
import * as Config from "../config";

/** Whether `given` is the win-back's promotion code (`WINBACK_PROMOTION_CODE`, whatever the case). */
export function isWinBackCode(given: string | undefined): boolean {
  const configured = Config.get().WINBACK_PROMOTION_CODE;
  return Boolean(given && configured && given.toUpperCase() === configured.toUpperCase());
}
