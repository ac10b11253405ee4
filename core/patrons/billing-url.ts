/**
 * The card-update link's URL (`GET /billing/update?token=…`), signed for a subscriber and the Stripe customer whose
 * card it updates. Apart from `billing-link.ts` (which opens it, and talks to Stripe) so that the emails carrying it
 * (sent from webhooks and the lifecycle schedule) do not bring Stripe's client into every function that sends one.
 */
import * as Config from "../config";
import * as Tokens from "../tokens";

/** The link for `subscriberId` to update the card of `customerId`, valid past the grace period it is sent in. */
export function billingUpdateUrl(subscriberId: string, customerId: string, now = new Date()): string {
  const token = Tokens.sign("billing-update", `${subscriberId}~${customerId}`, now);
  return `${Config.get().PUBLIC_URL}/billing/update?token=${encodeURIComponent(token)}`;
}
