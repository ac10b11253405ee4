/**
 * Joining and managing: a Stripe Checkout session in subscription mode for one of a tier's current prices (the one
 * the reader chose, else its first), tied to the subscriber by `client_reference_id` and metadata (on the session and
 * on the subscription it creates, so whichever webhook comes first knows whose it is), with the tier's trial and
 * promotion codes (or the win-back's code applied, `promotion-checkout.ts`) and, with STRIPE_AUTOMATIC_TAX=on, Stripe Tax;
 * and a Billing Portal session for a patron's Stripe customer.
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import { log } from "../log";
import * as SignIn from "../signin";
import { hashIp } from "../subscribers/signup";
import type { Subscriber } from "../subscribers/types";
import { choosePrice, type PriceChoice } from "./prices";
import { SUBSCRIBER_KEY } from "./resolve";
import { SOURCE_KEY } from "../stats/attribution";
import { customersOf } from "./sync";
import type { Patron } from "./types";

export type CheckoutInput = (
  /** Signed in: the patron's Stripe customer is reused (no second customer), and a running membership is refused. */
  | { tierId: string; choice?: PriceChoice; subscriber: Subscriber }
  /**
   * Not signed in: never reuses a customer (Checkout would show a stranger that customer's saved details); the
   * subscriber with the address, if any, is named for the webhook, so a second customer joins their first. An
   * address that already holds a paid membership gets no second checkout (they would pay twice): that person is
   * emailed a sign-in link instead, and the visitor is sent to a page that says only "check your email".
   */
  | { tierId: string; choice?: PriceChoice; email: string }
) & {
  /**
   * Where the joining came from (attribution, a checked source): in the session's and the subscription's metadata,
   * so the patron the webhooks make gets it (core/patrons/memberships.ts) whichever event comes first.
   */
  source?: string;
  /** A promotion code the link carried (`promo`): applied when it is the win-back's (core/patrons/promotion.ts). */
  promotionCode?: string;
};

/**
 * Checkout sessions one IP address's network may start per window (each is a call to Stripe's API, which limits
 * the account as a whole: a client looping on `/join` would otherwise spend the rate webhooks and the portal need,
 * or try cards). As generous as sign-ups from one network; more get 429.
 */
export const CHECKOUTS = { perIp: 20, perIpWindowSeconds: 60 * 60 };

/**
 * Counts a Checkout session about to start from `ip`'s network against `CHECKOUTS`, whatever it is for (a
 * membership, a contribution, a gift): past the limit, a 429 with `Retry-After`, before Stripe is called.
 */
export async function countCheckout(ip: string, now: Date): Promise<void> {
  const perIp = await Db.RateLimits.hit("checkout-ip", hashIp(ip), CHECKOUTS.perIp, CHECKOUTS.perIpWindowSeconds, now);
  if (!perIp.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many checkouts started from this network. Try again later.", {
      retryAfterSeconds: perIp.retryAfterSeconds,
    });
  }
}

/**
 * A Checkout session's URL for the tier at the price chosen, for a visitor from `context.ip` (counted against
 * `CHECKOUTS`). An unknown tier or a price that is not one of its current ones is a 400 before Stripe is called.
 */
export async function checkout(input: CheckoutInput, context: { ip: string }, now = new Date()): Promise<{ url: string }> {
  const config = Config.get();
  const tier = config.TIERS.find((t) => t.id === input.tierId);
  if (!tier) {
    throw new VisibleError("invalid", "invalid_request", "There is no such tier; see GET /api/tiers.", {
      fields: { tier: `must be one of: ${config.TIERS.map((t) => t.id).join(", ") || "(no tiers configured)"}` },
    });
  }
  const price = choosePrice(tier, input.choice);
  const stripe = await StripeApi.stripe(); // 503 without keys, before anything else is looked at
  await countCheckout(context.ip, now);

  const signedIn = "subscriber" in input ? input.subscriber : undefined;
  const email = "subscriber" in input ? input.subscriber.email : input.email;
  const subscriber = signedIn ?? (await Db.Subscribers.getByEmail(email));
  const patron = subscriber && (await Db.Patrons.get(subscriber.id));
  if (holdsPaidMembership(patron)) {
    if (!signedIn) {
      await SignIn.queueLink(email);
      log.info({ event: "patron.checkout_redirected", subscriberId: subscriber!.id }, "a patron's address asked for a second checkout; sign-in link sent");
      return { url: `${config.PUBLIC_URL}/join/sent` };
    }
    throw new VisibleError(
      "conflict",
      "already_patron",
      "You already hold a membership: change its tier or payment method from your account (Manage billing).",
    );
  }
  const metadata = { ...(subscriber && { [SUBSCRIBER_KEY]: subscriber.id }), tierId: tier.id, ...(input.source && { [SOURCE_KEY]: input.source }) };
  const customer = signedIn && patron?.stripeCustomerId;
  const tax = config.STRIPE_AUTOMATIC_TAX === "on";
  // A trial is for a first paid membership: someone who has paid through Stripe before gets none on rejoining.
  const trial = tier.trialDays !== undefined && !patron?.stripeSubscriptionId && !patron?.stripeCustomerIds?.length;
  const Promotion = await import("./promotion-checkout"); // a checkout's own code, off the API's cold start
  const discounts = await Promotion.winBackDiscounts(stripe, input.promotionCode);
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    ...(subscriber && { client_reference_id: subscriber.id }),
    metadata,
    subscription_data: { metadata, ...(trial && { trial_period_days: tier.trialDays }) },
    ...(customer ? { customer } : { customer_email: email }),
    // Stripe takes a discount or the code field, not both: the win-back's code applied, else the tier's field.
    ...(discounts ? { discounts } : tier.promotionCodes && { allow_promotion_codes: true }),
    // Checkout asks for the address Stripe Tax needs; an existing customer's is saved to it (Stripe refuses the
    // session for a customer without an address otherwise), so renewals are taxed where the patron said they live.
    ...(tax && { automatic_tax: { enabled: true }, ...(customer && { customer_update: { address: "auto" as const } }) }),
    success_url: `${config.PUBLIC_URL}/account?membership=welcome`,
    cancel_url: `${config.PUBLIC_URL}/account?membership=cancelled`,
  };
  const session = await Promotion.createCheckoutSession(stripe, params, Boolean(tier.promotionCodes));
  if (!session.url) throw new Error("Stripe answered a Checkout session without a URL");
  return { url: session.url };
}

/** Whether a patron pays for a membership that runs (active, or in grace): a second checkout would charge twice. */
function holdsPaidMembership(patron: Patron | undefined): boolean {
  return Boolean(patron?.stripeSubscriptionId) && (patron!.status === "active" || patron!.status === "grace");
}

/**
 * A Billing Portal session's URL for a signed-in patron: for the customer of the subscription that decides their
 * membership, or another customer of theirs (someone who checked out twice manages each); 404 for someone who
 * pays nothing through Stripe, or a customer that isn't theirs.
 */
export async function portal(subscriber: Subscriber, customerId?: string): Promise<{ url: string }> {
  const stripe = await StripeApi.stripe();
  const patron = await Db.Patrons.get(subscriber.id);
  const customer = customerId ?? patron?.stripeCustomerId;
  if (!customer || !customersOf(patron).includes(customer)) {
    throw new VisibleError("not_found", "not_found", "You have no paid membership to manage.");
  }
  const session = await stripe.billingPortal.sessions.create({
    customer,
    return_url: `${Config.get().PUBLIC_URL}/account`,
  });
  return { url: session.url };
}
