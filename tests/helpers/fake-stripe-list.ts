/** The fake Stripe's subscriptions: the local Stripe stand-in's store (see there). */
export { SubscriptionStore } from "../../scripts/stripe-standin/subscriptions";
