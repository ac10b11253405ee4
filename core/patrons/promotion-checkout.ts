/**
 * The win-back's promotion code at a Checkout session (see `promotion.ts`): looked up at Stripe, applied as
 * `discounts`, and dropped rather than fail the checkout. Loaded on demand by a checkout.
 */
import * as Config from "../config";
import { log } from "../log";
import type { Stripe } from "../stripe";
import { isWinBackCode } from "./promotion";

/** The `discounts` of a Checkout session for the code a link carried, or none (not ours, not known or not active). */
export async function winBackDiscounts(stripe: Stripe, given: string | undefined): Promise<Stripe.Checkout.SessionCreateParams.Discount[] | undefined> {
  if (!given || !isWinBackCode(given)) {
    if (given) log.info({ event: "patron.promotion_ignored" }, "a checkout named a promotion code that is not the win-back's; ignored");
    return undefined;
  }
  const code = Config.get().WINBACK_PROMOTION_CODE!;
  try {
    const { data } = await stripe.promotionCodes.list({ code, active: true, limit: 1 });
    const found = data[0];
    if (found) return [{ promotion_code: found.id }];
    log.warn({ event: "patron.promotion_unknown" }, "WINBACK_PROMOTION_CODE is not an active promotion code at Stripe; checkout without it");
  } catch (error) {
    log.warn({ err: error, event: "patron.promotion_unavailable" }, "promotion code not looked up at Stripe; checkout without it");
  }
  return undefined;
}

/**
 * Creates the Checkout session; when Stripe refuses it with the discount (an invalid request: a restricted or
 * exhausted code), creates it again without (offering the code field where the tier allows codes). Anything else
 * Stripe answers is thrown as it is.
 */
export async function createCheckoutSession(
  stripe: Stripe,
  params: Stripe.Checkout.SessionCreateParams,
  allowPromotionCodes: boolean,
): Promise<Stripe.Checkout.Session> {
  try {
    return await stripe.checkout.sessions.create(params);
  } catch (error) {
    if (!params.discounts || (error as { type?: string }).type !== "StripeInvalidRequestError") throw error;
    log.warn({ err: error, event: "patron.promotion_refused" }, "Stripe refused the checkout with the win-back's promotion code; checkout without it");
    const { discounts, ...rest } = params;
    return stripe.checkout.sessions.create({ ...rest, ...(allowPromotionCodes && { allow_promotion_codes: true }) });
  }
}
