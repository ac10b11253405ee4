/**
 * The card-update link of the billing emails (payment failed, grace reminder, expiring card): `GET /billing/update`
 * with a token of its own purpose (`billing-update`) naming the subscriber and the Stripe customer, so it opens
 * Stripe's Billing Portal straight on its update-payment-method flow without signing in. It does nothing else:
 * the portal session is Stripe's, short-lived and made on each use (a session URL must not sit in an inbox), and
 * the token of this purpose is accepted by no other route (nor does any other token work here).
 *
 * Refused, changing nothing: a token forged, altered, expired or of another purpose (400), a subscriber gone or a
 * customer no longer theirs (404: erased, or the patron's customers no longer include it), too many uses from one
 * network (429); Stripe not configured or unreachable (503).
 */
import * as Config from "../config";
import * as Db from "../db";
import { VisibleError } from "../errors";
import { log } from "../log";
import * as StripeApi from "../stripe";
import { hashIp } from "../subscribers/signup";
import * as Tokens from "../tokens";
import type { Patron } from "./types";

/** Links one network may open per window: as many as checkouts it may start (`CHECKOUTS`); more get 429. */
export const LINK_USES = { perIp: 20, perIpWindowSeconds: 60 * 60 };

/** Where the portal sends the patron back once the card is saved (the account page says so). */
export const RETURN_PATH = "/account?billing=updated";

export { billingUpdateUrl } from "./billing-url";

/** Why a link opens nothing, for its page (`code`s of the `billing.link.*` catalogue). */
export type RefusalCode = "invalid_token" | "expired_token" | "gone" | "not_theirs" | "rate_limited" | "stripe_unavailable" | "stripe_not_configured";

/**
 * The Billing Portal session URL for a card-update link's token, opened for a visitor from `context.ip`. Throws a
 * `VisibleError` whose code is a `RefusalCode` for anything it refuses.
 */
export async function openBillingUpdate(token: string, context: { ip: string }, now = new Date()): Promise<{ url: string }> {
  const { subscriberId, customerId } = subjectOf(Tokens.verify(token, "billing-update", now).subject);
  await countUse(context.ip, now);
  const [subscriber, patron, erased] = await Promise.all([
    Db.Subscribers.get(subscriberId),
    Db.Patrons.get(subscriberId),
    Db.Erasure.isErasedCustomer(customerId),
  ]);
  if (!subscriber || erased) throw new VisibleError("not_found", "gone", "There is no membership here any more.");
  if (!customersOf(patron).includes(customerId)) {
    throw new VisibleError("not_found", "not_theirs", "This link is for a billing account that is no longer yours.");
  }
  const stripe = await StripeApi.stripe(); // 503 without keys
  const returnUrl = `${Config.get().PUBLIC_URL}${RETURN_PATH}`;
  try {
    const session = await stripe.billingPortal.sessions.create({
      customer: customerId,
      return_url: returnUrl,
      flow_data: { type: "payment_method_update", after_completion: { type: "redirect", redirect: { return_url: returnUrl } } },
    });
    log.info({ event: "patron.billing_link", subscriberId }, "card-update link opened the billing portal");
    return { url: session.url };
  } catch (error) {
    if (StripeApi.isMissing(error)) throw new VisibleError("not_found", "not_theirs", "This link is for a billing account that no longer exists.");
    if (isUnreachable(error)) {
      log.warn({ err: error, event: "patron.billing_link_unavailable", subscriberId }, "Stripe unreachable for a card-update link");
      throw new VisibleError("unavailable", "stripe_unavailable", "Stripe cannot be reached just now. Please try again in a few minutes.", {
        retryAfterSeconds: 60,
      });
    }
    throw error;
  }
}

/** Every customer the patron pays through (as `sync.ts`'s `customersOf`; kept apart so this file stays small). */
const customersOf = (patron: Patron | undefined) => [...(patron?.stripeCustomerIds ?? []), ...(patron?.stripeCustomerId ? [patron.stripeCustomerId] : [])];

/** `sub_…~cus_…`: a token of this purpose names both, or it is not one of ours. */
function subjectOf(subject: string): { subscriberId: string; customerId: string } {
  const [subscriberId, customerId, ...rest] = subject.split("~");
  if (!subscriberId || !customerId?.startsWith("cus_") || rest.length > 0) {
    throw new VisibleError("invalid", "invalid_token", "This link is not valid. It may be incomplete.");
  }
  return { subscriberId, customerId };
}

/** Each use calls Stripe's API, which limits the account as a whole: counted per network, as checkouts are. */
async function countUse(ip: string, now: Date): Promise<void> {
  const hit = await Db.RateLimits.hit("billing-link-ip", hashIp(ip), LINK_USES.perIp, LINK_USES.perIpWindowSeconds, now);
  if (!hit.allowed) {
    throw new VisibleError("rate_limited", "rate_limited", "Too many billing links opened from this network. Try again later.", {
      retryAfterSeconds: hit.retryAfterSeconds,
    });
  }
}

/** Stripe did not answer, or answered that it is failing: worth trying again later (not our caller's fault). */
function isUnreachable(error: unknown): boolean {
  const { type, statusCode } = (error ?? {}) as { type?: string; statusCode?: number };
  return type === "StripeConnectionError" || type === "StripeRateLimitError" || (statusCode !== undefined && statusCode >= 500);
}
