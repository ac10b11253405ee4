import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** A membership level, from the `TIERS` setting (JSON array). Amounts are in the currency's minor unit. */
export const tierSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  priceId: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3).toLowerCase(),
  interval: z.enum(["month", "year"]),
  voteWeight: z.number().int().positive(),
});

export type Tier = z.output<typeof tierSchema>;
