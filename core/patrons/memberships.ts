/**
 * What Stripe says now: a customer's subscriptions at configured tiers' prices, fetched from the API (never taken
 * from an event's payload, which may be older than what we already know).
 */
import * as Config from "../config";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { tierOfPrice, type PaidMembership } from "./rules";

const { customerOf, priceOf, periodOf } = StripeApi.Objects;

/** A subscription as a membership, or undefined when its price is not a configured tier's. */
export function membershipOf(subscription: Stripe.Subscription): PaidMembership | undefined {
  const priceId = priceOf(subscription);
  const tier = tierOfPrice(Config.get().TIERS, priceId);
  const customerId = customerOf(subscription);
  if (!tier || !priceId || !customerId) return undefined;
  const period = periodOf(subscription);
  return {
    subscriptionId: subscription.id,
    customerId,
    priceId,
    tierId: tier.id,
    status: subscription.status,
    periodStart: period.start,
    periodEnd: period.end,
    cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
    created: subscription.created,
  };
}

/** Every subscription (any status) of the customers, as Stripe has them now, that is a membership. */
export async function membershipsOf(customerIds: readonly string[]): Promise<Array<{ subscription: Stripe.Subscription; membership: PaidMembership }>> {
  const found: Array<{ subscription: Stripe.Subscription; membership: PaidMembership }> = [];
  const stripe = await StripeApi.stripe();
  for (const customer of new Set(customerIds)) {
    for await (const subscription of stripe.subscriptions.list({ customer, status: "all", limit: 100 })) {
      const membership = membershipOf(subscription);
      if (membership) found.push({ subscription, membership });
    }
  }
  return found;
}
