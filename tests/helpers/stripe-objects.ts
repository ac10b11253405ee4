/** Stripe objects, events and signed webhook requests for tests: the local Stripe stand-in's (see there). */
export * from "../../scripts/stripe-standin/objects";
export { card, paymentMethod, upcomingInvoice, type CardFields } from "../../scripts/stripe-standin/cards";
