import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** A Stripe price of a tier. Amounts are in the currency's minor unit. */
export const priceSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3).toLowerCase(),
  interval: z.enum(["month", "year"]),
  /**
   * No longer offered: Stripe prices can't be edited, so a price rise is a new price, and the subscriptions still on
   * the old one keep following Stripe (their renewals, failures and cancellations) as memberships of the tier.
   */
  retired: z.boolean().default(false),
});

export type Price = z.output<typeof priceSchema>;

const tierFields = {
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  /** Its name in languages other than the default, by language code (`{"uk": "Кава"}`); absent: `name`. */
  names: z.record(z.string(), z.string().min(1)).optional(),
  voteWeight: z.number().int().positive(),
  /**
   * Days free before the first charge, for someone joining through Checkout who never paid through Stripe before
   * (Stripe allows 1 to 730).
   */
  trialDays: z.number().int().min(1).max(730).optional(),
  /** Whether Checkout offers a field for a promotion code (made in Stripe's dashboard). Off unless set. */
  promotionCodes: z.boolean().default(false),
};

/**
 * A membership level, from the `TIERS` setting (JSON array), in either of two shapes: one price, as
 * `{priceId, amount, currency, interval}`; or its prices over time, `prices: [{id, amount, currency, interval,
 * retired?}]` (monthly and yearly may both be current; old prices stay, `retired`). Either way it reads as its
 * `prices`, and as its first current price (`priceId`, `amount`, `currency`, `interval`), the one offered first.
 * A tier has at most one current price per interval and currency, so a reader's choice of those names one price.
 * Optional either way: `trialDays`, `promotionCodes`.
 */
export const tierSchema = z
  .union([
    z.object({ ...tierFields, prices: z.array(priceSchema).min(1) }),
    z.object({ ...tierFields, priceId: z.string().min(1), amount: priceSchema.shape.amount, currency: priceSchema.shape.currency, interval: priceSchema.shape.interval }),
  ])
  .transform((tier, ctx) => {
    const prices: Price[] = "prices" in tier ? tier.prices : [{ id: tier.priceId, amount: tier.amount, currency: tier.currency, interval: tier.interval, retired: false }];
    const offered = prices.find((price) => !price.retired);
    if (!offered) {
      ctx.addIssue({ code: "custom", message: `tier ${tier.id}: every price is retired; keep at least one current price` });
      return z.NEVER;
    }
    const current = prices.filter((price) => !price.retired);
    const twin = current.find((price, i) => current.findIndex((p) => p.interval === price.interval && p.currency === price.currency) !== i);
    if (twin) {
      ctx.addIssue({ code: "custom", message: `tier ${tier.id}: two current prices a ${twin.interval} in ${twin.currency}; retire one` });
      return z.NEVER;
    }
    const { id, name, names, voteWeight, trialDays, promotionCodes } = tier;
    return {
      id,
      name,
      ...(names !== undefined && { names }),
      voteWeight,
      ...(trialDays !== undefined && { trialDays }),
      promotionCodes,
      prices,
      priceId: offered.id,
      amount: offered.amount,
      currency: offered.currency,
      interval: offered.interval,
    };
  });

export type Tier = z.output<typeof tierSchema>;

/** The tiers, refusing a price id listed twice (a subscription must mean one tier). */
export const tiersSchema = z.array(tierSchema).superRefine((tiers, ctx) => {
  const seen = new Map<string, string>();
  for (const tier of tiers) {
    // Zod runs this even when a tier failed its own checks (then it is the raw input, maybe without `prices`).
    for (const price of (tier.prices as Price[] | undefined) ?? []) {
      const other = seen.get(price.id);
      if (other !== undefined) ctx.addIssue({ code: "custom", message: `price ${price.id} is listed twice (tiers ${other} and ${tier.id})` });
      seen.set(price.id, tier.id);
    }
  }
});

/** A tier's name in `language`: its own there (`names`), else as written (`name`). */
export function tierName(tier: Pick<Tier, "name" | "names">, language?: string): string {
  return (language && tier.names?.[language]) || tier.name;
}

/** The name of the tier with this id in `language` (its id, for a tier no longer configured). */
export function nameOfTier(tiers: readonly Tier[], tierId: string, language?: string): string {
  const tier = tiers.find((t) => t.id === tierId);
  return tier ? tierName(tier, language) : tierId;
}

/** The tier a Stripe price belongs to, current or retired (`undefined`: a price of something else). */
export function tierOfPrice(tiers: readonly Tier[], priceId: string | undefined): Tier | undefined {
  return priceId ? tiers.find((tier) => tier.prices.some((price) => price.id === priceId)) : undefined;
}

/** A tier's price by id, or its first current one when the id is not one of its prices. */
export function priceOfTier(tier: Tier, priceId: string | undefined): Price {
  return tier.prices.find((price) => price.id === priceId) ?? tier.prices.find((price) => !price.retired)!;
}

/** The prices a tier offers now, in the order configured (the first is the one offered first). */
export function currentPrices(tier: Tier): Price[] {
  return tier.prices.filter((price) => !price.retired);
}
