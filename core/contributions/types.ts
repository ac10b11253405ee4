/** A contribution: one-time support paid through Stripe Checkout in payment mode, recorded once per session. */
export interface Contribution {
  /** The Checkout session's id (`cs_…`): what makes it one contribution, however many events name it. */
  id: string;
  /** What was paid, fee included when the contributor covered it, in the currency's minor unit. */
  amount: number;
  currency: string;
  /** The part of `amount` that covered Stripe's fee (0 when not covered). */
  feeCovered: number;
  topicId?: string;
  /** The contributor's address as Checkout collected it; gone with erasure. */
  email?: string;
  /** The contributor's subscriber, if the checkout named one or the address is a subscriber's; gone with erasure. */
  subscriberId?: string;
  paymentIntentId?: string;
  /** The language of the page it was given from (its Checkout metadata): the contributor's emails speak it. */
  language?: string;
  /** `YYYY-MM` (UTC) of `createdAt`: the month whose totals it counts in. */
  month: string;
  /** What Stripe says now: refunded so far, and the latest dispute. */
  amountRefunded: number;
  dispute?: { id: string; status: string; amount: number };
  /** Where it was given from (attribution, its Checkout metadata `source`): counted by source on its day. */
  source?: string;
  /** Erased: an anonymous amount, no longer anybody's. */
  anonymous?: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One month's contributions in one currency: amounts paid, how many, how much was refunded since. */
export interface MonthTotals {
  amount: number;
  count: number;
  refunded: number;
}

/** The metadata key marking a Checkout session (and its payment intent) as a contribution's. */
export const KIND_KEY = "kind";
export const KIND = "contribution";
