/** A patron's membership state (see product.md → Memberships). */
export const patronStatuses = ["active", "grace", "lapsed", "comped"] as const;
export type PatronStatus = (typeof patronStatuses)[number];

/**
 * A subscriber who holds a membership, paid through Stripe or granted by an editor. Kept on the subscriber's
 * partition (`SUB#<id>` / `PATRON`), found by Stripe customer through a GSI.
 */
export interface Patron {
  subscriberId: string;
  status: PatronStatus;
  /** A configured tier id (`TIERS`). */
  tierId: string;
  stripeCustomerId?: string;
  stripeSubscriptionId?: string;
  stripePriceId?: string;
  /** Stripe's own subscription status, as last seen (`active`, `past_due`, `canceled`, ...). */
  subscriptionStatus?: string;
  /** When the paid period ends (renewal date), ISO. */
  currentPeriodEnd?: string;
  cancelAtPeriodEnd?: boolean;
  /** `grace`: benefits are kept until then (GRACE_DAYS after the failed renewal). */
  graceUntil?: string;
  /** `comped`: granted by an editor until then. */
  compedUntil?: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-concurrency counter. */
  version: number;
}

/** Eligible patrons vote and read the patron variant: `active` and `comped` (and `grace` for reading). */
export const isEligible = (patron: Pick<Patron, "status"> | undefined) =>
  patron?.status === "active" || patron?.status === "comped";
