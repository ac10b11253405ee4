/**
 * Contributions' settings (one-time support through Stripe Checkout in payment mode): the preset amounts, the
 * bounds of an amount of the reader's choosing, the currency, and Stripe's card fee for "cover the fee".
 */
import * as z from "zod";

/** `500,1000,2500`: amounts in the currency's minor unit (as TIERS amounts), offered in this order. */
export const contributionAmounts = z
  .string()
  .default("500,1000,2500")
  .transform((text) => text.split(",").map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[1-9]\d{0,8}$/, "each a whole number of minor units, e.g. 500,1000,2500").transform(Number)).min(1, "at least one amount"));

/** Stripe's fee on one card payment: a percentage and a fixed part in minor units. */
export interface Fee {
  percent: number;
  fixed: number;
}

/** `1.5%+25` (1.5 % plus 25 minor units), `2.9%`, `30`; `0` or empty for no fee line. */
export const contributionFee = z
  .string()
  .default("1.5%+25")
  .transform((text, ctx): Fee => {
    const match = /^\s*(?:(\d{1,2}(?:\.\d{1,3})?)\s*%)?\s*\+?\s*(\d{1,6})?\s*$/.exec(text);
    if (!match || (match[1] === undefined && match[2] === undefined && text.trim() !== "")) {
      ctx.addIssue({ code: "custom", message: 'expected "<percent>%+<fixed minor units>", e.g. "1.5%+25"' });
      return z.NEVER;
    }
    return { percent: Number(match[1] ?? 0), fixed: Number(match[2] ?? 0) };
  });

/** A currency code as Stripe writes it (lower case). */
export const contributionCurrency = z
  .string()
  .default("eur")
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z]{3}$/, "an ISO 4217 code, e.g. eur"));

/**
 * What covering the fee adds to `amount` so that the newsroom nets the amount after Stripe's fee on the whole
 * payment: the gross G solves G − (G·percent/100 + fixed) = amount, so G = (amount + fixed) / (1 − percent/100),
 * rounded **up** to the next minor unit (rounding down could leave the newsroom a unit short). 0 without a fee.
 */
export function feeToCover(amount: number, fee: Fee): number {
  if (fee.percent === 0 && fee.fixed === 0) return 0;
  // In hundred-thousandths of a percent, so 1.5 % is exact and the ceiling isn't fooled by binary fractions.
  const scale = 100_000;
  const keep = 100 * scale - Math.round(fee.percent * scale);
  const gross = Math.ceil(((amount + fee.fixed) * 100 * scale) / keep);
  return gross - amount;
}
