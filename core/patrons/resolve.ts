/**
 * Whose membership a Stripe customer pays for, when no patron holds that customer yet (a first event, in any
 * order): the subscriber named by the checkout (`client_reference_id`), by the subscription's metadata (set at
 * checkout, so it arrives with subscription events that beat the checkout event) or by the customer's metadata,
 * or else the subscriber with the customer's email address. Someone who paid without being a subscriber becomes
 * one: active, with consent source `stripe`.
 *
 * A name is only a hint: anyone who can start a checkout on the Stripe account (a Payment Link takes
 * `client_reference_id` in its URL) can write any subscriber id there. It is taken only when it agrees with the
 * customer: the subscriber named has the customer's address (as every checkout Tidings starts has: it sets
 * `customer_email`, or reuses the patron's own customer), or already pays through that customer. Otherwise it is
 * ignored (and logged), and the customer is resolved by its address as if nobody had been named: a stranger's
 * payment must not become someone else's membership, whose address would then follow the stranger's customer.
 */
import { ulid } from "ulid";
import * as Db from "../db";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import * as Input from "../subscribers/input";
import { activated } from "../subscribers/activate";
import { CONSENT_TEXT_VERSION } from "../subscribers/rules";
import type { Subscriber } from "../subscribers/types";

const { metadataValue } = StripeApi.Objects;

/** The metadata key naming the subscriber, on checkout sessions, subscriptions and customers Tidings creates. */
export const SUBSCRIBER_KEY = "subscriberId";

export async function subscriberForCustomer(
  customerId: string,
  hint: { subscriberId?: string },
  subscriptions: readonly Stripe.Subscription[],
  now: Date,
): Promise<string | undefined> {
  const customer = await (await StripeApi.stripe()).customers.retrieve(customerId);
  const email = Input.email.safeParse((!customer.deleted && customer.email) || "");
  const named = [hint.subscriberId, ...subscriptions.map((s) => metadataValue(s, SUBSCRIBER_KEY))];
  if (!customer.deleted) named.push(metadataValue(customer, SUBSCRIBER_KEY));
  const gone: string[] = [];
  for (const id of new Set(named)) {
    if (!id) continue;
    const subscriber = await Db.Subscribers.get(id);
    // A deleted customer has no address left to agree with; it can neither pay nor change any more, so its ended
    // membership goes to whom it names (its first events may come after the deletion).
    if (!subscriber) gone.push(id);
    else if (customer.deleted || (await agrees(subscriber, customerId, email.data))) return id;
    else log.warn({ event: "patron.hint_ignored", customerId, subscriberId: id }, "a checkout named a subscriber the customer doesn't match; ignored");
  }
  if (customer.deleted) {
    log.warn({ event: "patron.customer_deleted", customerId }, "a membership's customer is deleted; nobody to give it to");
    return undefined;
  }
  if (!email.success) {
    log.warn({ event: "patron.customer_without_email", customerId }, "a membership's customer has no usable email");
    return undefined;
  }
  // A checkout named a subscriber who is gone (erased since) and whom the address no longer finds: their payment
  // must not make them a subscriber again. (An expired sign-up is still found by its address, and activated.)
  if (gone.length > 0 && !gone.includes((await Db.Subscribers.getByEmail(email.data))?.id as string)) {
    log.warn({ event: "patron.subscriber_gone", customerId }, "a membership's subscriber is gone; nobody to give it to");
    return undefined;
  }
  return (await ensureSubscriber(email.data, customer.name ?? undefined, now)).id;
}

/** Whether a named subscriber is the customer's: the same address, or a customer they already pay through. */
async function agrees(subscriber: Subscriber, customerId: string, email: string | undefined): Promise<boolean> {
  if (email !== undefined && subscriber.email === email) return true;
  const patron = await Db.Patrons.get(subscriber.id);
  return patron?.stripeCustomerId === customerId || Boolean(patron?.stripeCustomerIds?.includes(customerId));
}

/**
 * The subscriber with this address, made active if they were only a pending (or expired) sign-up, since a
 * patron's record must not expire; created (active, consent source `stripe`) if there is none. Unsubscribed,
 * bounced and complained subscribers stay so: paying is not asking for digests again.
 */
export async function ensureSubscriber(email: string, name: string | undefined, now: Date): Promise<Subscriber> {
  const at = now.toISOString();
  const consent = { requestedAt: at, confirmedAt: at, source: "stripe", textVersion: CONSENT_TEXT_VERSION };
  return Db.retryWrite("making a paying customer a subscriber", async () => {
    const existing = await Db.Subscribers.getByEmail(email);
    if (existing && existing.status !== "pending") return existing;
    const next: Subscriber = existing
      ? { ...activated(existing, consent, at), updatedAt: at, version: existing.version + 1 }
      : {
          id: `sub_${ulid(now.getTime())}`,
          email,
          name: Input.name.safeParse(name ?? "").data || undefined,
          status: "active",
          topics: [],
          frequency: "weekly",
          createdAt: at,
          updatedAt: at,
          confirmedAt: at,
          consent,
          confirmationsSentAt: [],
          version: 1,
        };
    await Db.Subscribers.save(next, existing);
    log.info({ event: "subscriber.from_stripe", subscriberId: next.id, created: !existing }, "a patron became a subscriber");
    return next;
  });
}
