/**
 * Buying a gift: a Stripe Checkout session in payment mode for N months of a tier, one line of `price_data` priced
 * at the tier's current monthly price × N in its currency. A tier sold only yearly is priced from its yearly price
 * pro rata (yearly × N / 12, rounded up to the step Stripe charges in: a minor unit, ten of a three-decimal
 * currency's), so twelve months cost exactly a year. Everything is checked before Stripe is called; the
 * per-network checkout limit is membership's (`CHECKOUTS`).
 */
import * as Config from "../config";
import { VisibleError } from "../errors";
import * as I18n from "../i18n";
import { log } from "../log";
import * as Money from "../money";
import { countCheckout } from "../patrons/checkout";
import * as StripeApi from "../stripe";
import type { Stripe } from "../stripe";
import type { Subscriber } from "../subscribers/types";
import { KIND, KIND_KEY, MAX_DELIVERY_DAYS, MAX_MESSAGE, MAX_MONTHS } from "./types";
import { SOURCE_KEY } from "../stats/attribution";

export interface GiftCheckoutInput {
  tierId: string;
  months: number;
  recipientEmail: string;
  recipientName?: string;
  message?: string;
  /** `YYYY-MM-DD`; default today. */
  deliverOn?: string;
  /** The buyer's address (Checkout's prefill); signed in, their own. */
  email?: string;
  subscriber?: Subscriber;
  /** The language of the page the buyer gave from: the recipient's emails speak it (`Gift.language`). */
  language?: string;
  /** Where it is bought from (attribution, a checked source): the session's metadata, then `Gift.source`. */
  source?: string;
}

/** The metadata a gift's session and payment intent carry (Stripe allows 500 characters a value). */
export const META = {
  tier: "tierId",
  months: "months",
  recipientEmail: "recipientEmail",
  recipientName: "recipientName",
  message: "message",
  deliverOn: "deliverOn",
  buyer: "subscriberId",
  language: "language",
  source: SOURCE_KEY,
} as const;

const invalid = (field: string, message: string, detail: string) =>
  new VisibleError("invalid", "invalid_request", message, { fields: { [field]: detail } });

const DAY_MS = 86_400_000;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** What N months of a tier cost now, or undefined for a tier that doesn't exist or has no current price. */
export function priceOf(tierId: string, months: number): { amount: number; currency: string; tierName: string } | undefined {
  const tier = Config.get().TIERS.find((t) => t.id === tierId);
  if (!tier) return undefined;
  const current = tier.prices.filter((p) => !p.retired);
  const monthly = current.find((p) => p.interval === "month" && p.currency === tier.currency) ?? current.find((p) => p.interval === "month");
  if (monthly) return { amount: monthly.amount * months, currency: monthly.currency, tierName: tier.name };
  const yearly = current.find((p) => p.interval === "year" && p.currency === tier.currency) ?? current.find((p) => p.interval === "year");
  if (!yearly) return undefined;
  const step = Money.chargeStep(yearly.currency);
  return { amount: Math.ceil((yearly.amount * months) / 12 / step) * step, currency: yearly.currency, tierName: tier.name };
}

/** Checks the input (400 naming the field, nothing written, Stripe not called), then answers the Checkout URL. */
export async function checkout(input: GiftCheckoutInput, context: { ip: string }, now = new Date()): Promise<{ url: string }> {
  const config = Config.get();
  if (!Number.isSafeInteger(input.months) || input.months < 1 || input.months > MAX_MONTHS) {
    throw invalid("months", `A gift is for 1 to ${MAX_MONTHS} months.`, `a whole number from 1 to ${MAX_MONTHS}`);
  }
  const price = priceOf(input.tierId, input.months);
  if (!price) {
    throw invalid("tier", "There is no such tier.", `must be one of: ${config.TIERS.map((t) => t.id).join(", ")}`);
  }
  const today = now.toISOString().slice(0, 10);
  const last = new Date(Date.parse(`${today}T00:00:00Z`) + MAX_DELIVERY_DAYS * DAY_MS).toISOString().slice(0, 10);
  const deliverOn = input.deliverOn ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(deliverOn) || Number.isNaN(Date.parse(`${deliverOn}T00:00:00Z`)) || new Date(`${deliverOn}T00:00:00Z`).toISOString().slice(0, 10) !== deliverOn) {
    throw invalid("deliverOn", "Give the delivery date as a date (YYYY-MM-DD).", "a date, YYYY-MM-DD");
  }
  if (deliverOn < today || deliverOn > last) {
    throw invalid("deliverOn", `Choose a delivery date from today to ${last}.`, `from ${today} to ${last}`);
  }
  const message = input.message?.trim();
  if (message && (message.length > MAX_MESSAGE || CONTROL.test(message))) {
    throw invalid("message", `A message is at most ${MAX_MESSAGE} characters of text.`, `at most ${MAX_MESSAGE} characters, no control characters`);
  }
  const recipientName = input.recipientName?.trim();
  if (recipientName && (recipientName.length > 100 || CONTROL.test(recipientName) || /[\r\n]/.test(recipientName))) {
    throw invalid("recipientName", "A name is at most 100 characters on one line.", "at most 100 characters, one line");
  }
  const recipientEmail = input.recipientEmail.trim().toLowerCase();
  const email = input.subscriber?.email ?? input.email;
  const language = Config.readerLanguage(input.language);

  const stripe = await StripeApi.stripe(); // 503 without keys
  await countCheckout(context.ip, now);
  const metadata: Record<string, string> = {
    [KIND_KEY]: KIND,
    [META.tier]: input.tierId,
    [META.months]: String(input.months),
    [META.recipientEmail]: recipientEmail,
    [META.deliverOn]: deliverOn,
    ...(recipientName && { [META.recipientName]: recipientName }),
    ...(message && { [META.message]: message }),
    ...(input.subscriber && { [META.buyer]: input.subscriber.id }),
    [META.language]: language,
    ...(input.source && { [META.source]: input.source }),
  };
  // What Checkout shows, in the buyer's language too.
  await I18n.load();
  const { t } = I18n.translator(language);
  const name = t("gifts.checkout.line", { months: input.months, tier: Config.nameOfTier(Config.get().TIERS, input.tierId, language) });
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "payment",
    line_items: [
      {
        price_data: { currency: price.currency, unit_amount: price.amount, product_data: { name, description: t("gifts.checkout.description", { outlet: config.OUTLET_NAME }).slice(0, 250) } },
        quantity: 1,
      },
    ],
    ...(email && { customer_email: email }),
    metadata,
    payment_intent_data: { metadata },
    success_url: `${config.PUBLIC_URL}/support/thanks`,
    cancel_url: `${config.PUBLIC_URL}/support`,
  };
  const session = await stripe.checkout.sessions.create(params);
  log.info({ event: "gift.checkout", sessionId: session.id, tierId: input.tierId, months: input.months, amount: price.amount }, "gift checkout started");
  if (!session.url) throw new Error("Stripe answered a Checkout session without a URL");
  return { url: session.url };
}
