/**
 * The tests' fake Stripe: the local Stripe stand-in (`scripts/stripe-standin`), started without a webhook endpoint
 * unless a test asks for one, so its Checkout and Billing Portal URLs are Stripe's and nothing is sent on its own.
 * Its state is in memory and the test owns it; see there.
 */
import { startStripeStandIn, type StandInOptions, type StripeStandIn } from "../../scripts/stripe-standin";

export { parseForm, type RecordedRequest } from "../../scripts/stripe-standin";
export type FakeStripe = StripeStandIn;

export const startFakeStripe = (options: StandInOptions = {}): Promise<FakeStripe> => startStripeStandIn(options);
