/**
 * Joining and managing: a Stripe Checkout session in subscription mode for a tier, tied to the subscriber by
 * `client_reference_id` and metadata (on the session and on the subscription it creates, so whichever webhook
 * comes first knows whose it is); and a Billing Portal session for a patron's Stripe customer.
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import type { Subscriber } from "../subscribers/types";
import { SUBSCRIBER_KEY } from "./resolve";

export type CheckoutInput =
  /** Signed in: the patron's Stripe customer is reused (no second customer), and a running membership is refused. */
  | { tierId: string; subscriber: Subscriber }
  /**
   * Not signed in: answers alike whatever the address's state, and never reuses a customer (Checkout would show
   * a stranger that customer's saved details). The subscriber with the address, if any, is named for the webhook.
   */
  | { tierId: string; email: string };

/** A Checkout session's URL for the tier. */
export async function checkout(input: CheckoutInput): Promise<{ url: string }> {
  const config = Config.get();
  const tier = config.TIERS.find((t) => t.id === input.tierId);
  if (!tier) {
    throw new VisibleError("invalid", "invalid_request", "There is no such tier; see GET /api/tiers.", {
      fields: { tier: `must be one of: ${config.TIERS.map((t) => t.id).join(", ") || "(no tiers configured)"}` },
    });
  }
  const stripe = await StripeApi.stripe(); // 503 without keys, before anything else is looked at

  const signedIn = "subscriber" in input ? input.subscriber : undefined;
  const email = "subscriber" in input ? input.subscriber.email : input.email;
  const subscriber = signedIn ?? (await Db.Subscribers.getByEmail(email));
  const patron = signedIn ? await Db.Patrons.get(signedIn.id) : undefined;
  if (patron?.stripeSubscriptionId && (patron.status === "active" || patron.status === "grace")) {
    throw new VisibleError(
      "conflict",
      "already_patron",
      "You already hold a membership: change its tier or payment method from your account (Manage billing).",
    );
  }
  const metadata = { ...(subscriber && { [SUBSCRIBER_KEY]: subscriber.id }), tierId: tier.id };
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "subscription",
    line_items: [{ price: tier.priceId, quantity: 1 }],
    ...(subscriber && { client_reference_id: subscriber.id }),
    metadata,
    subscription_data: { metadata },
    ...(patron?.stripeCustomerId ? { customer: patron.stripeCustomerId } : { customer_email: email }),
    success_url: `${config.PUBLIC_URL}/account?membership=welcome`,
    cancel_url: `${config.PUBLIC_URL}/account?membership=cancelled`,
  };
  const session = await stripe.checkout.sessions.create(params);
  if (!session.url) throw new Error("Stripe answered a Checkout session without a URL");
  return { url: session.url };
}

/** A Billing Portal session's URL for a signed-in patron; 404 for someone who pays nothing through Stripe. */
export async function portal(subscriber: Subscriber): Promise<{ url: string }> {
  const stripe = await StripeApi.stripe();
  const patron = await Db.Patrons.get(subscriber.id);
  if (!patron?.stripeCustomerId) {
    throw new VisibleError("not_found", "not_found", "You have no paid membership to manage.");
  }
  const session = await stripe.billingPortal.sessions.create({
    customer: patron.stripeCustomerId,
    return_url: `${Config.get().PUBLIC_URL}/account`,
  });
  return { url: session.url };
}
