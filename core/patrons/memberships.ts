/**
 * What Stripe says now: a customer's subscriptions at configured tiers' prices (current or retired), fetched from
 * the API (never taken from an event's payload, which may be older than what we already know).
 */
import * as Config from "../config";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { cancellationOf } from "./cancelling";
import type { PaidMembership } from "./rules";
import type { Patron } from "./types";
import { SOURCE_KEY, isSource } from "../stats/attribution";

const { customerOf, priceOf, periodOf, metadataValue } = StripeApi.Objects;

/** A subscription as a membership, or undefined when its price is no configured tier's. */
export function membershipOf(subscription: Stripe.Subscription): PaidMembership | undefined {
  const priceId = priceOf(subscription);
  const tier = Config.tierOfPrice(Config.get().TIERS, priceId);
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
    // Where its Checkout came from (copied to the subscription's metadata); checked, as anything in metadata.
    source: sourceOf(subscription),
    collectionPaused: Boolean(subscription.pause_collection),
    pausedUntil: pausedUntil(subscription),
    cancellation: cancellationOf(subscription),
  };
}

/** When a paused collection resumes (`pause_collection.resumes_at`), ISO; none when collection is not paused. */
function pausedUntil(subscription: Stripe.Subscription): string | undefined {
  const resumesAt = subscription.pause_collection?.resumes_at;
  return resumesAt ? new Date(resumesAt * 1000).toISOString() : undefined;
}

function sourceOf(subscription: Stripe.Subscription): string | undefined {
  const source = metadataValue(subscription, SOURCE_KEY);
  return isSource(source) ? source : undefined;
}

export interface FoundMembership {
  subscription: Stripe.Subscription;
  membership: PaidMembership;
}

/**
 * Every subscription (any status) of the customers, as Stripe has them now, that is a membership; a past-due one
 * with when its debt began. A deleted customer has none.
 */
export async function membershipsOf(customerIds: readonly string[]): Promise<FoundMembership[]> {
  const found: FoundMembership[] = [];
  const stripe = await StripeApi.stripe();
  for (const customer of new Set(customerIds)) {
    try {
      for await (const subscription of stripe.subscriptions.list({ customer, status: "all", limit: 100 })) {
        const membership = membershipOf(subscription);
        if (membership) found.push({ subscription, membership });
      }
    } catch (error) {
      if (!StripeApi.isMissing(error)) throw error; // a customer deleted (and purged) at Stripe: no subscriptions left
    }
  }
  for (const { membership } of found) {
    if (membership.status === "past_due") membership.unpaidSince = await unpaidSince(stripe, membership.subscriptionId);
  }
  return found;
}

/**
 * When a past-due subscription's debt began: the creation of its oldest invoice still open (a renewal that fails
 * while an older invoice is unpaid adds to the same debt). `created` is in every API version's invoice.
 */
async function unpaidSince(stripe: Stripe, subscription: string): Promise<string | undefined> {
  let oldest: number | undefined;
  for await (const invoice of stripe.invoices.list({ subscription, status: "open", limit: 100 })) {
    if (oldest === undefined || invoice.created < oldest) oldest = invoice.created;
  }
  return oldest === undefined ? undefined : new Date(oldest * 1000).toISOString();
}

/**
 * The subscription a patron held, when Stripe no longer shows it as a membership (deleted with its customer, or
 * switched to a price in no tier): as an ended one, so the membership it made ends by the usual rules instead of
 * staying as it was. Undefined when it is still among `found`, or the patron held none.
 */
export function endedMembership(patron: Patron | undefined, found: readonly PaidMembership[]): PaidMembership | undefined {
  if (!patron?.stripeSubscriptionId || !patron.stripeCustomerId) return undefined;
  if (found.some((membership) => membership.subscriptionId === patron.stripeSubscriptionId)) return undefined;
  return {
    subscriptionId: patron.stripeSubscriptionId,
    customerId: patron.stripeCustomerId,
    priceId: patron.stripePriceId ?? "",
    tierId: patron.tierId,
    status: "canceled",
    periodStart: patron.currentPeriodStart,
    periodEnd: patron.currentPeriodEnd,
    cancelAtPeriodEnd: false,
    created: 0,
  };
}
