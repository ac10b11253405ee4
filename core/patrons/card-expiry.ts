/**
 * The expiring-card warning: Stripe says a card is about to expire (`customer.source.expiring`, at the start of
 * the month it expires) or a renewal is coming (`invoice.upcoming`, days before it is charged, as the account's
 * billing settings say). Whichever the account sends, the same check runs, on what Stripe's API says now (never
 * the event's copy): the running (`active`) patron of that customer, their subscription, the payment method that
 * will pay its renewal (the subscription's default, else the customer's invoice default, else its default
 * source), and that card's expiry. The patron is warned only when the card expires before the renewal is charged
 * (a subscription set to end at its period's end has none).
 *
 * One email per card and expiry (claimed by subscriber, payment method and expiry month), so both events for the
 * same card, in either order and each delivered twice, send one email; a new card that expires some day gets its
 * own warning then.
 */
import * as Db from "../db";
import * as I18n from "../i18n";
import type * as Email from "../email";
import { log } from "../log";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import type { Subscriber } from "../subscribers/types";
import * as Transactional from "../transactional";
import { billingUpdateUrl } from "./billing-url";
import { dateInWords, emailOnce, patronEmailData } from "./notify";
import { subscriberOfCustomer } from "./sync";
import type { Patron } from "./types";

const { idOf, periodOf } = StripeApi.Objects;

/** A card as the warning names it. */
export interface ExpiringCard {
  /** The payment method (or card source) id. */
  id: string;
  brand: string;
  last4: string;
  /** 1..12, and the four-digit year. */
  expMonth: number;
  expYear: number;
}

export type CardOutcome = "warned" | "warned_before" | "in_flight" | "not_running" | "not_paying_card" | "no_card" | "expires_after_renewal" | "nobody";

/** The first moment a card no longer works: the start of the month after its expiry month (UTC). */
export const cardEndsAt = (card: Pick<ExpiringCard, "expMonth" | "expYear">) => new Date(Date.UTC(card.expYear, card.expMonth, 1));

/** The claim id of a card's warning: one per subscriber, payment method and expiry. */
export function cardClaim(subscriberId: string, card: Pick<ExpiringCard, "id" | "expMonth" | "expYear">): string {
  return `${subscriberId}:card:${card.id}:${card.expYear}-${String(card.expMonth).padStart(2, "0")}:card_expiring`;
}

/**
 * Warns the patron paying through `customerId` if the card paying their renewal expires before it.
 * `about.cardId`: only if that card is the one paying (`customer.source.expiring`); `about.subscriptionId`: only if
 * that subscription is the one that decides the membership (`invoice.upcoming`).
 */
export async function warnExpiringCard(
  customerId: string,
  about: { cardId?: string; subscriptionId?: string },
  now = new Date(),
): Promise<CardOutcome> {
  if (await Db.Erasure.isErasedCustomer(customerId)) return "nobody";
  const subscriberId = await subscriberOfCustomer(customerId, now);
  if (!subscriberId) return "nobody";
  const patron = await Db.Patrons.get(subscriberId);
  if (!running(patron, customerId) || (about.subscriptionId && about.subscriptionId !== patron!.stripeSubscriptionId)) return "not_running";

  const stripe = await StripeApi.stripe();
  const subscription = await stripe.subscriptions.retrieve(patron!.stripeSubscriptionId!);
  const renewsAt = periodOf(subscription).end;
  if (idOf(subscription.customer) !== customerId || !["active", "trialing"].includes(subscription.status) || subscription.cancel_at_period_end || !renewsAt) {
    return "not_running";
  }
  const card = await payingCard(stripe, subscription, customerId);
  if (!card) return "no_card";
  if (about.cardId && about.cardId !== card.id) return "not_paying_card";
  if (cardEndsAt(card).toISOString() > renewsAt) return "expires_after_renewal";

  const outcome = await emailOnce(subscriberId, cardClaim(subscriberId, card), () => send(subscriberId, card, renewsAt, now), now);
  return outcome === "sent" ? "warned" : outcome === "done" ? "warned_before" : outcome === "skipped" ? "not_running" : "in_flight";
}

/** Running: active, paying through this customer by a subscription (a comp or a grace has nothing to warn about). */
function running(patron: Patron | undefined, customerId: string): boolean {
  if (patron?.status !== "active" || !patron.stripeSubscriptionId) return false;
  return patron.stripeCustomerId === customerId || (patron.stripeCustomerIds ?? []).includes(customerId);
}

/** The card that will pay the subscription's next invoice, as Stripe picks it, fetched now. */
async function payingCard(stripe: Stripe, subscription: Stripe.Subscription, customerId: string): Promise<ExpiringCard | undefined> {
  let methodId = idOf(subscription.default_payment_method as string | { id: string } | null);
  if (!methodId) {
    const customer = await stripe.customers.retrieve(customerId);
    if (customer.deleted) return undefined;
    methodId = idOf(customer.invoice_settings?.default_payment_method as string | { id: string } | null) ?? idOf(customer.default_source as string | { id: string } | null);
  }
  if (!methodId) return undefined;
  // The Payment Methods API reads a card source (`card_…`) too, in the same shape.
  const method = await stripe.paymentMethods.retrieve(methodId).catch((error) => {
    if (StripeApi.isMissing(error)) return undefined;
    throw error;
  });
  const card = method?.card;
  if (!card) return undefined;
  return { id: methodId, brand: card.display_brand ?? card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year };
}

async function send(subscriberId: string, card: ExpiringCard, renewsAt: string, now: Date): Promise<"not_due" | void> {
  // Read again under the claim: a patron who stopped running meanwhile gets nothing yet (the claim is given back, so
  // the next event warns if they run again); an address that bounced gets nothing (settled).
  const [patron, subscriber] = await Promise.all([Db.Patrons.get(subscriberId), Db.Subscribers.get(subscriberId)]);
  if (!patron || patron.status !== "active") return "not_due";
  if (!subscriber || subscriber.status === "bounced" || subscriber.status === "complained") return;
  const message = await cardExpiringMessage(patron, subscriber, card, renewsAt, now);
  if (!message) return;
  await Transactional.sendNow(message);
  log.info({ event: "patron.email", subscriberId, kind: "card_expiring" }, "expiring-card warning sent");
}

/**
 * The expiring-card warning as it is sent (undefined: a tier no longer configured, or no customer to link). Data in,
 * message out: the deliverability check scores it.
 */
export async function cardExpiringMessage(
  patron: Patron,
  subscriber: Subscriber,
  card: ExpiringCard,
  renewsAt: string | undefined,
  now = new Date(),
): Promise<Email.Message | undefined> {
  const base = await patronEmailData(patron, subscriber);
  if (!base || !patron.stripeCustomerId) return undefined;
  const { Templates, language, data } = base;
  const rendered = Templates.cardExpiring({
    ...data,
    billingUrl: billingUpdateUrl(patron.subscriberId, patron.stripeCustomerId, now),
    brand: brandName(card.brand),
    last4: card.last4,
    expiry: I18n.translator(language).date(new Date(Date.UTC(card.expYear, card.expMonth - 1, 15)), { month: "long", year: "numeric", timeZone: "UTC" }),
    renewsOn: dateInWords(renewsAt, language),
  });
  return { to: subscriber.email, ...rendered };
}

/** Stripe's brand codes as people write them ("visa" → "Visa", "amex" → "American Express"). */
function brandName(brand: string): string {
  const known: Record<string, string> = { amex: "American Express", diners: "Diners Club", mastercard: "Mastercard", unionpay: "UnionPay", jcb: "JCB" };
  return known[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
