/**
 * Promotion codes as the stand-in knows them (a test, or npm start, puts them in `state.promotionCodes`): listed as
 * Stripe lists them (`GET /v1/promotion_codes`, `code` matched whatever its case, `active`), and a Checkout session's
 * `discounts` checked as Stripe checks them: not together with `allow_promotion_codes`, at most one, and a promotion
 * code that exists and is active.
 */
import type Stripe from "stripe";
import { apiError, missing, page } from "./http";
import { newId } from "./objects";

export function promotionCode(fields: { id?: string; code: string; active?: boolean; couponId?: string }): Stripe.PromotionCode {
  return {
    id: fields.id ?? newId("promo"),
    object: "promotion_code",
    active: fields.active ?? true,
    code: fields.code,
    created: Math.floor(Date.now() / 1000),
    customer: null,
    customer_account: null,
    expires_at: null,
    livemode: false,
    max_redemptions: null,
    metadata: {},
    promotion: { type: "coupon", coupon: fields.couponId ?? "coupon_winback" },
    restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
    times_redeemed: 0,
  };
}

/** `GET /v1/promotion_codes`: newest first, filtered by `code` (any case) and `active` ("true"/"false"). */
export function listPromotionCodes(codes: ReadonlyMap<string, Stripe.PromotionCode>, query: Record<string, unknown>) {
  const code = typeof query.code === "string" ? query.code.toLowerCase() : undefined;
  const active = query.active === undefined ? undefined : query.active === "true";
  const all = [...codes.values()]
    .filter((p) => (code === undefined || p.code.toLowerCase() === code) && (active === undefined || p.active === active))
    .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
  return page(all, query, "/v1/promotion_codes");
}

/**
 * A Checkout session's `discounts` as Stripe takes them: an API error to answer (400), or the session's `discounts`
 * field (none asked: an empty list).
 */
export function checkoutDiscounts(
  codes: ReadonlyMap<string, Stripe.PromotionCode>,
  body: Record<string, any>,
): { error: ReturnType<typeof apiError> } | { discounts: Array<{ coupon: string | null; promotion_code: string | null }> } {
  const asked = (body.discounts ?? []) as Array<{ promotion_code?: string; coupon?: string }>;
  if (asked.length === 0) return { discounts: [] };
  if (body.allow_promotion_codes !== undefined) {
    return { error: apiError("invalid_request_error", "You may only specify one of these parameters: allow_promotion_codes, discounts.") };
  }
  if (asked.length > 1) return { error: apiError("invalid_request_error", "You may only specify one discount.", { param: "discounts" }) };
  const id = asked[0]!.promotion_code;
  if (!id) return { discounts: [{ coupon: asked[0]!.coupon ?? null, promotion_code: null }] };
  const found = codes.get(id);
  if (!found) return { error: missing("promotion_code", id) };
  if (!found.active) return { error: apiError("invalid_request_error", `This promotion code is inactive: ${found.code}`, { param: "discounts" }) };
  return { discounts: [{ coupon: null, promotion_code: found.id }] };
}
